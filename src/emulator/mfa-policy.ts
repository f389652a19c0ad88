/**
 * @module The organization's MFA methods (`mfa_methods`, `allowed_mfa_methods`) and what a member
 * has enrolled: which second factors a member may use, and what `mfa_required` offers.
 */
import { EmulatorApiError } from './errors.js'
import type { MemberRecord, OrganizationRecord } from './records.js'

export type MfaMethod = 'sms_otp' | 'totp'

/** `RESTRICTED` limits members to `allowed_mfa_methods`; breakglass members are exempt. */
export function mfaMethodAllowed(
  organization: OrganizationRecord,
  member: MemberRecord,
  method: MfaMethod,
): boolean {
  return (
    organization.mfa_methods !== 'RESTRICTED' ||
    member.is_breakglass ||
    organization.allowed_mfa_methods.includes(method)
  )
}

/** @throws 403 `operation_restricted_by_organization_mfa_methods` for a method not allowed. */
export function checkMfaMethodAllowed(
  organization: OrganizationRecord,
  member: MemberRecord,
  method: MfaMethod,
): void {
  if (mfaMethodAllowed(organization, member, method)) return
  // inferred: the status (the type exists and names this case).
  throw new EmulatorApiError(
    403,
    'operation_restricted_by_organization_mfa_methods',
    `((The organization's allowed_mfa_methods do not include ${method}.))`,
  )
}

/**
 * Whether the member has a second factor the organization allows: a verified phone or a verified
 * authenticator app. Such a member must prove it before adding another.
 */
export function hasActiveMfaFactor(
  organization: OrganizationRecord,
  member: MemberRecord,
): boolean {
  return (
    (member.mfa_phone_number_verified && mfaMethodAllowed(organization, member, 'sms_otp')) ||
    (member.totp_registration_id !== '' && mfaMethodAllowed(organization, member, 'totp'))
  )
}

/** `mfa_required.member_options`: the allowed factors the member has, or null if none. */
export function memberOptions(organization: OrganizationRecord, member: MemberRecord) {
  const phone = mfaMethodAllowed(organization, member, 'sms_otp') ? member.mfa_phone_number : ''
  const totp = mfaMethodAllowed(organization, member, 'totp') ? member.totp_registration_id : ''
  return phone === '' && totp === ''
    ? null
    : { mfa_phone_number: phone, totp_registration_id: totp }
}

/**
 * Whether primary authentication sends the SMS code by itself: the member has a phone, SMS is
 * allowed, and the member does not prefer an authenticator app it has.
 */
export function sendsSmsAutomatically(
  organization: OrganizationRecord,
  member: MemberRecord,
): boolean {
  const prefersTotp =
    member.default_mfa_method === 'totp' &&
    member.totp_registration_id !== '' &&
    mfaMethodAllowed(organization, member, 'totp')
  // inferred: Stytch documents the auto-send for a member with a phone; the exceptions are
  // from its prebuilt UI's fixtures (TOTP default, SMS not allowed).
  return (
    member.mfa_phone_number !== '' &&
    mfaMethodAllowed(organization, member, 'sms_otp') &&
    !prefersTotp
  )
}
