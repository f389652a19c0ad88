/** @module Express ⇄ core: a request in, a reply out. Express 4 and 5 alike. */
import type { Application, NextFunction, Request, Response } from 'express'
import { streamWasRead } from '../core/body.js'
import {
  headerOf,
  type AuthRequest,
  type Reply,
  type ServerSession,
  type SessionCookieAttributes,
} from '../core/http.js'
import { checkProxyOnce, type ProxyMistake } from '../core/proxy-warning.js'
import { readStream } from '../core/read-stream.js'
import type { MemberSession } from '../stytch/port.js'

/** Where the library keeps its value in express-session's `req.session`. */
const SESSION_KEY = 'stytchB2bMfa'

type Locals = Record<PropertyKey, unknown>

/** Names one `createStytchMfa()`: its `memberSession()` reads only what its own guards admitted. */
export type VerifiedSlot = symbol

/** A slot for one instance, made once when the instance is created. */
export function createVerifiedSlot(): VerifiedSlot {
  return Symbol('createStytchMfa')
}

/** A guard's admission of a request, newest first; usually the only one. */
interface Admission {
  readonly slot: VerifiedSlot
  readonly session: MemberSession
  readonly previous: Admission | undefined
}

/**
 * Where the admissions of a request are kept: on `res.locals` (the plain per-request object
 * Express creates), under a key only this module holds and not enumerable, so neither other
 * middleware nor views come across them. One property whatever the number of instances: a
 * `defineProperty` on that null-prototype object costs some 0.3 µs, a record next to nothing.
 * Not on the request (see `exposeOnPrototype`), and not in a WeakMap: an entry per request kept
 * the scavenger busy with the map's table, about 12k instructions per guarded request under
 * callgrind.
 */
const ADMITTED: unique symbol = Symbol('stytchMemberSession')

/** Hosts that run Express middleware without linking `req.res` (connect, polka): a WeakMap. */
const admittedElsewhere = new WeakMap<object, Admission>()

function keepVerified(
  req: Request,
  res: Response,
  session: MemberSession,
  slot: VerifiedSlot,
): void {
  if (req.res !== res) {
    admittedElsewhere.set(req, { slot, session, previous: admittedElsewhere.get(req) })
    return
  }
  const locals = (res.locals as Locals | undefined) ?? (res.locals = Object.create(null) as Locals)
  const previous = locals[ADMITTED] as Admission | undefined
  Object.defineProperty(locals, ADMITTED, {
    value: { slot, session, previous } satisfies Admission,
    configurable: true,
  })
}

function admissionOf(req: Request): Admission | undefined {
  const locals = req.res?.locals as Locals | undefined
  return locals !== undefined && Object.hasOwn(locals, ADMITTED)
    ? (locals[ADMITTED] as Admission)
    : admittedElsewhere.get(req)
}

/** The public copy: `req.stytchMemberSession`. */
const PROPERTY = 'stytchMemberSession'

/** Request prototypes (one per Express app) whose `stytchMemberSession` reads the kept one. */
const exposing = new WeakSet<object>()

/**
 * Lets `req.stytchMemberSession` read the session the last guard (of any instance) admitted,
 * through the app's request prototype, once per app. Adding the property to each request instead
 * was the guard's largest cost: Express swaps the prototype of every request object, which
 * leaves each with a hidden class of its own, so V8 builds a new one for every such assignment
 * (a sixth of a bare route's time, measured with `npm run bench`). Reads give what they gave;
 * assigning still makes an own property.
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
      return admissionOf(this)?.session
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

  /** express-session always keeps the data in its store; the cookie holds only the id. */
  readonly keptIn = 'server'

  get cookie(): SessionCookieAttributes {
    const cookie = this.#session().cookie as { httpOnly?: unknown; sameSite?: unknown } | undefined
    return {
      httpOnly: typeof cookie?.httpOnly === 'boolean' ? cookie.httpOnly : undefined,
      sameSite: cookie?.sameSite,
    }
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

  /**
   * body-parser 1 marks a body it parsed with `_body`; body-parser 2 does not, and a parser that
   * skipped the content type leaves `{}` or `undefined`: a read stream is what tells.
   */
  get parsedBody(): unknown {
    const req = this.#req as Request & { _body?: unknown }
    return req._body === true || streamWasRead(req) ? (req.body as unknown) : undefined
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

/** Warns once per app whose `trust proxy` takes the client's own X-Forwarded-For entry. */
export function checkProxy(req: Request): void {
  // Undefined on hosts that run Express middleware outside an Express app.
  const app = req.app as Application | undefined
  if (app !== undefined) checkProxyOnce(app, trustsEveryHop)
}

function trustsEveryHop(app: Application): ProxyMistake | undefined {
  return app.get('trust proxy') === true ? 'express_trust_proxy_true' : undefined
}

/** Applies the core's reply: headers and cookies, then `next()`, an answer or `next(err)`. */
export function applyReply(
  reply: Reply,
  req: Request,
  res: Response,
  next: NextFunction,
  slot: VerifiedSlot,
): void {
  const { headers } = reply
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) res.setHeader(name, value)
  }
  if (reply.cookies.length > 0) res.append('Set-Cookie', [...reply.cookies])
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      keepVerified(req, res, outcome.session, slot)
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

/** The session a guard of `slot`'s instance admitted this request with, or `undefined`. */
export function verifiedSession(req: Request, slot: VerifiedSlot): MemberSession | undefined {
  for (let admission = admissionOf(req); admission !== undefined; admission = admission.previous) {
    if (admission.slot === slot) return admission.session
  }
  return undefined
}
