/**
 * @module The cookies the library sets: their names, attributes, and a reader that treats a
 * repeated name as absent (a tossed cookie must never win, RFC 6265bis §4.2.2). `cookie` only
 * writes them: its `parse` keeps the first of a repeated name.
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
/** Absent too, but seen once already: a second one makes it a duplicate. */
const SEEN: CookieRead = { state: 'absent' }
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

/** Whether `String.prototype.trim` removes the character at `at` (whitespace or a line end). */
function isTrimmedAway(text: string, at: number): boolean {
  const code = text.charCodeAt(at)
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d)
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  )
}

/**
 * Whether the key between `start` and `end` is `name` wrapped in whitespace other than spaces
 * and tabs: a parser that trims more would read it as the name, so it counts as one.
 */
function isWrappedName(header: string, start: number, end: number, name: string): boolean {
  return (
    end - start > name.length &&
    (isTrimmedAway(header, start) || isTrimmedAway(header, end - 1)) &&
    header.slice(start, end).trim() === name
  )
}

/** `header` between `start` and `end`, without the spaces and tabs around it (as `cookie` trims). */
function trimmed(header: string, start: number, end: number): string {
  while (start < end && isSpaceOrTab(header, start)) start += 1
  while (end > start && isSpaceOrTab(header, end - 1)) end -= 1
  return header.slice(start, end)
}

/**
 * Reads several cookies in one pass over the header (the guard reads two on every request),
 * with `readCookie`'s rules for each: pairs split as `cookie.parse` splits them, the first
 * pair's value, and a name repeated — even with other whitespace around it — is `duplicate`.
 * Values are taken as sent, not URL-decoded: every value the library sets (Stytch's tokens,
 * sealed cookies) is URL-safe, so a `%` only ever marks a value that is not one of them.
 */
export function readCookies(header: string | undefined, names: readonly string[]): CookieRead[] {
  // Each name's read so far: ABSENT (not seen), SEEN (seen once, no value), present, DUPLICATE.
  const reads: CookieRead[] = names.map(() => ABSENT)
  if (header === undefined) return reads
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
    let keyStart = start
    let keyEnd = eq
    while (keyStart < keyEnd && isSpaceOrTab(header, keyStart)) keyStart += 1
    while (keyEnd > keyStart && isSpaceOrTab(header, keyEnd - 1)) keyEnd -= 1
    const keyLength = keyEnd - keyStart
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index] ?? ''
      const exact = keyLength === name.length && header.startsWith(name, keyStart)
      if (!exact && !isWrappedName(header, keyStart, keyEnd, name)) continue
      const value = exact ? trimmed(header, eq + 1, end) : undefined
      // A second one, exact or wrapped, makes a duplicate; only an exact name gives a value.
      if (reads[index] !== ABSENT) reads[index] = DUPLICATE
      else reads[index] = value === undefined || value === '' ? SEEN : { state: 'present', value }
    }
    start = end + 1
  }
  return reads
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
