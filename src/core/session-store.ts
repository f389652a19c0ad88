/**
 * @module Where the member session's tokens live: in the app's server-side session
 * (express-session, koa-session) when mounted, else in two HttpOnly cookies. Nothing is stored
 * before MFA completes, and the server-side session id is regenerated at every sign-in.
 */
import { clearCookie, cookieName, readCookies, setCookie, type CookieRead } from './cookies.js'
import { MfaError } from './errors.js'
import type { AuthRequest, ServerSession } from './ports/framework.js'
import type { MfaConfig } from './options.js'
import type { ReplyBuilder } from './reply.js'
import { StringCache } from './string-cache.js'
import { cookiesAreSecure } from './transport.js'
import type { SessionGrant } from './ports/stytch.js'

export interface SessionTokens {
  readonly sessionToken: string | undefined
  readonly sessionJwt: string | undefined
  /** The verifier's key for `sessionJwt`, when the reader worked it out already. */
  readonly sessionJwtKey?: string | undefined
}

export type SessionRead =
  | { readonly state: 'absent' | 'duplicate' }
  | { readonly state: 'present'; readonly tokens: SessionTokens }

function isTokenOrAbsent(value: unknown): value is string | undefined {
  return value === undefined || (typeof value === 'string' && value.length > 0)
}

/**
 * The library's value in the server session, checked by hand: it is read on every guarded
 * request, and a schema parse there cost more than the rest of the guard. Anything else —
 * not an object, an array, an empty or non-string token — reads as no session.
 */
function storedTokens(value: unknown): SessionTokens | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const { sessionToken, sessionJwt } = value as { sessionToken?: unknown; sessionJwt?: unknown }
  if (!isTokenOrAbsent(sessionToken) || !isTokenOrAbsent(sessionJwt)) return undefined
  return { sessionToken, sessionJwt }
}

/** The `code` of the library's warnings about the session middleware's settings. */
export const SESSION_WARNING_CODE = 'STYTCH_B2B_MFA_SESSION'

/** Configurations already warned about (one warning per instance and kind). */
const warned = { clientSide: new WeakSet<object>(), weakCookie: new WeakSet<object>() }

function warnOnce(kind: keyof typeof warned, config: MfaConfig, message: string): void {
  if (warned[kind].has(config)) return
  warned[kind].add(config)
  process.emitWarning(message, { code: SESSION_WARNING_CODE })
}

/** A session cookie other sites' requests carry, or scripts read: not for a member session. */
function isWeak(cookie: ServerSession['cookie']): boolean {
  const sameSite =
    typeof cookie.sameSite === 'string' ? cookie.sameSite.toLowerCase() : cookie.sameSite
  return (
    cookie.httpOnly === false || !(sameSite === 'lax' || sameSite === 'strict' || sameSite === true)
  )
}

/**
 * The server-side session to keep the member session in, if any. Session data that rides in a
 * cookie is refused (`server`) or passed over for the library's own hardened cookies (`auto`),
 * with a warning either way; a session cookie without HttpOnly and SameSite gets a warning.
 */
function serverSessionOf(req: AuthRequest, config: MfaConfig): ServerSession | undefined {
  const storage = config.sessionStorage
  if (storage === 'cookie') return undefined
  const server = req.serverSession
  if (server === undefined) {
    if (storage === 'server') {
      throw new MfaError(
        'configuration_error',
        'sessionStorage is "server" but no session middleware (express-session / koa-session) ran before this route',
      )
    }
    return undefined
  }
  if (server.keptIn === 'client') {
    const message =
      'the session middleware keeps its data in a cookie (koa-session without a store): Stytch session tokens must not ride in a client cookie. Give koa-session a store (e.g. Redis), or drop it and let stytch-b2b-mfa keep the session in its own __Host- cookies'
    if (storage === 'server')
      throw new MfaError('configuration_error', `sessionStorage is "server" but ${message}`)
    warnOnce('clientSide', config, `stytch-b2b-mfa uses its own cookies: ${message}`)
    return undefined
  }
  if (isWeak(server.cookie)) {
    warnOnce(
      'weakCookie',
      config,
      'stytch-b2b-mfa keeps the member session in the app\'s session, whose cookie lacks HttpOnly or SameSite=Lax/Strict: set cookie: { httpOnly: true, sameSite: "lax", secure: true } (and a __Host- name) on express-session / koa-session, or use sessionStorage: "cookie"',
    )
  }
  return server
}

const ABSENT: SessionRead = { state: 'absent' }
const DUPLICATE: SessionRead = { state: 'duplicate' }
const ABSENT_COOKIE: CookieRead = { state: 'absent' }
const SECURE_NAMES = [cookieName('sessionToken', true), cookieName('sessionJwt', true)] as const
const PLAIN_NAMES = [cookieName('sessionToken', false), cookieName('sessionJwt', false)] as const

function readTokenCookies(header: string | undefined, secure: boolean): SessionRead {
  if (header === undefined) return ABSENT
  const names = secure ? SECURE_NAMES : PLAIN_NAMES
  const [token = ABSENT_COOKIE, jwt = ABSENT_COOKIE] = readCookies(header, names)
  if (token.state === 'duplicate' || jwt.state === 'duplicate') return DUPLICATE
  if (token.state === 'absent' && jwt.state === 'absent') return ABSENT
  return {
    state: 'present',
    tokens: {
      sessionToken: token.state === 'present' ? token.value : undefined,
      sessionJwt: jwt.state === 'present' ? jwt.value : undefined,
    },
  }
}

/** Headers remembered per set of names; longer headers are read every time (≤ 8 MB in all). */
const REMEMBERED_HEADERS = 1000
const LONGEST_REMEMBERED_HEADER = 4096
/**
 * A header is remembered when it comes back while still among the last 1,000 seen: past that
 * many clients taking turns, none would be asked for again before being pushed out.
 */
const SECOND_SIGHT = { keepOnSecondSight: true } as const

/**
 * What recent `Cookie` headers read as, for the guards of one instance, with the key of the JWT
 * they carry. A client sends the same header request after request, and comparing it with the
 * remembered one costs less than reading it and hashing its JWT again (docs/performance.md).
 * Each entry keeps the first header, which its token strings are slices of.
 */
export class RecentCookieReads {
  readonly #secure = new StringCache<SessionRead>(REMEMBERED_HEADERS, SECOND_SIGHT)
  readonly #plain = new StringCache<SessionRead>(REMEMBERED_HEADERS, SECOND_SIGHT)
  readonly #keyOf: (sessionJwt: string) => string

  /** @param keyOf the verifier's key for a JWT. */
  constructor(keyOf: (sessionJwt: string) => string) {
    this.#keyOf = keyOf
  }

  read(header: string | undefined, secure: boolean): SessionRead {
    if (header === undefined) return ABSENT
    const recent = secure ? this.#secure : this.#plain
    const known = recent.get(header)
    if (known !== undefined) return known
    let read = readTokenCookies(header, secure)
    if (read.state === 'present') {
      const { tokens } = read
      const { sessionJwt } = tokens
      if (sessionJwt !== undefined) {
        read = { state: 'present', tokens: { ...tokens, sessionJwtKey: this.#keyOf(sessionJwt) } }
      }
    }
    if (header.length <= LONGEST_REMEMBERED_HEADER) recent.set(header, read)
    return read
  }
}

/**
 * Checks before a sign-in step that the member session will have somewhere to go, so a
 * misconfiguration is refused before a code is sent or spent.
 */
export function checkSessionStorage(req: AuthRequest, config: MfaConfig): void {
  serverSessionOf(req, config)
}

/**
 * Reads the stored tokens; cookies repeated in the `Cookie` header read as `duplicate`. The
 * guard passes its instance's `recent` reads; a sign-in step or a logout reads afresh.
 */
export function readSessionTokens(
  req: AuthRequest,
  config: MfaConfig,
  recent?: RecentCookieReads,
): SessionRead {
  const server = serverSessionOf(req, config)
  if (server !== undefined) {
    const stored = storedTokens(server.read())
    return stored === undefined ||
      (stored.sessionToken === undefined && stored.sessionJwt === undefined)
      ? ABSENT
      : { state: 'present', tokens: stored }
  }
  const header = req.header('cookie')
  const secure = cookiesAreSecure(req, config.allowInsecureCookies)
  return recent === undefined ? readTokenCookies(header, secure) : recent.read(header, secure)
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
  const server = serverSessionOf(req, config)
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
  const server = serverSessionOf(req, config)
  if (server === undefined) {
    reply.cookie(...sessionCookies(grant, cookiesAreSecure(req, config.allowInsecureCookies), now))
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
  const server = serverSessionOf(req, config)
  if (server !== undefined) {
    if (options.regenerate) await server.regenerate()
    // koa-session keeps the data across a regeneration; express-session does not.
    server.write(undefined)
    return
  }
  const secure = cookiesAreSecure(req, config.allowInsecureCookies)
  reply.cookie(clearCookie('sessionToken', secure), clearCookie('sessionJwt', secure))
}
