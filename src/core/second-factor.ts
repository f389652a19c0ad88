/**
 * @module The second factors of a member session, as Stytch records them in
 * `authentication_factors` (`type` / `delivery_method`), and the ones a route accepts.
 */
import type { AuthenticationFactor } from './ports/stytch.js'
import type { KnownFactor } from './verified-sessions.js'

/** How Stytch records each second factor. An email code (`email_otp`) is a first factor. */
const RECORDED_AS = {
  sms: { type: 'otp', deliveryMethod: 'sms' },
  totp: { type: 'totp', deliveryMethod: 'authenticator_app' },
  recovery_code: { type: 'recovery_codes', deliveryMethod: 'recovery_code' },
} as const

/** A second factor a route may accept: an SMS code, an authenticator app, a recovery code. */
export type SecondFactor = keyof typeof RECORDED_AS

export const SECOND_FACTORS = Object.keys(RECORDED_AS) as readonly SecondFactor[]

type FactorKind = Pick<AuthenticationFactor, 'type' | 'deliveryMethod'>

function isRecordedAs(factor: FactorKind, kind: SecondFactor): boolean {
  const recorded = RECORDED_AS[kind]
  return factor.type === recorded.type && factor.deliveryMethod === recorded.deliveryMethod
}

/** Stytch records SMS OTP as `type: "otp"`, `delivery_method: "sms"` (not `email_otp`). */
export function hasSmsFactor(factors: readonly FactorKind[]): boolean {
  return factors.some((factor) => isRecordedAs(factor, 'sms'))
}

/** What a session's factors say about the second factors a route accepts. */
export interface SecondFactorSeen {
  /** The session carries at least one of them. */
  readonly present: boolean
  /** When (epoch ms) the newest of them was passed, if Stytch says. */
  readonly lastAtMs: number | undefined
}

export function secondFactorSeen(
  factors: readonly KnownFactor[],
  accepted: readonly SecondFactor[],
): SecondFactorSeen {
  let present = false
  let lastAtMs: number | undefined
  for (const factor of factors) {
    if (!accepted.some((kind) => isRecordedAs(factor, kind))) continue
    present = true
    const at = factor.lastAuthenticatedAtMs
    if (at !== undefined && (lastAtMs === undefined || at > lastAtMs)) lastAtMs = at
  }
  return { present, lastAtMs }
}
