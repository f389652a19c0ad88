/**
 * @module The cookies the library sets: their names, attributes, and a reader that treats a
 * repeated name as absent (a tossed cookie must never win, RFC 6265bis §4.2.2).
 */
import { serialize } from 'cookie'

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

const HOST_NAMES = Object.fromEntries(
  Object.entries(COOKIE_NAMES).map(([kind, name]) => [kind, `__Host-${name}`]),
) as Record<CookieKind, string>

/** The name of a cookie on a request: `__Host-` prefixed when the request is secure. */
export function cookieName(kind: CookieKind, secure: boolean): string {
  return secure ? HOST_NAMES[kind] : COOKIE_NAMES[kind]
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
  const [read = ABSENT] = readCookies(header, [name])
  return read
}

function isSpaceOrTab(text: string, at: number): boolean {
  const code = text.charCodeAt(at)
  return code === 0x20 || code === 0x09
}

/** `header` between `start` and `end`, without the spaces and tabs around it (as `cookie` trims). */
function trimmed(header: string, start: number, end: number): string {
  while (start < end && isSpaceOrTab(header, start)) start += 1
  while (end > start && isSpaceOrTab(header, end - 1)) end -= 1
  return header.slice(start, end)
}

/** URL-decoded like `cookie.parse` does: left as it is when it does not decode. */
function decoded(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * Reads several cookies in one pass over the header (the guard reads two on every request),
 * with `readCookie`'s rules for each: pairs split as `cookie.parse` splits them, the first
 * pair's value, and a name repeated — even with other whitespace around it — is `duplicate`.
 */
export function readCookies(header: string | undefined, names: readonly string[]): CookieRead[] {
  const counts = names.map(() => 0)
  const values: (string | undefined)[] = names.map(() => undefined)
  if (header !== undefined) {
    const length = header.length
    let start = 0
    while (start < length) {
      const eq = header.indexOf('=', start)
      if (eq === -1) break
      let end = header.indexOf(';', start)
      if (end === -1) end = length
      if (eq > end) {
        // A pair without "=": its name starts after the last ";" before this "=".
        start = header.lastIndexOf(';', eq - 1) + 1
        continue
      }
      const key = trimmed(header, start, eq)
      for (let index = 0; index < names.length; index += 1) {
        const name = names[index]
        if (key === name) {
          counts[index] = (counts[index] ?? 0) + 1
          values[index] ??= decoded(trimmed(header, eq + 1, end))
        } else if (name !== undefined && key.includes(name) && key.trim() === name) {
          counts[index] = (counts[index] ?? 0) + 1
        }
      }
      start = end + 1
    }
  }
  return names.map((_, index): CookieRead => {
    const count = counts[index] ?? 0
    if (count > 1) return DUPLICATE
    const value = values[index]
    return value === undefined || value === '' ? ABSENT : { state: 'present', value }
  })
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
