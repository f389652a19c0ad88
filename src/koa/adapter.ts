/** @module Koa ⇄ core: a context in, a reply out. Koa 2 and 3 alike. */
import type { Context, Next } from 'koa'
import { headerOf, type AuthRequest, type Reply, type ServerSession } from '../core/http.js'
import { readStream } from '../core/read-stream.js'
import type { MemberSession } from '../stytch/port.js'

/** Where the library keeps its value in koa-session's `ctx.session`. */
const SESSION_KEY = 'stytchB2bMfa'

/**
 * Where the verified session of a request is kept, out of reach of other middleware (unlike
 * `ctx.state`): a key only this module holds, which no parsed body or JSON can carry. A slot on
 * the context rather than a WeakMap: every Koa context shares one shape, so the store is a plain
 * write, where a WeakMap entry per request weighed on every garbage collection.
 */
const VERIFIED: unique symbol = Symbol('stytchMemberSession')

type WithVerified = Context & { [VERIFIED]?: MemberSession }

type SessionLike = Record<string, unknown> & { regenerate(): Promise<void> | undefined }

/** koa-session's ctx.session can change (or be set to null): every call looks it up afresh. */
class KoaSession implements ServerSession {
  readonly #ctx: Context

  constructor(ctx: Context) {
    this.#ctx = ctx
  }

  #session(): SessionLike | null {
    return (this.#ctx as unknown as { session: SessionLike | null }).session
  }

  read(): unknown {
    return this.#session()?.[SESSION_KEY]
  }

  write(value: unknown): void {
    const current = this.#session()
    if (current === null) return
    if (value === undefined) Reflect.deleteProperty(current, SESSION_KEY)
    else current[SESSION_KEY] = value
  }

  async regenerate(): Promise<void> {
    await this.#session()?.regenerate()
  }
}

function serverSessionOf(ctx: Context): ServerSession | undefined {
  // koa-session defines ctx.session on the app's context; without it the property is absent.
  if (!('session' in ctx)) return undefined
  const current = (ctx as unknown as { session: SessionLike | null }).session
  return typeof current?.regenerate === 'function' ? new KoaSession(ctx) : undefined
}

/**
 * The request as the core sees it, read on demand: the guard runs on every request and needs
 * only a few of these (`ctx.ip` and `ctx.secure` parse proxy headers).
 */
class KoaAuthRequest implements AuthRequest {
  readonly #ctx: Context

  constructor(ctx: Context) {
    this.#ctx = ctx
  }

  /** Read from Node's request: `ctx.method` is a delegated getter, a lookup of its own. */
  get method(): string {
    return this.#ctx.req.method ?? ''
  }

  get url(): string {
    return this.#ctx.originalUrl
  }

  get secure(): boolean {
    return this.#ctx.secure
  }

  get ip(): string | undefined {
    return this.#ctx.ip
  }

  header(name: string): string | undefined {
    return headerOf(this.#ctx.req.headers, name)
  }

  /** A body parser (@koa/bodyparser, koa-body) leaves its result on ctx.request.body. */
  get parsedBody(): unknown {
    return (this.#ctx.request as { body?: unknown }).body
  }

  readBody(limit: number): Promise<Buffer> {
    return readStream(this.#ctx.req, limit, this.#ctx.req.headers['content-length'])
  }

  get serverSession(): ServerSession | undefined {
    return serverSessionOf(this.#ctx)
  }
}

export function toAuthRequest(ctx: Context): AuthRequest {
  return new KoaAuthRequest(ctx)
}

const DONE: Promise<void> = Promise.resolve()

/**
 * `ctx.set(name, value)` for a string value, straight on Node's response: Koa 3's `set` builds
 * arrays and callbacks for each call, a cost every guarded request paid for its one header.
 */
function setHeader(ctx: Context, name: string, value: string): void {
  if (!ctx.res.headersSent) ctx.res.setHeader(name, value)
}

/**
 * Not `async`: an admitted request gets the downstream `next()` promise itself, one promise and
 * one await fewer on every guarded request. A throw here still rejects the calling middleware.
 */
export function applyReply(reply: Reply, ctx: Context, next: Next): Promise<void> {
  const { headers } = reply
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) setHeader(ctx, name, value)
  }
  // Written as headers, not through ctx.cookies: a Secure cookie over a plain-http hop would
  // throw there (koa#974); the core already decided Secure from ctx.secure (app.proxy).
  if (reply.cookies.length > 0) ctx.append('Set-Cookie', [...reply.cookies])
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      ;(ctx as WithVerified)[VERIFIED] = outcome.session
      ctx.state.stytchMemberSession = outcome.session
      return next()
    case 'respond':
      ctx.status = outcome.status
      ctx.type = outcome.contentType
      ctx.body = outcome.body
      return DONE
    case 'redirect':
      ctx.status = 303
      setHeader(ctx, 'Location', outcome.location)
      ctx.body = ''
      return DONE
    case 'error':
      throw outcome.error
  }
}

/** The session `requireMfa()` verified for this request, or `undefined`. */
export function verifiedSession(ctx: Context): MemberSession | undefined {
  return Object.hasOwn(ctx, VERIFIED) ? (ctx as WithVerified)[VERIFIED] : undefined
}
