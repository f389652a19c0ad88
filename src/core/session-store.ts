/**
 * @module Where the member session's tokens live: in the app's server-side session
 * (express-session, koa-session) when mounted, else in two HttpOnly cookies. Nothing is stored
 * before MFA completes, and the server-side session id is regenerated at every sign-in.
 */
import { z } from 'zod'
import { clearCookie, cookieName, readCookie, setCookie } from './cookies.js'
import { MfaError } from './errors.js'
import type { AuthRequest, ServerSession } from './http.js'
import type { MfaConfig } from './options.js'
import type { ReplyBuilder } from './reply.js'
import type { SessionGrant } from '../stytch/port.js'

export interface SessionTokens {
  readonly sessionToken: string | undefined
  readonly sessionJwt: string | undefined
}

export type SessionRead =
  | { readonly state: 'absent' | 'duplicate' }
  | { readonly state: 'present'; readonly tokens: SessionTokens }

const storedSchema = z.object({
  sessionToken: z.string().min(1).optional(),
  sessionJwt: z.string().min(1).optional(),
})

function serverSessionOf(
  req: AuthRequest,
  storage: MfaConfig['sessionStorage'],
): ServerSession | undefined {
  if (storage === 'cookie') return undefined
  if (req.serverSession !== undefined) return req.serverSession
  if (storage === 'server') {
    throw new MfaError(
      'configuration_error',
      'sessionStorage is "server" but no session middleware (express-session / koa-session) ran before this route',
    )
  }
  return undefined
}

const ABSENT: SessionRead = { state: 'absent' }

/** Reads the stored tokens; cookies repeated in the `Cookie` header read as `duplicate`. */
export function readSessionTokens(
  req: AuthRequest,
  storage: MfaConfig['sessionStorage'],
): SessionRead {
  const server = serverSessionOf(req, storage)
  if (server !== undefined) {
    const stored = storedSchema.safeParse(server.read())
    if (!stored.success) return ABSENT
    const { sessionToken, sessionJwt } = stored.data
    return sessionToken === undefined && sessionJwt === undefined
      ? ABSENT
      : { state: 'present', tokens: { sessionToken, sessionJwt } }
  }
  const header = req.header('cookie')
  const token = readCookie(header, cookieName('sessionToken', req.secure))
  const jwt = readCookie(header, cookieName('sessionJwt', req.secure))
  if (token.state === 'duplicate' || jwt.state === 'duplicate') return { state: 'duplicate' }
  if (token.state === 'absent' && jwt.state === 'absent') return ABSENT
  return {
    state: 'present',
    tokens: {
      sessionToken: token.state === 'present' ? token.value : undefined,
      sessionJwt: jwt.state === 'present' ? jwt.value : undefined,
    },
  }
}

function sessionCookies(grant: SessionGrant, secure: boolean, now: Date): string[] {
  const maxAgeSeconds = (grant.memberSession.expiresAt.getTime() - now.getTime()) / 1000
  const attributes = { secure, sameSite: 'lax', maxAgeSeconds } as const
  return [
    setCookie('sessionToken', grant.sessionToken, attributes),
    setCookie('sessionJwt', grant.sessionJwt, attributes),
  ]
}

/**
 * Stores a new sign-in. With a server-side session the session id is regenerated first, so an
 * id planted before sign-in (fixation) never becomes an authenticated one.
 */
export async function storeNewSession(
  req: AuthRequest,
  config: MfaConfig,
  grant: SessionGrant,
  secure: boolean,
  now: Date,
  reply: ReplyBuilder,
): Promise<void> {
  const server = serverSessionOf(req, config.sessionStorage)
  if (server === undefined) {
    reply.cookie(...sessionCookies(grant, secure, now))
    return
  }
  await server.regenerate()
  server.write({ sessionToken: grant.sessionToken, sessionJwt: grant.sessionJwt })
}

/** Writes back tokens Stytch refreshed, in the place they came from. */
export function storeRefreshedSession(
  req: AuthRequest,
  config: MfaConfig,
  grant: SessionGrant,
  now: Date,
  reply: ReplyBuilder,
): void {
  const server = serverSessionOf(req, config.sessionStorage)
  if (server === undefined) {
    reply.cookie(...sessionCookies(grant, req.secure, now))
    return
  }
  server.write({ sessionToken: grant.sessionToken, sessionJwt: grant.sessionJwt })
}

/** Forgets the session here: cookies deleted, or the server-side session regenerated. */
export async function clearSessionTokens(
  req: AuthRequest,
  config: MfaConfig,
  reply: ReplyBuilder,
  options: { readonly regenerate: boolean },
): Promise<void> {
  const server = serverSessionOf(req, config.sessionStorage)
  if (server !== undefined) {
    if (options.regenerate) await server.regenerate()
    // koa-session keeps the data across a regeneration; express-session does not.
    server.write(undefined)
    return
  }
  reply.cookie(clearCookie('sessionToken', req.secure), clearCookie('sessionJwt', req.secure))
}
