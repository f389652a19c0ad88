import { describe, expect, it } from 'vitest'
import {
  ACME,
  BETA,
  emailStepWithSdk,
  signInWithSdk,
  stytchError,
  useEmulatorHarness,
} from '../helpers/emulator.js'

const harness = useEmulatorHarness()

/** The admin's login past the email step, with the SMS code Stytch sent for it. */
async function adminAtSmsStep() {
  const login = await emailStepWithSdk(harness, ACME.slug, ACME.admin.email)
  return { ...login, code: harness.emulator.lastCode(ACME.admin.phone)! }
}

describe('POST /v1/b2b/otps/sms/authenticate', () => {
  describe('with a valid intermediate session and code', () => {
    it('returns a new session carrying the email and SMS factors', async () => {
      const { organizationId, memberId, smsStep, code } = await adminAtSmsStep()
      const response = await harness.client.otps.sms.authenticate({ ...smsStep, code })
      expect(response.session_token.length).toBeGreaterThanOrEqual(43)
      expect(response.session_jwt.split('.')).toHaveLength(3)
      expect(response.member).toMatchObject({ mfa_phone_number_verified: true, mfa_enrolled: true })
      const session = response.member_session!
      expect(session.member_session_id).toMatch(/^member-session-test-/)
      expect(session).toMatchObject({
        member_id: memberId,
        organization_id: organizationId,
        organization_slug: ACME.slug,
      })
      expect(session.authentication_factors).toMatchObject([
        {
          type: 'email_otp',
          delivery_method: 'email',
          email_factor: { email_address: ACME.admin.email },
        },
        {
          type: 'otp',
          delivery_method: 'sms',
          phone_number_factor: { phone_number: ACME.admin.phone },
        },
      ])
      expect(session.roles).toEqual(['stytch_member', 'stytch_admin'])
      expect(harness.emulator.sessionsMinted()).toBe(1)
    })

    it('consumes the intermediate session: it cannot be used twice', async () => {
      const { smsStep, code } = await adminAtSmsStep()
      await harness.client.otps.sms.authenticate({ ...smsStep, code })
      const error = await stytchError(harness.client.otps.sms.send(smsStep))
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
      expect(harness.emulator.sessionsMinted()).toBe(1)
    })

    it('lasts session_duration_minutes (default 60)', async () => {
      const { smsStep, code } = await adminAtSmsStep()
      const response = await harness.client.otps.sms.authenticate({ ...smsStep, code })
      const session = response.member_session!
      const minutes = (Date.parse(session.expires_at) - Date.parse(session.started_at)) / 60_000
      expect(minutes).toBe(60)
    })
  })

  describe('when the code is wrong', () => {
    it('answers 404 otp_code_not_found and leaves the active code usable', async () => {
      const { smsStep, code: right } = await adminAtSmsStep()
      const wrong = '000000' // the harness's codes start at 100000
      const error = await stytchError(
        harness.client.otps.sms.authenticate({ ...smsStep, code: wrong }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'otp_code_not_found' })
      expect(error.error_url).toBe(
        'https://stytch.com/docs/api-reference/b2b/api/errors/404#otp_code_not_found',
      )
      const ok = await harness.client.otps.sms.authenticate({ ...smsStep, code: right })
      expect(ok.status_code).toBe(200)
    })
  })

  describe('when the code is older than 2 minutes', () => {
    it('still works at 1:59', async () => {
      const { smsStep, code } = await adminAtSmsStep()
      harness.emulator.advanceClock(119)
      const ok = await harness.client.otps.sms.authenticate({ ...smsStep, code })
      expect(ok.status_code).toBe(200)
    })

    it('answers 401 unable_to_auth_otp_code at 2:00', async () => {
      const { smsStep, code } = await adminAtSmsStep()
      harness.emulator.advanceClock(120)
      const error = await stytchError(harness.client.otps.sms.authenticate({ ...smsStep, code }))
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
    })
  })

  describe('when the intermediate session is older than 10 minutes', () => {
    it('answers 404 intermediate_session_not_found', async () => {
      const { smsStep, code } = await adminAtSmsStep()
      harness.emulator.advanceClock(600)
      const error = await stytchError(harness.client.otps.sms.authenticate({ ...smsStep, code }))
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })
  })

  describe('when the code was already used', () => {
    it('answers 401 unable_to_auth_otp_code', async () => {
      const session = await signInWithSdk(harness, ACME.slug, ACME.admin.email, ACME.admin.phone)
      const error = await stytchError(
        harness.client.otps.sms.authenticate({
          organization_id: session.organization.organization_id,
          member_id: session.member_id,
          session_token: session.session_token,
          code: harness.emulator.lastCode(ACME.admin.phone)!,
        }),
      )
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
    })
  })

  describe('when no intermediate session or session is passed', () => {
    it('answers 400 no_associated_session_passed_in', async () => {
      const { organizationId, memberId, code } = await adminAtSmsStep()
      const error = await stytchError(
        harness.client.otps.sms.authenticate({
          organization_id: organizationId,
          member_id: memberId,
          code,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'no_associated_session_passed_in',
      })
    })
  })

  describe('when both an intermediate session and a session token are passed', () => {
    it('answers 400 too_many_session_arguments', async () => {
      const session = await signInWithSdk(harness, ACME.slug, ACME.admin.email, ACME.admin.phone)
      const { ist, code } = await adminAtSmsStep()
      const error = await stytchError(
        harness.client.otps.sms.authenticate({
          organization_id: session.organization.organization_id,
          member_id: session.member_id,
          intermediate_session_token: ist,
          session_token: session.session_token,
          code,
        }),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'too_many_session_arguments' })
    })
  })

  describe('when the intermediate session belongs to another organization', () => {
    it('answers 400 invalid_intermediate_session_token_for_organization', async () => {
      const beta = await emailStepWithSdk(harness, BETA.slug, BETA.enrolled.email)
      const { smsStep, code } = await adminAtSmsStep()
      const error = await stytchError(
        harness.client.otps.sms.authenticate({
          ...smsStep,
          intermediate_session_token: beta.ist,
          code,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_intermediate_session_token_for_organization',
      })
    })
  })

  describe('with a session token (step-up)', () => {
    it('adds the SMS factor to the existing session instead of minting one', async () => {
      const email = await emailStepWithSdk(harness, BETA.slug, BETA.plain.email)
      const { session_token: token, member_session: before } = email.response
      expect(before?.authentication_factors.map((factor) => factor.type)).toEqual(['email_otp'])
      const step = {
        organization_id: email.organizationId,
        member_id: email.memberId,
        session_token: token,
      }
      await harness.client.otps.sms.send({ ...step, mfa_phone_number: '+12025550199' })
      const response = await harness.client.otps.sms.authenticate({
        ...step,
        code: harness.emulator.lastCode('+12025550199')!,
      })
      expect(response.session_token).toBe(token)
      expect(response.member_session?.member_session_id).toBe(before?.member_session_id)
      expect(
        response.member_session?.authentication_factors.map(
          (f) => `${f.type}/${f.delivery_method}`,
        ),
      ).toEqual(['email_otp/email', 'otp/sms'])
      expect(response.member.mfa_enrolled).toBe(false) // OPTIONAL policy, no set_mfa_enrollment
      expect(harness.emulator.sessionsMinted()).toBe(1)
    })

    it('enrols the member when set_mfa_enrollment is enroll', async () => {
      const email = await emailStepWithSdk(harness, BETA.slug, BETA.plain.email)
      const step = {
        organization_id: email.organizationId,
        member_id: email.memberId,
        session_jwt: email.response.session_jwt,
      }
      await harness.client.otps.sms.send({ ...step, mfa_phone_number: '+12025550198' })
      const response = await harness.client.otps.sms.authenticate({
        ...step,
        code: harness.emulator.lastCode('+12025550198')!,
        set_mfa_enrollment: 'enroll',
      })
      expect(response.member).toMatchObject({ mfa_enrolled: true, mfa_phone_number_verified: true })
    })
  })
})
