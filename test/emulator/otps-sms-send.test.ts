import type { B2BClient } from 'stytch'
import { describe, expect, it } from 'vitest'
import {
  ACME,
  emailStepWithSdk,
  signInWithSdk,
  stytchError,
  useEmulatorHarness,
} from '../helpers/emulator.js'

const harness = useEmulatorHarness()

type SmsSend = Parameters<B2BClient['otps']['sms']['send']>[0]

/** `email`'s login at Acme, past the email step. */
function loginOf(email: string) {
  return emailStepWithSdk(harness, ACME.slug, email)
}

/** The error the emulator answers a send of `email`'s login with, `fields` added. */
async function refusedSend(email: string, fields: Partial<SmsSend>) {
  const { smsStep } = await loginOf(email)
  return stytchError(harness.client.otps.sms.send({ ...smsStep, ...fields }))
}

describe('POST /v1/b2b/otps/sms/send', () => {
  describe('when the member has a phone and passes its intermediate session', () => {
    it("sends a new 6-digit code to the member's phone", async () => {
      const { organizationId, memberId, smsStep } = await loginOf(ACME.admin.email)
      const response = await harness.client.otps.sms.send(smsStep)
      expect(response).toMatchObject({
        status_code: 200,
        member_id: memberId,
        member: { mfa_phone_number: ACME.admin.phone },
        organization: { organization_slug: ACME.slug },
      })
      expect(response.request_id).toMatch(/^request-id-test-/)
      const sent = harness.emulator.outbox({ channel: 'sms', to: ACME.admin.phone })
      expect(sent).toHaveLength(2) // the automatic one, then this one
      expect(sent[1]).toMatchObject({ organization_id: organizationId, member_id: memberId })
      expect(sent[1]?.code).toMatch(/^\d{6}$/)
    })

    it('invalidates the code sent before it', async () => {
      const { smsStep } = await loginOf(ACME.admin.email)
      const oldCode = harness.emulator.lastCode(ACME.admin.phone)!
      await harness.client.otps.sms.send(smsStep)
      const newCode = harness.emulator.lastCode(ACME.admin.phone)!
      expect(newCode).not.toBe(oldCode)
      const error = await stytchError(
        harness.client.otps.sms.authenticate({ ...smsStep, code: oldCode }),
      )
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
      const ok = await harness.client.otps.sms.authenticate({ ...smsStep, code: newCode })
      expect(ok.status_code).toBe(200)
    })

    it('accepts every locale of the SDK types, e.g. ja', async () => {
      const { smsStep } = await loginOf(ACME.admin.email)
      const response = await harness.client.otps.sms.send({ ...smsStep, locale: 'ja' })
      expect(response.status_code).toBe(200)
    })
  })

  describe('when the member has no phone yet', () => {
    it('enrols the mfa_phone_number it is given, unverified, and sends the code there', async () => {
      const { smsStep } = await loginOf(ACME.newcomer.email)
      const response = await harness.client.otps.sms.send({
        ...smsStep,
        mfa_phone_number: '+33612345678',
      })
      expect(response.member).toMatchObject({
        mfa_phone_number: '+33612345678',
        mfa_phone_number_verified: false,
      })
      expect(harness.emulator.lastCode('+33612345678')).toMatch(/^\d{6}$/)
    })

    it.each([
      ['member_phone_number_not_found', 'without a number', {}],
      [
        'invalid_phone_number',
        'for a number that is not E.164',
        { mfa_phone_number: '0612345678' },
      ],
      [
        'duplicate_member_phone_number',
        "for another member's number",
        { mfa_phone_number: ACME.admin.phone },
      ],
    ] as const)('answers 400 %s %s', async (errorType, _which, fields) => {
      const error = await refusedSend(ACME.newcomer.email, fields)
      expect(error).toMatchObject({ status_code: 400, error_type: errorType })
      expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
    })
  })

  describe("when mfa_phone_number differs from the member's phone", () => {
    it('answers 400 invalid_phone_number and sends nothing new', async () => {
      const error = await refusedSend(ACME.admin.email, { mfa_phone_number: '+447700900123' })
      expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_phone_number' })
      expect(harness.emulator.outbox({ channel: 'sms' })).toHaveLength(1)
    })
  })

  describe('when the member already has a verified phone', () => {
    it('answers 400 no_associated_session_passed_in without an intermediate session or session', async () => {
      const { organizationId, memberId } = await loginOf(ACME.verified.email)
      const error = await stytchError(
        harness.client.otps.sms.send({ organization_id: organizationId, member_id: memberId }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'no_associated_session_passed_in',
      })
    })

    it('sends for a session of that member (step-up)', async () => {
      const session = await signInWithSdk(
        harness,
        ACME.slug,
        ACME.verified.email,
        ACME.verified.phone,
      )
      const response = await harness.client.otps.sms.send({
        organization_id: session.organization.organization_id,
        member_id: session.member_id,
        session_token: session.session_token,
      })
      expect(response.status_code).toBe(200)
    })

    it('answers 400 member_session_member_id_mismatch for a session of another member', async () => {
      const other = await signInWithSdk(harness, ACME.slug, ACME.admin.email, ACME.admin.phone)
      const { organizationId, memberId } = await loginOf(ACME.verified.email)
      const error = await stytchError(
        harness.client.otps.sms.send({
          organization_id: organizationId,
          member_id: memberId,
          session_token: other.session_token,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'member_session_member_id_mismatch',
      })
    })
  })

  describe('when the intermediate session belongs to another member', () => {
    it('answers 400 member_session_member_id_mismatch', async () => {
      const admin = await loginOf(ACME.admin.email)
      const newcomer = await loginOf(ACME.newcomer.email)
      const error = await stytchError(
        harness.client.otps.sms.send({
          ...admin.smsStep,
          intermediate_session_token: newcomer.ist,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'member_session_member_id_mismatch',
      })
    })
  })

  describe('when the intermediate session is unknown', () => {
    it('answers 404 intermediate_session_not_found', async () => {
      const error = await refusedSend(ACME.admin.email, {
        intermediate_session_token: 'not-an-ist',
      })
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })
  })

  describe('when the locale is not one Stytch lists', () => {
    it('answers 400 invalid_locale', async () => {
      const error = await refusedSend(ACME.admin.email, { locale: 'xx' })
      expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_locale' })
    })
  })

  describe('when the organization or member does not exist', () => {
    it('answers 404 organization_not_found', async () => {
      const error = await stytchError(
        harness.client.otps.sms.send({
          organization_id: 'organization-test-nope',
          member_id: 'member-test-nope',
        }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
    })

    it('answers 404 member_not_found', async () => {
      const error = await stytchError(
        harness.client.otps.sms.send({ organization_id: ACME.slug, member_id: 'member-test-nope' }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
    })
  })

  describe('when a required field is missing', () => {
    it('answers 400 bad_request naming the field', async () => {
      const error = await stytchError(
        harness.client.otps.sms.send({ organization_id: ACME.slug } as never),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'bad_request' })
      expect(error.error_message).toContain('member_id')
    })
  })
})
