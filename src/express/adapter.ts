/** @module Express ⇄ core: a request in, a reply out. Express 4 and 5 alike. */
import type { NextFunction, Request, Response } from 'express'
import { headerOf, type AuthRequest, type Reply, type ServerSession } from '../core/http.js'
import { readStream } from '../core/read-stream.js'
import type { MemberSession } from '../stytch/port.js'

/** Where the library keeps its value in express-session's `req.session`. */
const SESSION_KEY = 'stytchB2bMfa'

/**
 * Where the verified session of a request is kept: on `res.locals` (the plain per-request object
 * Express creates), under a key only this module holds and not enumerable, so neither other
 * middleware nor views come across it. Not on the request (see `exposeOnPrototype`), and not in a
 * WeakMap: an entry per request kept the scavenger busy with the map's table, about 12k
 * instructions per guarded request under callgrind.
 */
const VERIFIED: unique symbol = Symbol('stytchMemberSession')

type Locals = Record<PropertyKey, unknown>

/** Hosts that run Express middleware without linking `req.res` (connect, polka): a WeakMap. */
const verifiedElsewhere = new WeakMap<object, MemberSession>()

function keepVerified(req: Request, res: Response, session: MemberSession): void {
  if (req.res !== res) {
    verifiedElsewhere.set(req, session)
    return
  }
  const locals = (res.locals as Locals | undefined) ?? (res.locals = Object.create(null) as Locals)
  Object.defineProperty(locals, VERIFIED, { value: session, configurable: true })
}

/** The public copy: `req.stytchMemberSession`. */
const PROPERTY = 'stytchMemberSession'

/** Request prototypes (one per Express app) whose `stytchMemberSession` reads the kept one. */
const exposing = new WeakSet<object>()

/**
 * Lets `req.stytchMemberSession` read the verified session through the app's request prototype,
 * once per app. Adding the property to each request instead was the guard's largest cost: Express
 * swaps the prototype of every request object, which leaves each with a hidden class of its own,
 * so V8 builds a new one for every such assignment (a sixth of a bare route's time, measured
 * with `npm run bench`). Reads give what they gave; assigning still makes an own property.
 * False when the prototype cannot take it (frozen, or already has such a property).
 */
function exposeOnPrototype(req: Request): boolean {
  const prototype: unknown = Object.getPrototypeOf(req)
  if (typeof prototype !== 'object' || prototype === null) return false
  if (exposing.has(prototype)) return true
  if (Object.hasOwn(prototype, PROPERTY)) return false
  const defined = Reflect.defineProperty(prototype, PROPERTY, {
    configurable: true,
    enumerable: false,
    get(this: Request): MemberSession | undefined {
      return verifiedSession(this)
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, PROPERTY, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      })
    },
  })
  if (defined) exposing.add(prototype)
  return defined
}

type SessionLike = Record<string, unknown> & {
  regenerate(callback: (error?: unknown) => void): void
}

/** express-session replaces req.session on regenerate: every call looks it up afresh. */
class ExpressSession implements ServerSession {
  readonly #req: Request

  constructor(req: Request) {
    this.#req = req
  }

  #session(): SessionLike {
    return (this.#req as unknown as { session: SessionLike }).session
  }

  read(): unknown {
    return this.#session()[SESSION_KEY]
  }

  write(value: unknown): void {
    if (value === undefined) Reflect.deleteProperty(this.#session(), SESSION_KEY)
    else this.#session()[SESSION_KEY] = value
  }

  regenerate(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#session().regenerate((error) => {
        if (error === undefined || error === null) resolve()
        else
          reject(error instanceof Error ? error : new Error('express-session failed to regenerate'))
      })
    })
  }
}

function serverSessionOf(req: Request): ServerSession | undefined {
  const current = (req as unknown as { session?: SessionLike }).session
  return typeof current?.regenerate === 'function' ? new ExpressSession(req) : undefined
}

/**
 * The request as the core sees it, read on demand: the guard runs on every request and needs
 * only a few of these. Reads of an Express request are not cached by V8 (each request has a
 * hidden class of its own, see `exposeOnPrototype`), and `ip` and `secure` are computed anew on
 * each read (trust proxy).
 */
class ExpressAuthRequest implements AuthRequest {
  readonly #req: Request

  constructor(req: Request) {
    this.#req = req
  }

  get method(): string {
    return this.#req.method
  }

  get url(): string {
    return this.#req.originalUrl
  }

  get secure(): boolean {
    return this.#req.secure
  }

  get ip(): string | undefined {
    return this.#req.ip
  }

  header(name: string): string | undefined {
    return headerOf(this.#req.headers, name)
  }

  /** body-parser marks a body it parsed; otherwise the stream is still unread. */
  get parsedBody(): unknown {
    const req = this.#req as Request & { _body?: unknown }
    return req._body === true ? (req.body as unknown) : undefined
  }

  readBody(limit: number): Promise<Buffer> {
    return readStream(this.#req, limit, this.#req.headers['content-length'])
  }

  get serverSession(): ServerSession | undefined {
    return serverSessionOf(this.#req)
  }
}

export function toAuthRequest(req: Request): AuthRequest {
  return new ExpressAuthRequest(req)
}

export function applyReply(reply: Reply, req: Request, res: Response, next: NextFunction): void {
  const { headers } = reply
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) res.setHeader(name, value)
  }
  if (reply.cookies.length > 0) res.append('Set-Cookie', [...reply.cookies])
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      keepVerified(req, res, outcome.session)
      // A value another middleware put on the request itself is replaced, as it always was.
      if (Object.hasOwn(req, PROPERTY) || !exposeOnPrototype(req)) {
        req.stytchMemberSession = outcome.session
      }
      next()
      return
    case 'respond':
      res.statusCode = outcome.status
      res.setHeader('content-type', outcome.contentType)
      res.end(outcome.body)
      return
    case 'redirect':
      res.statusCode = 303
      res.setHeader('location', outcome.location)
      res.end()
      return
    case 'error':
      next(outcome.error)
      return
  }
}

/** The session `requireMfa()` verified for this request, or `undefined`. */
export function verifiedSession(req: Request): MemberSession | undefined {
  const locals = req.res?.locals as Locals | undefined
  return locals !== undefined && Object.hasOwn(locals, VERIFIED)
    ? (locals[VERIFIED] as MemberSession)
    : verifiedElsewhere.get(req)
}
