/** @module Email OTP, the primary factor: login_or_signup and authenticate. */
import { STYTCH_EMAIL_LOCALES } from '../core/ports/stytch.js'
import { memberMismatch, sessionFields, sessionFrom } from './credentials.js'
import { intermediateForPrimary } from './credentials-intermediate.js'
import { mergeCustomClaims } from './custom-claims.js'
import { badRequest, otpCodeNotFound } from './errors.js'
import { mfaPendingFields, needsMfa } from './mfa-required.js'
import type { FactorRecord, OrganizationRecord } from './records.js'
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
import { memberJsonIn, organizationJson } from './serialize.js'
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
          member: memberJsonIn(organization, member),
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
        const organization = directory.organization(input.organization_id)
        const existing =
          input.session_token || input.session_jwt ? await sessionFrom(ctx, input) : undefined
        // Codes only ever go to members, so an unknown address cannot hold one.
        const member = directory.memberByEmail(organization, input.email_address)
        if (!member) throw otpCodeNotFound()
        if (existing && existing.member_id !== member.member_id) throw memberMismatch()
        const passedIst = input.intermediate_session_token
          ? intermediateForPrimary(
              state,
              input.intermediate_session_token,
              organization,
              member,
              existing,
            )
          : undefined
        const claims = mergeCustomClaims(existing?.custom_claims ?? {}, input.session_custom_claims)
        state.locks.check(member, state.now())
        state.emailOtps.consume(
          member.email_address,
          input.code,
          organization.organization_id,
          state.now(),
        )

        const now = state.now()
        // inferred: the passed IST is used up; a new one follows if MFA is still needed.
        if (passedIst) sessions.consumeIntermediate(passedIst)
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
        // A live session of the member already carries its earlier factors: no MFA step.
        if (needsMfa(organization, member) && !existing) {
          const ist = sessions.createIntermediate(
            organization.organization_id,
            member.member_id,
            factor,
            now,
          )
          const pending = mfaPendingFields(state, organization, member, ist)
          return {
            ...head,
            member: memberJsonIn(organization, member),
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
        session.custom_claims = claims
        return {
          ...head,
          member: memberJsonIn(organization, member),
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
