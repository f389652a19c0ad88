/**
 * What the pages show, computed here so the templates only print: the flash of an error from
 * a redirect, times, the SMS step, and the signed-in member. Shared by the Express (`app.ts`) and
 * Koa (`koa-app.ts`) consoles, so nothing here knows either framework.
 */
import { messageOf, type MemberSession, type MfaErrorCode } from 'stytch-b2b-mfa'
// A type only: `stytch-b2b-mfa/koa` exports the same one.
import type { LoginState } from 'stytch-b2b-mfa/express'

/**
 * Where members may enrol a phone (the library's `phoneEnrollment.allowedCountries`), as the pages
 * name them: the refusal of a number says which countries, so it must read the same list.
 */
export const PHONE_COUNTRIES: Readonly<Record<string, string>> = {
  US: 'the United States',
  CA: 'Canada',
}

/** `the United States or Canada`. */
export const phoneCountryNames = new Intl.ListFormat('en', { type: 'disjunction' }).format(
  Object.values(PHONE_COUNTRIES),
)

/**
 * The console's words where the library's would mislead here. `invalid_phone_number` covers a
 * malformed number, one outside the allowed countries, a toll-free or premium-rate number (the
 * library's check) and numbers Stytch refuses: the library's message blames the format, so a
 * valid number from elsewhere would read as a typo.
 */
const pageMessages: Partial<Record<MfaErrorCode, string>> = {
  invalid_phone_number:
    `We cannot send codes to this number. Use a mobile number in ${phoneCountryNames}, with ` +
    'its country code. Toll-free, premium-rate and fictional (555-01xx) numbers are refused.',
}

/** What a page says for an error code. */
export function messageFor(code: MfaErrorCode): string {
  return pageMessages[code] ?? messageOf[code]
}

/** An error to show at the top of a page. */
export interface Flash {
  readonly code: MfaErrorCode
  readonly message: string
  /** Seconds to wait, from `?retry_after=`. */
  readonly retryAfter: number | undefined
}

/** What carries the parsed query string: Express's `req` and Koa's `ctx` alike. */
export interface WithQuery {
  readonly query: object
}

/** A query parameter when it was given once, as a string. */
export function queryString(req: WithQuery, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : undefined
}

/** One of the library's error codes (the only ones a page shows a message for). */
export function isErrorCode(value: string): value is MfaErrorCode {
  return Object.hasOwn(messageOf, value)
}

function flash(code: string | undefined, wait: string | undefined): Flash | undefined {
  if (code === undefined || !isErrorCode(code)) return undefined
  const retryAfter = wait !== undefined && /^\d{1,6}$/.test(wait) ? Number(wait) : undefined
  return { code, message: messageFor(code), retryAfter }
}

/** The query parameters of the library's error redirects. */
const FLASH_PARAMETERS = ['error', 'retry_after']

/** Whether the URL carries an error redirect's parameters, known code or not. */
export function hasFlashQuery(req: WithQuery): boolean {
  return FLASH_PARAMETERS.some((name) => Object.hasOwn(req.query, name))
}

/** The message of `?error=<code>` (known codes only) and `?retry_after=N`, if any. */
export function flashOf(req: WithQuery): Flash | undefined {
  return flash(queryString(req, 'error'), queryString(req, 'retry_after'))
}

/** The same page without the error redirect's parameters (other string parameters kept). */
export function withoutFlashQuery(req: WithQuery & { readonly path: string }): string {
  const kept = new URLSearchParams()
  for (const [name, value] of Object.entries(req.query)) {
    if (!FLASH_PARAMETERS.includes(name) && typeof value === 'string') kept.append(name, value)
  }
  const search = kept.toString()
  return search === '' ? req.path : `${req.path}?${search}`
}

/** A flash as a cookie value, `<page>~<code>~<seconds>`: cookie-safe, bound to its page. */
export function flashCookieValue(page: string, shown: Flash): string {
  return [page, shown.code, shown.retryAfter ?? ''].join('~')
}

/** The flash a cookie value carries for this page, if any. */
export function flashOfCookieValue(page: string, value: string): Flash | undefined {
  const [forPage, code, wait] = value.split('~')
  return forPage === page ? flash(code, wait === '' ? undefined : wait) : undefined
}

/** A time for `<time datetime>` and for reading. */
export interface TimeView {
  readonly iso: string
  readonly text: string
}

export function timeView(date: Date): TimeView {
  const iso = date.toISOString()
  return { iso, text: `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` }
}

export function optionalTime(date: Date | undefined): TimeView | undefined {
  return date === undefined ? undefined : timeView(date)
}

/** What `/mfa` shows. */
export type MfaView =
  /** The member has no phone and may enrol one. */
  | { readonly kind: 'enrol' }
  /** The member has no phone and the app does not allow enrolment. */
  | { readonly kind: 'no_phone'; readonly message: string }
  /** The SMS step of a login in progress. */
  | {
      readonly kind: 'code'
      readonly phoneNumber: string | undefined
      readonly sentAt: TimeView | undefined
      /** When the library lets the member ask for another code; `undefined` when it may be now. */
      readonly resendAt: TimeView | undefined
      /**
       * Whole seconds until then, rounded up so that the button never opens early. The page
       * counts down from this rather than to `resendAt`, so a browser clock that is off does
       * not matter.
       */
      readonly resendInSeconds: number | undefined
      readonly expiresAt: TimeView | undefined
    }
  /** No login in progress: a signed-in member confirms again (step-up). */
  | { readonly kind: 'step_up' }

/**
 * The SMS step to render. When another code may be asked for is the library's to say
 * (`resendAvailableAt`, its SMS cooldown): asking earlier is refused with `rate_limited`.
 */
export function mfaView(state: LoginState, now: Date): MfaView {
  if (state.stage !== 'mfa') return { kind: 'step_up' }
  if (state.needsPhone) {
    return state.enrollmentAllowed
      ? { kind: 'enrol' }
      : { kind: 'no_phone', message: messageOf.phone_enrollment_disabled }
  }
  const { smsSentAt: sentAt, resendAvailableAt: resendAt } = state
  const waiting = resendAt !== undefined && resendAt > now
  return {
    kind: 'code',
    phoneNumber: state.phoneNumber,
    sentAt: optionalTime(sentAt),
    resendAt: waiting ? timeView(resendAt) : undefined,
    resendInSeconds: waiting ? Math.ceil((resendAt.getTime() - now.getTime()) / 1000) : undefined,
    expiresAt: optionalTime(state.expiresAt),
  }
}

/** The authenticator-app part of `/mfa`. */
export type TotpView =
  /** The member has an app: a code from it (also the step-up of a signed-in member). */
  | { readonly kind: 'verify' }
  /** The member has no factor yet and may set up an app instead of a phone. */
  | { readonly kind: 'offer' }
  /** An app was just created: its QR code and secret, and the first code to confirm it. */
  | { readonly kind: 'confirm'; readonly secret: string; readonly qrSvg: string }

/** What `/mfa` offers: the SMS step, an authenticator app, recovery codes, as allowed. */
export interface SecondFactorsView {
  /** `undefined` when the organization does not allow SMS, or another factor is under way. */
  readonly sms: MfaView | undefined
  readonly totp: TotpView | undefined
  /** Recovery codes exist only for a member with an authenticator app. */
  readonly recovery: boolean
}

/**
 * The second factors `/mfa` offers, from what `loginState()` says the organization allows and
 * the member has. `qrSvg`: the QR code of `state.totpSecret`, when an app waits for its first
 * code. Stytch adds an app during a login only for a member with no factor: a member who
 * has a phone signs in with it.
 */
export function secondFactorsView(
  state: LoginState,
  now: Date,
  qrSvg: string | undefined,
): SecondFactorsView {
  if (state.stage !== 'mfa') {
    return { sms: mfaView(state, now), totp: { kind: 'verify' }, recovery: false }
  }
  if (state.totpSecret !== undefined && qrSvg !== undefined) {
    return {
      sms: undefined,
      totp: { kind: 'confirm', secret: state.totpSecret, qrSvg },
      recovery: false,
    }
  }
  const hasApp = state.enrolled.includes('totp')
  const totp: TotpView | undefined = hasApp
    ? { kind: 'verify' }
    : state.needsEnrolment && state.methods.includes('totp')
      ? { kind: 'offer' }
      : undefined
  const sms =
    state.methods.includes('sms') && (!hasApp || state.enrolled.includes('sms'))
      ? mfaView(state, now)
      : undefined
  return { sms, totp, recovery: hasApp }
}

/** `+15555550100` → `•••• 0100`: the member's own number, still not printed in full. */
export function maskPhone(phone: string | undefined): string | undefined {
  return phone === undefined || phone.length < 4 ? undefined : `•••• ${phone.slice(-4)}`
}

type Factor = MemberSession['authenticationFactors'][number]

/** A second factor: an SMS code, an authenticator code, a recovery code. */
function isSecondFactor(factor: Factor): boolean {
  return (
    (factor.type === 'otp' && factor.deliveryMethod === 'sms') ||
    factor.type === 'totp' ||
    factor.type === 'recovery_codes'
  )
}

/** The member's address: Stytch names it on the session's email factor. */
function emailOf(factors: readonly Factor[]): string | undefined {
  return factors.find((factor) => factor.emailAddress !== undefined)?.emailAddress
}

/** The signed-in member as `/admin/api/me` answers it (times in ISO 8601). */
export interface Me {
  /** The member's email address, from the session's email factor. */
  readonly email: string | null
  readonly memberId: string
  readonly organizationId: string
  readonly organizationSlug: string | null
  readonly roles: readonly string[]
  readonly memberSessionId: string
  readonly startedAt: string | null
  readonly expiresAt: string
  /** When a second factor (SMS, authenticator or recovery code) was last passed. */
  readonly mfaAt: string | null
  readonly factors: readonly {
    readonly type: string
    readonly deliveryMethod: string
    readonly lastAuthenticatedAt: string | null
    readonly phoneNumber: string | null
    readonly emailAddress: string | null
  }[]
}

function latest(dates: readonly (Date | undefined)[]): Date | undefined {
  return dates.reduce<Date | undefined>(
    (last, date) => (date !== undefined && (last === undefined || date > last) ? date : last),
    undefined,
  )
}

/** The member `requireMfa()` admitted, as `/admin/api/me` answers it. */
export function meOf(member: MemberSession | undefined): Me {
  // A request without a session never gets past the guard.
  if (member === undefined) throw new Error('requireMfa() admitted a request without a session')
  return describeSession(member)
}

export function describeSession(session: MemberSession): Me {
  const mfaAt = latest(
    session.authenticationFactors.filter(isSecondFactor).map((f) => f.lastAuthenticatedAt),
  )
  return {
    email: emailOf(session.authenticationFactors) ?? null,
    memberId: session.memberId,
    organizationId: session.organizationId,
    organizationSlug: session.organizationSlug ?? null,
    roles: session.roles,
    memberSessionId: session.memberSessionId,
    startedAt: session.startedAt?.toISOString() ?? null,
    expiresAt: session.expiresAt.toISOString(),
    mfaAt: mfaAt?.toISOString() ?? null,
    factors: session.authenticationFactors.map((factor) => ({
      type: factor.type,
      deliveryMethod: factor.deliveryMethod,
      lastAuthenticatedAt: factor.lastAuthenticatedAt?.toISOString() ?? null,
      phoneNumber: maskPhone(factor.phoneNumber) ?? null,
      emailAddress: factor.emailAddress ?? null,
    })),
  }
}

/** `/admin`: the same as `/admin/api/me`, with readable times. */
export function adminView(me: Me) {
  const time = (iso: string | null) => (iso === null ? undefined : timeView(new Date(iso)))
  return {
    ...me,
    startedAt: time(me.startedAt),
    expiresAt: time(me.expiresAt),
    mfaAt: time(me.mfaAt),
    factors: me.factors.map((factor) => ({
      ...factor,
      lastAuthenticatedAt: time(factor.lastAuthenticatedAt),
    })),
  }
}
