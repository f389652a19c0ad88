/**
 * @module An admin removing a member's second factor: the MFA phone or the authenticator app.
 * Neither touches the member's sessions, as at Stytch.
 */
import { badRequest } from './errors.js'
import type { EmulatorContext, Route } from './router.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import { totpNotFound } from './state-totps.js'

/** `organizations.members.deleteMFAPhoneNumber` and `.deleteTOTP`. */
export function memberMfaRoutes({ state }: EmulatorContext): Route[] {
  const { directory, totps } = state
  return [
    {
      method: 'DELETE',
      path: '/v1/b2b/organizations/:organization_id/members/mfa_phone_numbers/:member_id',
      access: 'api',
      handle: ({ params }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const member = directory.member(organization, params.member_id ?? '')
        if (member.mfa_phone_number === '') {
          // inferred: 400 member_phone_number_not_found, as for SMS without a phone.
          throw badRequest('member_phone_number_not_found', '((The member has no MFA phone.))')
        }
        directory.updateMember(member, { mfa_phone_number: '' })
        // A code already sent must not pass once the phone is gone.
        state.smsOtps.withdraw(member.member_id)
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
    {
      method: 'DELETE',
      path: '/v1/b2b/organizations/:organization_id/members/:member_id/totp',
      access: 'api',
      handle: ({ params }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const member = directory.member(organization, params.member_id ?? '')
        // A pending registration is removed too: that is how a member restarts enrolment.
        if (!totps.find(member.member_id, state.now())) throw totpNotFound()
        totps.delete(member.member_id)
        member.totp_registration_id = ''
        // inferred: the default passes to the phone, if there is one.
        if (member.default_mfa_method === 'totp') {
          member.default_mfa_method = member.mfa_phone_number === '' ? '' : 'sms_otp'
        }
        member.updated_at = state.now()
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
  ]
}
