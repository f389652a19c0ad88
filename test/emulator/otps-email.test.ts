import { describe, expect, it } from 'vitest'
import { ACME, BETA, signInWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'

const harness = useEmulatorHarness()

function loginOrSignup(organization: string, email: string, extra: Record<string, unknown> = {}) {
  return harness.client.otps.email.loginOrSignup({
    organization_id: organization,
    email_address: email,
    ...extra,
  })
}

async function authenticate(
  organization: string,
  email: string,
  extra: Record<string, unknown> = {},
) {
  return harness.client.otps.email.authenticate({
    organization_id: organization,
    email_address: email,
    code: harness.emulator.lastCode(email)!,
    ...extra,
  })
}

describe('POST /v1/b2b/otps/email/login_or_signup', () => {
  describe('when the member exists', () => {
    it('sends a login code to the email address and creates nobody', async () => {
      const response = await loginOrSignup(ACME.slug, ACME.admin.email)
      expect(response).toMatchObject({
        status_code: 200,
        member_created: false,
        member: { email_address: ACME.admin.email, status: 'active' },
        organization: { organization_slug: ACME.slug, mfa_policy: 'REQUIRED_FOR_ALL' },
      })
      const [message, ...others] = harness.emulator.outbox()
      expect(others).toEqual([])
      expect(message).toEqual({
        channel: 'email',
        to: ACME.admin.email,
        code: expect.stringMatching(/^\d{6}$/) as unknown,
        organization_id: response.organization.organization_id,
        member_id: response.member_id,
        sent_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
      })
      const age = harness.emulator.now().getTime() - Date.parse(message!.sent_at)
      expect(age).toBeGreaterThanOrEqual(0)
      expect(age).toBeLessThan(2000)
    })

    it('accepts the organization id as well as the slug, and any case of the email', async () => {
      const { organization } = await loginOrSignup(ACME.slug, ACME.admin.email)
      const response = await loginOrSignup(organization.organization_id, 'ADMIN@acme.test')
      expect(response.member.email_address).toBe(ACME.admin.email)
      expect(harness.emulator.outbox({ to: 'Admin@Acme.test' })).toHaveLength(2)
    })
  })

  describe('when the email is unknown and its domain is provisioned just in time', () => {
    it('creates a pending member', async () => {
      const response = await loginOrSignup(ACME.slug, 'fresh@acme.test')
      expect(response.member_created).toBe(true)
      expect(response.member).toMatchObject({ email_address: 'fresh@acme.test', status: 'pending' })
      expect(response.member_id).toMatch(/^member-test-[0-9a-f-]{36}$/)
    })
  })

  describe('when the email is unknown and the organization does not provision by email', () => {
    it('answers 400 email_jit_provisioning_not_allowed and sends nothing', async () => {
      const error = await stytchError(loginOrSignup(BETA.slug, 'stranger@beta.test'))
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'email_jit_provisioning_not_allowed',
      })
      expect(harness.emulator.outbox()).toEqual([])
    })
  })

  describe("when the email is unknown and its domain is not in the organization's list", () => {
    it('answers 400 invalid_email_for_jit_provisioning', async () => {
      const error = await stytchError(loginOrSignup(ACME.slug, 'stranger@evil.test'))
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_email_for_jit_provisioning',
      })
    })
  })

  describe('when the email address is malformed', () => {
    it('answers 400 invalid_email', async () => {
      const error = await stytchError(loginOrSignup(ACME.slug, 'not an email'))
      expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_email' })
    })
  })

  describe('when the expiry is outside 2..15 minutes', () => {
    it('answers 400 invalid_expiration_otp', async () => {
      const error = await stytchError(
        loginOrSignup(ACME.slug, ACME.admin.email, { login_expiration_minutes: 16 }),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_expiration_otp' })
    })
  })

  describe('when the organization does not exist', () => {
    it('answers 404 organization_not_found', async () => {
      const error = await stytchError(loginOrSignup('nope', ACME.admin.email))
      expect(error).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
    })
  })

  describe('when a new code is sent', () => {
    it('invalidates the older codes to that address', async () => {
      await loginOrSignup(ACME.slug, ACME.admin.email)
      const old = harness.emulator.lastCode(ACME.admin.email)!
      await loginOrSignup(ACME.slug, ACME.admin.email)
      const error = await stytchError(authenticate(ACME.slug, ACME.admin.email, { code: old }))
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
      const ok = await authenticate(ACME.slug, ACME.admin.email)
      expect(ok.status_code).toBe(200)
    })
  })
})

describe('POST /v1/b2b/otps/email/authenticate', () => {
  describe('when the organization requires MFA and the member has a phone', () => {
    it('answers with an intermediate session, no session, and sends the SMS itself', async () => {
      await loginOrSignup(ACME.slug, ACME.admin.email)
      const response = await authenticate(ACME.slug, ACME.admin.email)
      expect(response).toMatchObject({
        status_code: 200,
        member_authenticated: false,
        session_token: '',
        session_jwt: '',
        member_session: null,
        primary_required: null,
        mfa_required: {
          member_options: { mfa_phone_number: ACME.admin.phone, totp_registration_id: '' },
          secondary_auth_initiated: 'sms_otp',
        },
      })
      expect(response.method_id).toMatch(/^member-email-test-/)
      expect(response.intermediate_session_token.length).toBeGreaterThanOrEqual(43)
      const expiresIn =
        Date.parse(response.intermediate_session_token_expires_at!) -
        harness.emulator.now().getTime()
      expect(expiresIn).toBeGreaterThan(9 * 60_000)
      expect(expiresIn).toBeLessThanOrEqual(10 * 60_000)
      expect(harness.emulator.outbox({ channel: 'sms' })).toMatchObject([
        { to: ACME.admin.phone, member_id: response.member_id },
      ])
      expect(harness.emulator.sessionsMinted()).toBe(0)
    })
  })

  describe('when the organization requires MFA and the member has no phone', () => {
    it('answers with an intermediate session and sends no SMS', async () => {
      await loginOrSignup(ACME.slug, ACME.newcomer.email)
      const response = await authenticate(ACME.slug, ACME.newcomer.email)
      expect(response).toMatchObject({
        member_authenticated: false,
        mfa_required: { member_options: null, secondary_auth_initiated: null },
      })
      expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
    })
  })

  describe('when MFA is optional and the member is enrolled', () => {
    it('asks for MFA too', async () => {
      await loginOrSignup(BETA.slug, BETA.enrolled.email)
      const response = await authenticate(BETA.slug, BETA.enrolled.email)
      expect(response.member_authenticated).toBe(false)
      expect(response.mfa_required?.secondary_auth_initiated).toBe('sms_otp')
    })
  })

  describe('when MFA is optional and the member is not enrolled', () => {
    it('answers with a full session carrying the email factor', async () => {
      await loginOrSignup(BETA.slug, BETA.plain.email)
      const response = await authenticate(BETA.slug, BETA.plain.email, {
        session_duration_minutes: 30,
      })
      expect(response).toMatchObject({
        member_authenticated: true,
        intermediate_session_token: '',
        mfa_required: null,
        primary_required: null,
        member_session: {
          member_id: response.member_id,
          organization_slug: BETA.slug,
          roles: ['stytch_member'],
          custom_claims: {},
          authentication_factors: [
            {
              type: 'email_otp',
              delivery_method: 'email',
              email_factor: { email_address: BETA.plain.email, email_id: response.method_id },
            },
          ],
        },
      })
      const session = response.member_session!
      expect(Date.parse(session.expires_at) - Date.parse(session.started_at)).toBe(30 * 60_000)
      const local = await harness.client.sessions.authenticateJwtLocal({
        session_jwt: response.session_jwt,
      })
      expect(local.member_session_id).toBe(session.member_session_id)
      expect(harness.emulator.sessionsMinted()).toBe(1)
    })
  })

  describe('when the member was pending', () => {
    it('makes the member active', async () => {
      await loginOrSignup(ACME.slug, 'fresh@acme.test')
      const response = await authenticate(ACME.slug, 'fresh@acme.test')
      expect(response.member.status).toBe('active')
      expect(response.member.email_address_verified).toBe(true)
    })
  })

  describe('when the code is wrong', () => {
    it('answers 404 otp_code_not_found', async () => {
      await loginOrSignup(ACME.slug, ACME.admin.email)
      const error = await stytchError(authenticate(ACME.slug, ACME.admin.email, { code: '000000' }))
      expect(error).toMatchObject({ status_code: 404, error_type: 'otp_code_not_found' })
    })
  })

  describe('when the code was already used', () => {
    it('answers 401 unable_to_auth_otp_code', async () => {
      await loginOrSignup(ACME.slug, ACME.admin.email)
      await authenticate(ACME.slug, ACME.admin.email)
      const error = await stytchError(authenticate(ACME.slug, ACME.admin.email))
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
    })
  })

  describe('when the code has expired', () => {
    it('answers 401 unable_to_auth_otp_code after the default 10 minutes', async () => {
      await loginOrSignup(ACME.slug, ACME.admin.email)
      harness.emulator.advanceClock(600)
      const error = await stytchError(authenticate(ACME.slug, ACME.admin.email))
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
    })

    it('honours login_expiration_minutes', async () => {
      await loginOrSignup(ACME.slug, ACME.admin.email, { login_expiration_minutes: 2 })
      harness.emulator.advanceClock(119)
      await loginOrSignup(ACME.slug, ACME.verified.email, { login_expiration_minutes: 2 })
      harness.emulator.advanceClock(1)
      const error = await stytchError(authenticate(ACME.slug, ACME.admin.email))
      expect(error.error_type).toBe('unable_to_auth_otp_code')
      const ok = await authenticate(ACME.slug, ACME.verified.email)
      expect(ok.status_code).toBe(200)
    })
  })

  describe('when a session of the same member is passed', () => {
    it('refreshes the email factor on it instead of asking for MFA again', async () => {
      const signedIn = await signInWithSdk(harness, ACME.slug, ACME.admin.email, ACME.admin.phone)
      harness.emulator.advanceClock(60)
      await loginOrSignup(ACME.slug, ACME.admin.email)
      const response = await authenticate(ACME.slug, ACME.admin.email, {
        session_token: signedIn.session_token,
      })
      expect(response.member_authenticated).toBe(true)
      expect(response.session_token).toBe(signedIn.session_token)
      const factors = response.member_session!.authentication_factors
      expect(factors.map((factor) => factor.type)).toEqual(['email_otp', 'otp'])
      expect(factors[0]!.last_authenticated_at).not.toBe(factors[0]!.created_at)
      expect(harness.emulator.sessionsMinted()).toBe(1)
    })
  })

  describe('when a session of another member is passed', () => {
    it('answers 400 member_session_member_id_mismatch and keeps the code usable', async () => {
      const other = await signInWithSdk(
        harness,
        ACME.slug,
        ACME.verified.email,
        ACME.verified.phone,
      )
      await loginOrSignup(ACME.slug, ACME.admin.email)
      const error = await stytchError(
        authenticate(ACME.slug, ACME.admin.email, { session_token: other.session_token }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'member_session_member_id_mismatch',
      })
      const ok = await authenticate(ACME.slug, ACME.admin.email)
      expect(ok.status_code).toBe(200)
    })
  })

  describe('when the email has no member in the organization', () => {
    it('answers 404 otp_code_not_found', async () => {
      const error = await stytchError(
        authenticate(BETA.slug, 'ghost@beta.test', { code: '123456' }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'otp_code_not_found' })
    })
  })

  describe('when session_duration_minutes is out of range', () => {
    it('answers 400 invalid_session_duration_minutes', async () => {
      await loginOrSignup(BETA.slug, BETA.plain.email)
      const error = await stytchError(
        authenticate(BETA.slug, BETA.plain.email, { session_duration_minutes: 4 }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_session_duration_minutes',
      })
    })
  })
})
