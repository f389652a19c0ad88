/**
 * @module Which second factors a login in progress may use: the organization's allowed methods
 * and the member's enrolled factors, as Stytch reported them at the email step and the login
 * cookie sealed them. The steps refuse a factor the organization does not allow before asking
 * Stytch, which refuses it too.
 */
import { MfaError } from './errors.js'
import type { PendingMfa } from './pending-login.js'
import type { MfaMethod } from './ports/stytch.js'

/** A second factor a member signs in with, by the library's names (`requireMfa({ factors })`). */
export type LoginMethod = 'sms' | 'totp'

const NAME_OF: Readonly<Record<MfaMethod, LoginMethod>> = { sms_otp: 'sms', totp: 'totp' }
const BOTH: readonly MfaMethod[] = ['sms_otp', 'totp']

/** The methods the organization allows the member; a cookie sealed before they were kept: both. */
export function allowedMethods(login: PendingMfa): readonly LoginMethod[] {
  return (login.methods ?? BOTH).map((method) => NAME_OF[method])
}

/** The allowed methods the member has set up: a phone on file, a confirmed app. */
export function enrolledMethods(login: PendingMfa): readonly LoginMethod[] {
  const has: Readonly<Record<LoginMethod, boolean>> = {
    sms: login.hasPhone,
    totp: login.hasTotp === true,
  }
  return allowedMethods(login).filter((method) => has[method])
}

/** The member's default method, when the organization allows it. */
export function defaultMethod(login: PendingMfa): LoginMethod | undefined {
  const method = login.defaultMethod === undefined ? undefined : NAME_OF[login.defaultMethod]
  return method !== undefined && allowedMethods(login).includes(method) ? method : undefined
}

/** @throws `mfa_method_not_allowed` when the organization does not allow `method` here. */
export function assertMethodAllowed(login: PendingMfa, method: LoginMethod): void {
  if (allowedMethods(login).includes(method)) return
  throw new MfaError(
    'mfa_method_not_allowed',
    `The organization does not allow ${method} as a second factor`,
  )
}
