/**
 * @module The "MFA first" answer of every call that can end in an intermediate session (email
 * authenticate, discovery exchange, sessions exchange), so they all decide and word it alike.
 */
import { rfc3339 } from './ids.js'
import { memberOptions, sendsSmsAutomatically } from './mfa-policy.js'
import type { IntermediateSessionRecord, MemberRecord, OrganizationRecord } from './records.js'
import type { EmulatorState } from './state.js'

/** Whether the organization's policy or the member's enrolment asks for a second factor. */
export function needsMfa(organization: OrganizationRecord, member: MemberRecord): boolean {
  return organization.mfa_policy === 'REQUIRED_FOR_ALL' || member.mfa_enrolled
}

/** `mfa_required`; `smsSent` says whether a code already went out. */
export function mfaRequiredJson(
  organization: OrganizationRecord,
  member: MemberRecord,
  smsSent: boolean,
) {
  return {
    member_options: memberOptions(organization, member),
    secondary_auth_initiated: smsSent ? 'sms_otp' : null,
  }
}

/** The fields of an answer that hands out an intermediate session instead of a session. */
export function intermediateFields(
  ist: IntermediateSessionRecord,
  requirements: { mfa_required: unknown; primary_required: unknown },
) {
  return {
    member_authenticated: false,
    session_token: '',
    session_jwt: '',
    member_session: null,
    intermediate_session_token: ist.token,
    intermediate_session_token_expires_at: rfc3339(ist.expires_at),
    ...requirements,
  }
}

/**
 * The response fields that say "MFA first" for an intermediate session already bound to the
 * member, after sending the SMS code when Stytch would (see `sendsSmsAutomatically`).
 */
export function mfaPendingFields(
  state: EmulatorState,
  organization: OrganizationRecord,
  member: MemberRecord,
  ist: IntermediateSessionRecord,
) {
  const smsSent = sendsSmsAutomatically(organization, member)
  if (smsSent) state.sendSmsCode(organization, member)
  return intermediateFields(ist, {
    mfa_required: mfaRequiredJson(organization, member, smsSent),
    primary_required: null,
  })
}
