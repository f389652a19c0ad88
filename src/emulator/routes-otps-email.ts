/** @module Email OTP, the primary factor: login_or_signup and authenticate. */
import { STYTCH_EMAIL_LOCALES } from '../stytch/locales.js'
import { memberMismatch, sessionFields, sessionFrom } from './credentials.js'
import { badRequest, otpCodeNotFound } from './errors.js'
import { rfc3339 } from './ids.js'
import type { FactorRecord, MemberRecord, OrganizationRecord } from './records.js'
import type { EmulatorContext, Route } from './router.js'
import {
  checkEmail,
  checkLocale,
  emailAuthenticateBody,
  emailLoginOrSignupBody,
  otpMinutes,
  parseBody,
  sessionMinutes,
} from './schemas.js'
import { memberJson, organizationJson } from './serialize.js'
import { refreshSession } from './state-sessions.js'

/** Checks that the organization provisions this unknown email just in time. */
function checkJitAllowed(organization: OrganizationRecord, email: string): void {
  // inferred: 400 and both types below.
  if (organization.email_jit_provisioning !== 'RESTRICTED') {
    throw badRequest(
      'email_jit_provisioning_not_allowed',
      '((No member has this email, and the organization does not provision members by email.))',
    )
  }
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase()
  if (!organization.email_allowed_domains.includes(domain)) {
    throw badRequest(
      'invalid_email_for_jit_provisioning',
      '((No member has this email, and its domain is not in email_allowed_domains.))',
    )
  }
}

/** `login_or_signup` and `authenticate`, which hands over to MFA when the member needs it. */
export function emailOtpRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory, sessions } = state

  /** The part of the authenticate answer that says "MFA first". */
  function mfaPending(
    organization: OrganizationRecord,
    member: MemberRecord,
    factor: FactorRecord,
  ) {
    const ist = sessions.createIntermediate(
      organization.organization_id,
      member.member_id,
      factor,
      state.now(),
    )
    const hasPhone = member.mfa_phone_number !== ''
    // inferred: the SMS goes out automatically whenever the member has a phone.
    if (hasPhone) state.sendSmsCode(organization, member)
    return {
      member_authenticated: false,
      session_token: '',
      session_jwt: '',
      member_session: null,
      intermediate_session_token: ist.token,
      intermediate_session_token_expires_at: rfc3339(ist.expires_at),
      mfa_required: {
        member_options: hasPhone
          ? { mfa_phone_number: member.mfa_phone_number, totp_registration_id: '' }
          : null,
        secondary_auth_initiated: hasPhone ? 'sms_otp' : null,
      },
      primary_required: null,
    }
  }

  return [
    {
      method: 'POST',
      path: '/v1/b2b/otps/email/login_or_signup',
      access: 'api',
      handle: ({ body }) => {
        const input = parseBody(emailLoginOrSignupBody, body)
        checkLocale(input.locale, STYTCH_EMAIL_LOCALES)
        const loginMinutes = otpMinutes(input.login_expiration_minutes)
        const signupMinutes = otpMinutes(input.signup_expiration_minutes)
        const organization = directory.organization(input.organization_id)
        checkEmail(input.email_address)
        let member = directory.memberByEmail(organization, input.email_address)
        const created = member === undefined
        if (!member) {
          checkJitAllowed(organization, input.email_address)
          member = directory.createMember(organization, {
            email_address: input.email_address,
            status: 'pending',
          })
        }
        const minutes = member.status === 'active' ? loginMinutes : signupMinutes
        state.sendEmailCode(organization, member, minutes)
        return {
          member_id: member.member_id,
          member_created: created,
          member: memberJson(member),
          organization: organizationJson(organization),
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/otps/email/authenticate',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(emailAuthenticateBody, body)
        checkLocale(input.locale, STYTCH_EMAIL_LOCALES)
        const duration = sessionMinutes(input.session_duration_minutes, 60)
        if (input.intermediate_session_token) {
          throw badRequest(
            'bad_request',
            '((The emulator does not support intermediate_session_token on this route.))',
          )
        }
        const organization = directory.organization(input.organization_id)
        const existing =
          input.session_token || input.session_jwt ? await sessionFrom(ctx, input) : undefined
        // Codes only ever go to members, so an unknown address cannot hold one.
        const member = directory.memberByEmail(organization, input.email_address)
        if (!member) throw otpCodeNotFound()
        if (existing && existing.member_id !== member.member_id) throw memberMismatch()
        state.emailOtps.consume(
          member.email_address,
          input.code,
          organization.organization_id,
          state.now(),
        )

        const now = state.now()
        member.status = 'active'
        member.updated_at = now
        const factor: FactorRecord = {
          kind: 'email_otp',
          email_id: member.email_id,
          email_address: member.email_address,
          created_at: now,
          last_authenticated_at: now,
        }
        const head = {
          member_id: member.member_id,
          method_id: member.email_id,
          organization_id: organization.organization_id,
        }
        const needsMfa = organization.mfa_policy === 'REQUIRED_FOR_ALL' || member.mfa_enrolled
        // A live session of the member already carries its earlier factors: no MFA step.
        if (needsMfa && !existing) {
          const pending = mfaPending(organization, member, factor)
          return {
            ...head,
            member: memberJson(member),
            organization: organizationJson(organization),
            ...pending,
          }
        }
        let session
        if (existing) {
          refreshSession(existing, factor, input.session_duration_minutes, now)
          session = existing
        } else {
          session = sessions.create(head.organization_id, head.member_id, [factor], duration, now)
        }
        return {
          ...head,
          member: memberJson(member),
          organization: organizationJson(organization),
          member_authenticated: true,
          ...(await sessionFields(ctx, session, organization, member)),
          intermediate_session_token: '',
          mfa_required: null,
          primary_required: null,
        }
      },
    },
  ]
}
