/** @module SMS OTP, the second factor: send (with first-time enrolment) and authenticate. */
import { STYTCH_SMS_LOCALES } from '../core/ports/stytch.js'
import { mfaCredential, sessionFields } from './credentials.js'
import { applyCustomClaims } from './custom-claims.js'
import { badRequest } from './errors.js'
import { checkMfaMethodAllowed, hasActiveMfaFactor } from './mfa-policy.js'
import { checkMayAddFactor } from './mfa-session.js'
import type { FactorRecord, MemberRecord } from './records.js'
import type { EmulatorContext, Route } from './router.js'
import {
  checkLocale,
  checkPhoneNumber,
  parseBody,
  sessionMinutes,
  smsAuthenticateBody,
  smsSendBody,
} from './schemas.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import { refreshSession } from './state-sessions.js'

function phoneNotFound() {
  // inferred: 400 member_phone_number_not_found.
  return badRequest(
    'member_phone_number_not_found',
    '((The member has no MFA phone number: pass mfa_phone_number to enrol one.))',
  )
}

function smsFactor(member: MemberRecord, now: number): FactorRecord {
  return {
    kind: 'sms_otp',
    phone_id: member.phone_id,
    phone_number: member.mfa_phone_number,
    created_at: now,
    last_authenticated_at: now,
  }
}

/** `send` and `authenticate`, with an IST (login) or a session (step-up). */
export function smsOtpRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory, sessions } = state
  return [
    {
      method: 'POST',
      path: '/v1/b2b/otps/sms/send',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(smsSendBody, body)
        checkLocale(input.locale, STYTCH_SMS_LOCALES)
        const organization = directory.organization(input.organization_id)
        const member = directory.member(organization, input.member_id)
        checkMfaMethodAllowed(organization, member, 'sms_otp')
        // An active MFA factor (verified phone, authenticator app): only its holder may send codes.
        const active = hasActiveMfaFactor(organization, member)
        const credential = await mfaCredential(ctx, input, organization, member, active)
        const requested = input.mfa_phone_number === '' ? undefined : input.mfa_phone_number
        if (requested !== undefined) {
          checkPhoneNumber(requested)
          if (member.mfa_phone_number === '') {
            if (active) checkMayAddFactor(credential)
            directory.enrolPhone(member, requested)
          } else if (member.mfa_phone_number !== requested) {
            // inferred: Stytch documents this error but not its type.
            throw badRequest(
              'invalid_phone_number',
              '((The member already has a different MFA phone number.))',
            )
          }
        } else if (member.mfa_phone_number === '') {
          throw phoneNotFound()
        }
        state.sendSmsCode(organization, member)
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/otps/sms/authenticate',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(smsAuthenticateBody, body)
        const duration = sessionMinutes(input.session_duration_minutes, 60)
        const organization = directory.organization(input.organization_id)
        const member = directory.member(organization, input.member_id)
        checkMfaMethodAllowed(organization, member, 'sms_otp')
        const credential = await mfaCredential(ctx, input, organization, member, true)
        if (!credential) throw new Error('unreachable: a required credential was not returned')
        state.locks.check(member, state.now())
        if (member.mfa_phone_number === '') throw phoneNotFound()
        state.smsOtps.consume(
          member.member_id,
          input.code,
          organization.organization_id,
          state.now(),
        )

        const now = state.now()
        member.mfa_phone_number_verified = true
        if (organization.mfa_policy === 'REQUIRED_FOR_ALL') member.mfa_enrolled = true
        else if (input.set_mfa_enrollment !== undefined) {
          member.mfa_enrolled = input.set_mfa_enrollment === 'enroll'
        }
        member.updated_at = now
        const factor = smsFactor(member, now)

        let session
        if (credential.kind === 'intermediate') {
          sessions.consumeIntermediate(credential.record)
          session = sessions.create(
            organization.organization_id,
            member.member_id,
            [credential.record.primary_factor, factor],
            duration,
            now,
          )
        } else {
          // Step-up: the SMS factor joins (or refreshes on) the existing session.
          session = credential.record
          refreshSession(session, factor, input.session_duration_minutes, now)
        }
        applyCustomClaims(session, input.session_custom_claims)
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
          ...(await sessionFields(ctx, session, organization, member)),
        }
      },
    },
  ]
}
