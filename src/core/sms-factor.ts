/** @module The SMS factor of a member session: the second factor this library checks for. */
import type { AuthenticationFactor, MemberSession } from './ports/stytch.js'

/** Stytch records SMS OTP as `type: "otp"`, `delivery_method: "sms"` (not `email_otp`). */
export function isSmsFactor(factor: AuthenticationFactor): boolean {
  return factor.type === 'otp' && factor.deliveryMethod === 'sms'
}

export function hasSmsFactor(session: MemberSession): boolean {
  return session.authenticationFactors.some(isSmsFactor)
}

/** When the member last passed SMS MFA on this session, if ever. */
export function lastSmsAt(session: MemberSession): Date | undefined {
  let latest: Date | undefined
  for (const factor of session.authenticationFactors) {
    const at = factor.lastAuthenticatedAt
    if (isSmsFactor(factor) && at !== undefined && (latest === undefined || at > latest))
      latest = at
  }
  return latest
}
