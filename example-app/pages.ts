/**
 * What the pages show, computed here so the templates only print: the flash of an error from
 * the query, times, the SMS step, and the signed-in member. Shared by the Express (`app.ts`) and
 * Koa (`koa-app.ts`) consoles, so nothing here knows either framework.
 */
import { messageOf, type MemberSession, type MfaErrorCode } from 'stytch-b2b-mfa'
// A type only: `stytch-b2b-mfa/koa` exports the same one.
import type { LoginState } from 'stytch-b2b-mfa/express'

/** An error to show at the top of a page. */
export interface Flash {
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

function isErrorCode(value: string): value is MfaErrorCode {
  return Object.hasOwn(messageOf, value)
}

/** The message of `?error=<code>` (known codes only) and `?retry_after=N`, if any. */
export function flashOf(req: WithQuery): Flash | undefined {
  const code = queryString(req, 'error')
  if (code === undefined || !isErrorCode(code)) return undefined
  const wait = queryString(req, 'retry_after')
  const retryAfter = wait !== undefined && /^\d{1,6}$/.test(wait) ? Number(wait) : undefined
  return { message: messageOf[code], retryAfter }
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

function optionalTime(date: Date | undefined): TimeView | undefined {
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
      /** The library's cooldown between two codes, in seconds, when a code was sent. */
      readonly resendAfterSeconds: number | undefined
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
  return {
    kind: 'code',
    phoneNumber: state.phoneNumber,
    sentAt: optionalTime(sentAt),
    resendAt: resendAt !== undefined && resendAt > now ? timeView(resendAt) : undefined,
    resendAfterSeconds:
      sentAt === undefined || resendAt === undefined
        ? undefined
        : Math.round((resendAt.getTime() - sentAt.getTime()) / 1000),
    expiresAt: optionalTime(state.expiresAt),
  }
}

/** `+15555550100` → `•••• 0100`: the member's own number, still not printed in full. */
function maskPhone(phone: string | undefined): string | undefined {
  return phone === undefined || phone.length < 4 ? undefined : `•••• ${phone.slice(-4)}`
}

function isSmsFactor(factor: MemberSession['authenticationFactors'][number]): boolean {
  return factor.type === 'otp' && factor.deliveryMethod === 'sms'
}

/** The signed-in member as `/admin/api/me` answers it (times in ISO 8601). */
export interface Me {
  readonly memberId: string
  readonly organizationId: string
  readonly organizationSlug: string | null
  readonly roles: readonly string[]
  readonly memberSessionId: string
  readonly startedAt: string | null
  readonly expiresAt: string
  /** When the SMS code was last entered. */
  readonly mfaAt: string | null
  readonly factors: readonly {
    readonly type: string
    readonly deliveryMethod: string
    readonly lastAuthenticatedAt: string | null
    readonly phoneNumber: string | null
  }[]
}

function latest(dates: readonly (Date | undefined)[]): Date | undefined {
  return dates.reduce<Date | undefined>(
    (last, date) => (date !== undefined && (last === undefined || date > last) ? date : last),
    undefined,
  )
}

export function describeSession(session: MemberSession): Me {
  const mfaAt = latest(
    session.authenticationFactors.filter(isSmsFactor).map((f) => f.lastAuthenticatedAt),
  )
  return {
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
