import { describe, expect, it } from 'vitest'
import { emailStepWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import { signInWithSms, signInWithTotp } from '../helpers/emulator-mfa.js'
import { DELTA, GAMMA, mfaSeed } from '../helpers/mfa-seed.js'

const harness = useEmulatorHarness(mfaSeed)

describe("mfa_required after the email step: the member's options", () => {
  it('names the authenticator app and sends no SMS for a member with an app only', async () => {
    const { response } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    expect(response.member.totp_registration_id).toMatch(/^member-totp-test-/)
    expect(response.mfa_required).toEqual({
      member_options: {
        mfa_phone_number: '',
        totp_registration_id: response.member.totp_registration_id,
      },
      secondary_auth_initiated: null,
    })
    expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
  })

  it('names both factors and sends the SMS for a member who prefers SMS', async () => {
    const { response } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.both.email)
    expect(response.member.default_mfa_method).toBe('sms_otp')
    expect(response.mfa_required).toEqual({
      member_options: {
        mfa_phone_number: GAMMA.both.phone,
        totp_registration_id: response.member.totp_registration_id,
      },
      secondary_auth_initiated: 'sms_otp',
    })
    expect(harness.emulator.lastCode(GAMMA.both.phone)).toMatch(/^\d{6}$/)
  })

  it('sends no SMS once the member makes the app the default (set_default_mfa)', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.both.email)
    const session = await harness.client.totps.authenticate({
      ...smsStep,
      code: harness.emulator.totpCode(GAMMA.both.email),
      set_default_mfa: true,
    })
    expect(session.member.default_mfa_method).toBe('totp')
    const sent = harness.emulator.outbox({ channel: 'sms' }).length
    const { response } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.both.email)
    expect(response.mfa_required?.secondary_auth_initiated).toBeNull()
    expect(harness.emulator.outbox({ channel: 'sms' })).toHaveLength(sent)
  })

  it('says nothing for a member with no factor, who must enrol one', async () => {
    const { response } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
    expect(response.mfa_required).toEqual({ member_options: null, secondary_auth_initiated: null })
  })
})

describe('an organization that allows only authenticator apps (mfa_methods RESTRICTED)', () => {
  it('offers a member with only a phone nothing and sends no SMS', async () => {
    const { response } = await emailStepWithSdk(harness, DELTA.slug, DELTA.phone.email)
    expect(response.member_authenticated).toBe(false)
    expect(response.mfa_required).toEqual({ member_options: null, secondary_auth_initiated: null })
    expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
  })

  it('refuses sms.send: 403 operation_restricted_by_organization_mfa_methods', async () => {
    const { smsStep } = await emailStepWithSdk(harness, DELTA.slug, DELTA.phone.email)
    const error = await stytchError(harness.client.otps.sms.send(smsStep))
    expect(error).toMatchObject({
      status_code: 403,
      error_type: 'operation_restricted_by_organization_mfa_methods',
    })
    expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
  })

  it('refuses sms.authenticate too', async () => {
    const { smsStep } = await emailStepWithSdk(harness, DELTA.slug, DELTA.phone.email)
    const error = await stytchError(
      harness.client.otps.sms.authenticate({ ...smsStep, code: '123456' }),
    )
    expect(error.error_type).toBe('operation_restricted_by_organization_mfa_methods')
  })

  it('lets the phone-only member enrol an app with the intermediate session alone', async () => {
    const { smsStep } = await emailStepWithSdk(harness, DELTA.slug, DELTA.phone.email)
    await harness.client.totps.create(smsStep)
    const session = await harness.client.totps.authenticate({
      ...smsStep,
      code: harness.emulator.totpCode(DELTA.phone.email),
    })
    expect(session.member_session?.authentication_factors.map((factor) => factor.type)).toEqual([
      'email_otp',
      'totp',
    ])
  })

  it('signs in a member with an app', async () => {
    const session = await signInWithTotp(harness, DELTA.slug, DELTA.app.email)
    expect(session.member_session?.organization_slug).toBe(DELTA.slug)
  })

  it('exempts breakglass members: their SMS still goes out and works', async () => {
    const session = await signInWithSms(harness, DELTA.slug, DELTA.glass.email, DELTA.glass.phone)
    expect(session.member_session?.authentication_factors.map((factor) => factor.type)).toEqual([
      'email_otp',
      'otp',
    ])
  })
})

describe('adding an SMS phone when the member already has an app', () => {
  it('refuses with only the intermediate session: 400 insufficient_factors', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const error = await stytchError(
      harness.client.otps.sms.send({ ...smsStep, mfa_phone_number: '+12025550299' }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'insufficient_factors' })
  })

  it('refuses with no credential at all: 400 no_associated_session_passed_in', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const error = await stytchError(
      harness.client.otps.sms.send({
        organization_id: smsStep.organization_id,
        member_id: smsStep.member_id,
        mfa_phone_number: '+12025550299',
      }),
    )
    expect(error.error_type).toBe('no_associated_session_passed_in')
  })

  it('accepts a session that carries the app', async () => {
    const session = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    const sent = await harness.client.otps.sms.send({
      organization_id: session.organization.organization_id,
      member_id: session.member_id,
      session_token: session.session_token,
      mfa_phone_number: '+12025550299',
    })
    expect(sent.member.mfa_phone_number).toBe('+12025550299')
  })
})
