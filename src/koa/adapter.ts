/** @module Koa ⇄ core: a context in, a reply out. Koa 2 and 3 alike. */
import type { Context, Next } from 'koa'
import { headerReader, type AuthRequest, type Reply, type ServerSession } from '../core/http.js'
import { readStream } from '../core/read-stream.js'
import type { MemberSession } from '../stytch/port.js'

/** Where the library keeps its value in koa-session's `ctx.session`. */
const SESSION_KEY = 'stytchB2bMfa'

/** The verified session per request, out of reach of other middleware (unlike `ctx.state`). */
const verified = new WeakMap<object, MemberSession>()

type SessionLike = Record<string, unknown> & { regenerate(): Promise<void> | undefined }

function serverSessionOf(ctx: Context): ServerSession | undefined {
  // koa-session defines ctx.session on the app's context; without it the property is absent.
  if (!('session' in ctx)) return undefined
  const session = () => (ctx as unknown as { session: SessionLike | null }).session
  if (typeof session()?.regenerate !== 'function') return undefined
  return {
    read: () => session()?.[SESSION_KEY],
    write: (value) => {
      const current = session()
      if (current === null) return
      if (value === undefined) Reflect.deleteProperty(current, SESSION_KEY)
      else current[SESSION_KEY] = value
    },
    regenerate: async () => {
      await session()?.regenerate()
    },
  }
}

export function toAuthRequest(ctx: Context): AuthRequest {
  const headers = ctx.headers
  return {
    method: ctx.method,
    url: ctx.originalUrl,
    secure: ctx.secure,
    ip: ctx.ip,
    header: headerReader(headers),
    // A body parser (@koa/bodyparser, koa-body) leaves its result on ctx.request.body.
    parsedBody: (ctx.request as { body?: unknown }).body,
    readBody: (limit) => readStream(ctx.req, limit, headers['content-length']),
    serverSession: serverSessionOf(ctx),
  }
}

export async function applyReply(reply: Reply, ctx: Context, next: Next): Promise<void> {
  for (const [name, value] of Object.entries(reply.headers)) ctx.set(name, value)
  // Written as headers, not through ctx.cookies: a Secure cookie over a plain-http hop would
  // throw there (koa#974); the core already decided Secure from ctx.secure (app.proxy).
  if (reply.cookies.length > 0) ctx.append('Set-Cookie', [...reply.cookies])
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      verified.set(ctx, outcome.session)
      ctx.state.stytchMemberSession = outcome.session
      await next()
      return
    case 'respond':
      ctx.status = outcome.status
      ctx.type = outcome.contentType
      ctx.body = outcome.body
      return
    case 'redirect':
      ctx.status = 303
      ctx.set('Location', outcome.location)
      ctx.body = ''
      return
    case 'error':
      throw outcome.error
  }
}

/** The session `requireMfa()` verified for this request, or `undefined`. */
export function verifiedSession(ctx: Context): MemberSession | undefined {
  return verified.get(ctx)
}
