/** Constants and small helpers the case files share. */
import { expect } from 'vitest'
import type { Fault } from '../../../src/emulator/index.js'
import type { Browser, HttpResponse } from '../harness/http.js'
import { SESSION_COOKIES, isSessionCookieSet, parseSetCookie } from '../harness/invariants.js'
import type { CaseContext } from '../harness/types.js'
import { ADMIN, MEMBER, NEWCOMER, ORG } from '../harness/seed.js'

const MEMBER_ADMIN = MEMBER.admin
const ORG_ACME = ORG.acme

export { ORIGIN, SECRET } from '../../helpers/apps.js'

export const PENDING = '__Host-stytch_mfa_pending'
export const SESSION = '__Host-stytch_session'
export const SESSION_JWT = '__Host-stytch_session_jwt'

export const GUARDED = [
  '/admin',
  '/admin/fresh',
  '/admin/strict',
  '/admin/other-org',
  '/admin/acme',
  '/admin/role',
] as const

export const FLOW_ROUTES = [
  '/auth/email/send',
  '/auth/email/verify',
  '/auth/sms/send',
  '/auth/sms/verify',
  '/auth/logout',
  '/auth/discovery/send',
  '/auth/discovery/verify',
  '/auth/discovery/select',
  '/auth/organizations/switch',
] as const

export const UPSTREAM = {
  emailSend: '/v1/b2b/otps/email/login_or_signup',
  emailAuthenticate: '/v1/b2b/otps/email/authenticate',
  smsSend: '/v1/b2b/otps/sms/send',
  smsAuthenticate: '/v1/b2b/otps/sms/authenticate',
  sessionsAuthenticate: '/v1/b2b/sessions/authenticate',
  sessionsRevoke: '/v1/b2b/sessions/revoke',
} as const

/** No SMS cooldown: cases that resend right after Stytch's own send at login. */
export const NO_COOLDOWN = { options: { limits: { smsCooldownSeconds: 0 } } } as const

/** Limits out of the way, for cases that repeat sign-ins. */
export const GENEROUS_LIMITS = {
  options: {
    limits: {
      smsCooldownSeconds: 0,
      smsPerMemberPerHour: 1000,
      smsPerMemberPerDay: 10_000,
      smsPerPhonePerDay: 10_000,
      smsPerIpPerHour: 100_000,
      emailPerAddressPerHour: 1000,
      emailPerIpPerHour: 100_000,
    },
  },
} as const

/** A six-digit code that is not `code`. */
export function wrongCode(code: string | undefined, salt = 0): string {
  const candidate = String((Number(code ?? '0') + 1 + salt * 7919) % 1_000_000).padStart(6, '0')
  return candidate === code ? '999999' : candidate
}

/** The SMS code Stytch sent the member last. */
export function smsCode(ctx: CaseContext, phone: string = ADMIN.phone): string {
  const code = ctx.emulator.lastCode(phone)
  if (code === undefined) throw new Error(`no SMS code was sent to ${phone}`)
  return code
}

/** A response sets no session cookie (empty/clearing ones allowed). */
export function expectNoSessionSet(res: HttpResponse): void {
  expect(res.setCookies.filter(isSessionCookieSet)).toEqual([])
}

/** A response answers `status` with the problem code `code`. */
export function expectProblem(res: HttpResponse, status: number, code: string): void {
  expect(res.status, res.text.slice(0, 200)).toBe(status)
  expect(res.body?.code).toBe(code)
}

/** Both guarded pages, the one checked locally and the one checked with Stytch, answer 401. */
export async function expectGuardsRefuse(
  get: (path: string) => Promise<{ readonly status: number }>,
): Promise<void> {
  for (const path of ['/admin', '/admin/strict']) expect((await get(path)).status, path).toBe(401)
}

/** `send` is answered 401 login_required, and Stytch hears nothing of it. */
export async function expectLoginRequiredLocally(
  ctx: CaseContext,
  send: () => Promise<HttpResponse>,
): Promise<void> {
  const before = ctx.emulator.calls()
  expectProblem(await send(), 401, 'login_required')
  expect(ctx.emulator.calls() - before).toBe(0)
}

/** Each of `paths`, fetched by `client`, answers `status` with the problem code `code`. */
export async function expectAnswers(
  client: Browser,
  paths: readonly string[],
  status: number,
  code: string,
): Promise<void> {
  for (const path of paths) {
    const res = await client.get(path)
    expect(res.status, path).toBe(status)
    expect(res.body?.code, path).toBe(code)
  }
}

/** A response clears (Max-Age=0, empty) this cookie. */
export function clears(res: HttpResponse, name: string): boolean {
  return res.setCookies.some((header) => {
    const cookie = parseSetCookie(header)
    return cookie.name === name && cookie.value === '' && cookie.attributes.get('max-age') === '0'
  })
}

/** A response touches (sets or clears) a session cookie. */
export function touchesSession(res: HttpResponse): boolean {
  return res.setCookies.some((header) => SESSION_COOKIES.has(parseSetCookie(header).name))
}

/** A response touches the pending (IST) cookie. */
export function touchesPending(res: HttpResponse): boolean {
  return res.setCookies.some((header) => parseSetCookie(header).name.endsWith('stytch_mfa_pending'))
}

/** A client holding only the given cookies. */
export function withCookies(ctx: CaseContext, cookies: Record<string, string>): Browser {
  const client = ctx.client()
  for (const [name, value] of Object.entries(cookies)) client.jar.set(name, value)
  return client
}

/** Changes one character in the middle of a value (not a segment's last, whose low bits base64url ignores). */
export function flipAt(value: string, at: number): string {
  const index = Math.max(0, Math.min(value.length - 2, at))
  const next = value[index] === 'A' ? 'B' : 'A'
  return value.slice(0, index) + next + value.slice(index + 1)
}

/** Upstream calls made while `fn` ran, to one path. */
export async function callsDuring(
  ctx: CaseContext,
  path: string,
  fn: () => Promise<unknown>,
): Promise<number> {
  const before = ctx.emulator.calls(path)
  await fn()
  return ctx.emulator.calls(path) - before
}

/** Runs `fn` with a concurrency of `width`. */
export async function pool<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return results
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** Stytch answering with an error of its own shape, for `ctx.fault`. */
export function stytchErrorFault(
  status: number,
  errorType: string,
  message: string,
  requestId: string,
): Fault {
  return {
    kind: 'status',
    status,
    body: {
      status_code: status,
      request_id: requestId,
      error_type: errorType,
      error_message: message,
      error_url: `https://stytch.com/docs/api/errors/${status}`,
    },
  }
}

/**
 * A newcomer enrolling `phoneNumber`, which Stytch refuses with a 400 `errorType`: the library
 * answers 400 invalid_phone_number. Returns the client (at the SMS step) and that answer.
 */
export async function refusedEnrolment(
  ctx: CaseContext,
  phoneNumber: string,
  refusal: { readonly errorType: string; readonly message: string; readonly requestId: string },
): Promise<{ client: Browser; res: HttpResponse }> {
  const client = await ctx.emailStep(NEWCOMER)
  ctx.fault(
    UPSTREAM.smsSend,
    stytchErrorFault(400, refusal.errorType, refusal.message, refusal.requestId),
  )
  const res = await client.post('/auth/sms/send', { phoneNumber })
  expectProblem(res, 400, 'invalid_phone_number')
  return { client, res }
}

/** A Stytch `otps/sms/authenticate` / `sessions/authenticate` success body, for `respond` faults. */
export function grantBody(
  now: Date,
  options: {
    readonly memberId?: string
    readonly organizationId?: string
    readonly factors?: readonly ('sms' | 'email')[]
    readonly sessionToken?: string
    readonly sessionJwt?: string
  } = {},
): Record<string, unknown> {
  const at = now.toISOString()
  const factors = (options.factors ?? ['email', 'sms']).map((kind) =>
    kind === 'sms'
      ? { type: 'otp', delivery_method: 'sms', last_authenticated_at: at }
      : { type: 'email_otp', delivery_method: 'email', last_authenticated_at: at },
  )
  return {
    status_code: 200,
    request_id: 'request-id-test-fault',
    member_id: options.memberId ?? MEMBER_ADMIN,
    session_token: options.sessionToken ?? 'session-token-test-fault-0000000000000000000',
    session_jwt: options.sessionJwt ?? 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYXVsdCJ9.c2lnbmF0dXJl',
    member_session: {
      member_session_id: 'member-session-test-fault',
      member_id: options.memberId ?? MEMBER_ADMIN,
      organization_id: options.organizationId ?? ORG_ACME,
      organization_slug: 'acme',
      started_at: at,
      last_accessed_at: at,
      expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
      authentication_factors: factors,
      roles: ['stytch_member'],
    },
  }
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * Other spellings of the same signed JWT that lenient base64url decoders (the SDK's jose among
 * them) read as the same bytes: a stray bit in the signature's last character, and padding.
 */
export function respellings(jwt: string): string[] {
  const [header = '', payload = '', signature = ''] = jwt.split('.')
  const last = BASE64URL.indexOf(signature.slice(-1))
  // A 256-byte RS256 signature is 342 characters: the last one carries 4 unused bits.
  const strayBit = `${signature.slice(0, -1)}${BASE64URL[last ^ 1] ?? ''}`
  const padding = '='.repeat((4 - (signature.length % 4)) % 4)
  return [`${header}.${payload}.${strayBit}`, `${header}.${payload}.${signature}${padding}`]
}

/**
 * Waits until the revoke Stytch failed at logout was tried again and confirmed, so the retry
 * lands in this case and not in a later one that counts revokes.
 */
export async function revokedLater(ctx: CaseContext): Promise<void> {
  // A loop, not expect.poll(): concurrent cases may not use the global expect's poll.
  const deadline = Date.now() + 10_000
  while (!ctx.app.events.some((event) => event.type === 'session_revoked')) {
    if (Date.now() > deadline) throw new Error('the failed revoke was not retried within 10 s')
    await ctx.sleep(50)
  }
}
