/**
 * The global invariants of security.md §2.0 (INV-1…9), checked after every case by the runner,
 * each check counted. A failed check is a violation with a readable detail.
 */
import { ORIGIN } from '../../helpers/apps.js'
import type { Count } from './types.js'
import type { Exchange } from './recorder.js'

export const SESSION_COOKIES: ReadonlySet<string> = new Set([
  '__Host-stytch_session',
  '__Host-stytch_session_jwt',
  'stytch_session',
  'stytch_session_jwt',
])
export const PENDING_COOKIES: ReadonlySet<string> = new Set([
  '__Host-stytch_mfa_pending',
  'stytch_mfa_pending',
])
const LIBRARY_COOKIES: ReadonlySet<string> = new Set([...SESSION_COOKIES, ...PENDING_COOKIES])

/** The invariants the summary reports (each must stay at zero violations). */
export const INVARIANTS = {
  sessionsWronglyCreated: 'sessions wrongly created (minted upstream)',
  sessionCookiesWronglySet: 'session Set-Cookies with a value on a path that expected none',
  adminWronglyAdmitted: 'guarded requests wrongly admitted',
  serverErrorsFromBadInput: '5xx without an injected upstream fault',
  http500: 'HTTP 500 responses',
  crashes: 'uncaught exceptions / unhandled rejections',
  processNotServing: 'process no longer serving',
  prototypePollution: 'prototype pollution',
  secretsInLogs: 'secrets in logs, events or response bodies',
  externalLocation: 'Location headers not a same-origin path',
  cookieAttributes: 'library cookies missing HttpOnly/Path/SameSite/Secure/__Host- or with Domain',
  cookieOver4096: 'Set-Cookie headers of 4096 bytes or more',
  duplicateSetCookie: 'responses setting one cookie name twice',
  missingNoStore: 'auth responses without Cache-Control: no-store',
  missingCharset: 'auth responses with a Content-Type without charset',
  unexpectedStatus:
    'fuzz responses outside {200, 303, 400, 401, 403, 404, 405, 409, 413, 415, 429}',
  errorsNotProblemJson: 'fuzz error responses of the library not application/problem+json',
} as const

export type Invariant = keyof typeof INVARIANTS

export class Checker {
  readonly checks = new Map<Invariant, number>()
  readonly failures = new Map<Invariant, number>()
  readonly violations: string[] = []

  check(invariant: Invariant, ok: boolean, detail: () => string): void {
    this.checks.set(invariant, (this.checks.get(invariant) ?? 0) + 1)
    if (ok) return
    this.failures.set(invariant, (this.failures.get(invariant) ?? 0) + 1)
    this.violations.push(`${invariant}: ${detail()}`)
  }

  get total(): number {
    let total = 0
    for (const count of this.checks.values()) total += count
    return total
  }
}

export function inRange(value: number, count: Count): boolean {
  return typeof count === 'number' ? value === count : value >= count[0] && value <= count[1]
}

export function showCount(count: Count): string {
  return typeof count === 'number' ? String(count) : `${count[0]}..${count[1]}`
}

export interface ParsedCookie {
  readonly name: string
  readonly value: string
  readonly attributes: ReadonlyMap<string, string>
}

export function parseSetCookie(header: string): ParsedCookie {
  const [pair = '', ...rest] = header.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const at = part.indexOf('=')
    const key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase()
    attributes.set(key, at === -1 ? '' : part.slice(at + 1).trim())
  }
  return {
    name: (eq === -1 ? pair : pair.slice(0, eq)).trim(),
    value: eq === -1 ? '' : pair.slice(eq + 1).trim(),
    attributes,
  }
}

/** A session cookie that is set (not cleared). */
export function isSessionCookieSet(header: string): boolean {
  const cookie = parseSetCookie(header)
  return (
    SESSION_COOKIES.has(cookie.name) &&
    cookie.value !== '' &&
    cookie.attributes.get('max-age') !== '0'
  )
}

/** Why `location` is not a same-origin path, or `undefined` when it is one. */
export function unsafeLocation(location: string): string | undefined {
  if (!location.startsWith('/')) return 'does not start with "/"'
  if (location.startsWith('//') || location.startsWith('/\\')) return 'starts with "//" or "/\\"'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(location)) return 'contains control characters or "\\"'
  let url: URL
  try {
    url = new URL(location, ORIGIN)
  } catch {
    return 'does not parse'
  }
  return url.origin === ORIGIN ? undefined : `resolves to ${url.origin}`
}

/** A header value as text (Node keeps numbers and arrays as they were set). */
export function headerText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return value.map(headerText).join(', ')
  return ''
}

function pathOf(url: string): string {
  const query = url.indexOf('?')
  return (query === -1 ? url : url.slice(0, query)).toLowerCase()
}

/** A response the library produced (its routes and guards; not the frameworks' own 404s). */
export function isLibraryResponse(exchange: Exchange): boolean {
  const path = pathOf(exchange.url)
  // The flow routes and the admin reset are mounted for POST: Express answers OPTIONS on them
  // by itself.
  const postOnly = path.startsWith('/auth/') || path.endsWith('/reset-mfa')
  if (exchange.method === 'OPTIONS' && postOnly) return false
  // Errors the library hands to the framework (`next(err)` / throw) are rendered by the app's
  // error handler (Express's finalhandler drops every header): the library answers JSON.
  const type = headerText(exchange.headers['content-type'])
  if (exchange.status >= 400 && !type.includes('json')) return false
  return exchange.status !== 404 && (path.startsWith('/auth/') || path.startsWith('/admin'))
}

export interface StatusPolicy {
  readonly upstreamFault: boolean
  readonly extra: readonly number[]
}

/** INV-1, INV-3, INV-7, INV-8 on one exchange (any phase). */
export function checkExchange(checker: Checker, exchange: Exchange, policy: StatusPolicy): void {
  const where = `${exchange.phase} ${exchange.method} ${exchange.url.slice(0, 120)} → ${exchange.status}`
  const names = new Set<string>()
  for (const header of exchange.setCookies) {
    const cookie = parseSetCookie(header)
    checker.check('cookieOver4096', Buffer.byteLength(header) < 4096, () => {
      return `${where}: Set-Cookie ${cookie.name} is ${Buffer.byteLength(header)} bytes`
    })
    checker.check('duplicateSetCookie', !names.has(cookie.name), () => {
      return `${where}: ${cookie.name} set twice`
    })
    names.add(cookie.name)
    if (!LIBRARY_COOKIES.has(cookie.name)) continue
    const { attributes } = cookie
    const sameSite = attributes.get('samesite')?.toLowerCase()
    const problems = [
      attributes.has('httponly') ? undefined : 'no HttpOnly',
      attributes.get('path') === '/' ? undefined : 'Path is not /',
      sameSite === 'strict' || sameSite === 'lax' ? undefined : 'no explicit SameSite',
      attributes.has('domain') ? 'has Domain' : undefined,
      exchange.https && !attributes.has('secure') ? 'no Secure on https' : undefined,
      exchange.https && !cookie.name.startsWith('__Host-') ? 'no __Host- on https' : undefined,
    ].filter((problem) => problem !== undefined)
    checker.check('cookieAttributes', problems.length === 0, () => {
      return `${where}: ${cookie.name} ${problems.join(', ')}`
    })
  }
  if (exchange.finished) {
    const { status } = exchange
    checker.check('http500', status !== 500 || policy.extra.includes(500), () => where)
    const upstream = policy.upstreamFault && [502, 503, 504].includes(status)
    checker.check(
      'serverErrorsFromBadInput',
      status < 500 || upstream || policy.extra.includes(status),
      () => where,
    )
  }
  if (exchange.headers.location !== undefined) {
    const location = headerText(exchange.headers.location)
    const problem = unsafeLocation(location)
    checker.check('externalLocation', problem === undefined, () => {
      return `${where}: Location ${location} ${problem ?? ''}`
    })
  }
  if (exchange.finished && isLibraryResponse(exchange)) {
    const cache = headerText(exchange.headers['cache-control'])
    checker.check('missingNoStore', cache.includes('no-store'), () => {
      return `${where}: Cache-Control "${cache}"`
    })
    if (exchange.headers['content-type'] !== undefined) {
      const type = headerText(exchange.headers['content-type'])
      checker.check('missingCharset', /charset=/i.test(type), () => {
        return `${where}: Content-Type ${type}`
      })
    }
  }
}

export type SecretKind =
  | 'otp'
  | 'intermediate session token'
  | 'session token'
  | 'session JWT'
  | 'Stytch secret'
  | 'cookie secret'
  | 'phone number'
  | 'email address'

export interface Secret {
  readonly kind: SecretKind
  readonly value: string
}

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function matcher(secret: Secret): RegExp | undefined {
  const { kind, value } = secret
  switch (kind) {
    case 'otp':
      return /^\d{6}$/.test(value)
        ? new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`)
        : undefined
    case 'phone number': {
      const digits = value.replace(/^\+/, '')
      if (digits.length < 8) return undefined
      // The number with or without "+", and its national part (the last ten digits).
      const national = digits.slice(-10)
      return new RegExp(`(?<!\\d)(?:\\+?${escape(digits)}|${escape(national)})(?!\\d)`)
    }
    case 'email address':
      return value.length >= 5 ? new RegExp(escape(value), 'i') : undefined
    case 'intermediate session token':
    case 'session token':
    case 'session JWT':
    case 'Stytch secret':
    case 'cookie secret':
      return value.length >= 12 ? new RegExp(escape(value)) : undefined
  }
}

/** Every secret found in a haystack: `"<kind> in <where>"`. */
export function findSecrets(
  haystacks: readonly { readonly where: string; readonly text: string }[],
  secrets: readonly Secret[],
): string[] {
  const found: string[] = []
  const seen = new Set<string>()
  for (const secret of secrets) {
    const key = `${secret.kind}:${secret.value}`
    if (seen.has(key)) continue
    seen.add(key)
    const pattern = matcher(secret)
    if (pattern === undefined) continue
    for (const { where, text } of haystacks) {
      if (pattern.test(text)) found.push(`${secret.kind} in ${where}`)
    }
  }
  return found
}

const PROBES = ['polluted', 'isAdmin', 'mfa', 'admin', 'member_authenticated', 'mfa_passed', 'role']

/** INV-5: a fingerprint of Object.prototype (and a few keys pollution payloads use). */
export function prototypeFingerprint(): string {
  const probe: Record<string, unknown> = {}
  return JSON.stringify({
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).length,
    probes: PROBES.filter((key) => probe[key] !== undefined),
  })
}
