/** @module Koa ⇄ core: a context in, a reply out. Koa 2 and 3 alike. */
import type { Context, Next } from 'koa'
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

/** Where the library keeps its value in koa-session's `ctx.session`. */
const SESSION_KEY = 'stytchB2bMfa'

/**
 * Where the sessions a guard admitted are kept, out of reach of other middleware (unlike
 * `ctx.state`): a key per `createStytchMfa()` only this module holds, which no parsed body or
 * JSON can carry, so an instance never hands out a session another instance's rules admitted.
 * A property rather than a WeakMap entry per request, which costs garbage-collection work
 * (docs/performance.md).
 */
export type VerifiedSlot = symbol

/** A slot for one instance, made once when the instance is created. */
export function createVerifiedSlot(): VerifiedSlot {
  return Symbol('stytchMemberSession')
}

type WithVerified = Partial<Record<VerifiedSlot, MemberSession>>

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

  /** koa-session's options (its `ctx.sessionOptions`), as far as they are there. */
  #options(): { store?: unknown; ContextStore?: unknown; httpOnly?: unknown; sameSite?: unknown } {
    const options: unknown = (this.#ctx as unknown as { sessionOptions?: unknown }).sessionOptions
    return typeof options === 'object' && options !== null ? options : {}
  }

  /** Without a `store` (or `ContextStore`), koa-session keeps the whole session in its cookie. */
  get keptIn(): 'server' | 'client' {
    const { store, ContextStore } = this.#options()
    return store === undefined && ContextStore === undefined ? 'client' : 'server'
  }

  get cookie(): SessionCookieAttributes {
    const { httpOnly, sameSite } = this.#options()
    // koa-session sets HttpOnly unless told not to.
    return { httpOnly: httpOnly !== false, sameSite }
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

  /**
   * A body parser (koa-bodyparser, @koa/bodyparser, koa-body) leaves its result on
   * `ctx.request.body`, but some set `{}` for a content type they skip without reading: a read
   * stream is what tells.
   */
  get parsedBody(): unknown {
    const { req, request } = this.#ctx
    return streamWasRead(req) ? (request as { body?: unknown }).body : undefined
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
export function applyReply(
  reply: Reply,
  ctx: Context,
  next: Next,
  slot: VerifiedSlot,
): Promise<void> {
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
      ;(ctx as unknown as WithVerified)[slot] = outcome.session
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

/** The session a guard of `slot`'s instance admitted this request with, or `undefined`. */
export function verifiedSession(ctx: Context, slot: VerifiedSlot): MemberSession | undefined {
  return Object.hasOwn(ctx, slot) ? (ctx as unknown as WithVerified)[slot] : undefined
}

/** Warns once per app whose `app.proxy` takes the client's own X-Forwarded-For entry. */
export function checkProxy(ctx: Context): void {
  checkProxyOnce(ctx.app, trustsEveryHop)
}

/**
 * A header a proxy overwrites (X-Real-IP) is safe to take whole; X-Forwarded-For is appended to.
 * Read as unknown: Koa 2 before 2.11 has neither `proxyIpHeader` nor `maxIpsCount`.
 */
function trustsEveryHop(app: Context['app']): ProxyMistake | undefined {
  const header: unknown = app.proxyIpHeader
  const appended = typeof header !== 'string' || header.toLowerCase() === 'x-forwarded-for'
  const hops: unknown = app.maxIpsCount
  const counted = typeof hops === 'number' && hops > 0
  return app.proxy && appended && !counted ? 'koa_max_ips_count_0' : undefined
}
