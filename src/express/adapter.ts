/** @module Express ⇄ core: a request in, a reply out. Express 4 and 5 alike. */
import type { Application, NextFunction, Request, Response } from 'express'
import { streamWasRead } from '../core/body.js'
import {
  headerOf,
  type AuthRequest,
  type Reply,
  type ServerSession,
  type SessionCookieAttributes,
} from '../core/ports/framework.js'
import { checkProxyOnce, type ProxyMistake } from '../core/proxy-warning.js'
import { readStream } from '../core/read-stream.js'
import type { MemberSession } from '../core/ports/stytch.js'

/** Where the library keeps its value in express-session's `req.session`. */
const SESSION_KEY = 'stytchB2bMfa'

/**
 * Where one `createStytchMfa()`'s guards keep the session they admitted, on the request itself:
 * a key per instance that only this module holds, which no parsed body or JSON can carry, so
 * `memberSession()` reads only what its own instance admitted. A property rather than a WeakMap
 * entry per request, which costs garbage-collection work (docs/performance.md).
 */
export type VerifiedSlot = symbol

/** A slot for one instance, made once when the instance is created. */
export function createVerifiedSlot(): VerifiedSlot {
  return Symbol('stytchMemberSession')
}

type WithVerified = Partial<Record<VerifiedSlot, MemberSession>>

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
 * only a few of these, and `ip` and `secure` are computed anew on each read (trust proxy).
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
      ;(req as unknown as WithVerified)[slot] = outcome.session
      // The public copy, for code that reads the request; a value set before is replaced.
      req.stytchMemberSession = outcome.session
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
  return Object.hasOwn(req, slot) ? (req as unknown as WithVerified)[slot] : undefined
}
