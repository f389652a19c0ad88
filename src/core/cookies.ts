/**
 * @module The cookies the library sets: their names, attributes, and a reader that treats a
 * repeated name as absent (a tossed cookie must never win, RFC 6265bis §4.2.2).
 */
import { parse, serialize } from 'cookie'

/** Base names; secure requests use them behind the `__Host-` prefix. */
export const COOKIE_NAMES = {
  /** The sealed login in progress (email step, then the intermediate session). */
  pending: 'stytch_mfa_pending',
  /** Stytch's `session_token` (the name Stytch's frontend SDK uses). */
  sessionToken: 'stytch_session',
  /** Stytch's `session_jwt` (the name Stytch's frontend SDK uses). */
  sessionJwt: 'stytch_session_jwt',
} as const

export type CookieKind = keyof typeof COOKIE_NAMES

/** The name of a cookie on a request: `__Host-` prefixed when the request is secure. */
export function cookieName(kind: CookieKind, secure: boolean): string {
  return secure ? `__Host-${COOKIE_NAMES[kind]}` : COOKIE_NAMES[kind]
}

export type CookieRead =
  | { readonly state: 'absent' }
  | { readonly state: 'duplicate' }
  | { readonly state: 'present'; readonly value: string }

const ABSENT: CookieRead = { state: 'absent' }
const DUPLICATE: CookieRead = { state: 'duplicate' }

/** Reads one cookie; more than one cookie of that name reads as `duplicate`. */
export function readCookie(header: string | undefined, name: string): CookieRead {
  if (header === undefined || !header.includes(name)) return ABSENT
  let count = 0
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) count += 1
  }
  if (count === 0) return ABSENT
  if (count > 1) return DUPLICATE
  const value = parse(header)[name]
  return value === undefined || value === '' ? ABSENT : { state: 'present', value }
}

interface CookieAttributes {
  readonly secure: boolean
  readonly sameSite: 'strict' | 'lax'
  /** Seconds; 0 deletes. Omit for a cookie that ends with the browser session. */
  readonly maxAgeSeconds?: number | undefined
}

/** `Set-Cookie` for a library cookie: HttpOnly, `Path=/`, no `Domain`, explicit SameSite. */
export function setCookie(kind: CookieKind, value: string, attributes: CookieAttributes): string {
  return serialize(cookieName(kind, attributes.secure), value, {
    httpOnly: true,
    secure: attributes.secure,
    sameSite: attributes.sameSite,
    path: '/',
    ...(attributes.maxAgeSeconds === undefined
      ? {}
      : { maxAge: Math.max(0, Math.floor(attributes.maxAgeSeconds)) }),
  })
}

/** `Set-Cookie` that deletes a library cookie, with the attributes it was set with. */
export function clearCookie(kind: CookieKind, secure: boolean): string {
  return serialize(cookieName(kind, secure), '', {
    httpOnly: true,
    secure,
    sameSite: kind === 'pending' ? 'strict' : 'lax',
    path: '/',
    maxAge: 0,
    expires: new Date(0),
  })
}
