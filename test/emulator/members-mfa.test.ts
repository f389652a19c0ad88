import { describe, expect, it } from 'vitest'
import { emailStepWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import { signInWithSms, signInWithTotp } from '../helpers/emulator-mfa.js'
import { GAMMA, RECOVERY, mfaSeed } from '../helpers/mfa-seed.js'

const harness = useEmulatorHarness(mfaSeed)

async function ids(email: string) {
  const { member_id, organization } = await harness.client.organizations.members.get({
    organization_id: GAMMA.slug,
    email_address: email,
  })
  return { organization_id: organization.organization_id, member_id }
}

describe('DELETE …/members/mfa_phone_numbers/{member_id} (members.deleteMFAPhoneNumber)', () => {
  it('removes the phone and leaves the authenticator app as the default', async () => {
    const response = await harness.client.organizations.members.deleteMFAPhoneNumber(
      await ids(GAMMA.both.email),
    )
    expect(response.member).toMatchObject({
      mfa_phone_number: '',
      mfa_phone_number_verified: false,
      default_mfa_method: 'totp',
    })
    const { response: login } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.both.email)
    expect(login.mfa_required).toMatchObject({
      member_options: { mfa_phone_number: '', totp_registration_id: expect.any(String) },
      secondary_auth_initiated: null,
    })
  })

  it('does not revoke the sessions the phone opened', async () => {
    const session = await signInWithSms(harness, GAMMA.slug, GAMMA.phone.email, GAMMA.phone.phone)
    await harness.client.organizations.members.deleteMFAPhoneNumber(await ids(GAMMA.phone.email))
    const still = await harness.client.sessions.authenticate({
      session_token: session.session_token,
    })
    expect(still.member_session.authentication_factors.map((factor) => factor.type)).toContain(
      'otp',
    )
  })

  it('withdraws a code already sent to the removed phone', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.phone.email)
    const code = harness.emulator.lastCode(GAMMA.phone.phone)!
    await harness.client.organizations.members.deleteMFAPhoneNumber(smsStep)
    await harness.client.organizations.members.update({
      ...smsStep,
      mfa_phone_number: GAMMA.phone.phone,
    })
    const error = await stytchError(harness.client.otps.sms.authenticate({ ...smsStep, code }))
    expect(error.error_type).toBe('unable_to_auth_otp_code')
  })

  it('makes the member enrol a phone again before SMS works', async () => {
    const member = await ids(GAMMA.phone.email)
    await harness.client.organizations.members.deleteMFAPhoneNumber(member)
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.phone.email)
    const error = await stytchError(harness.client.otps.sms.send(smsStep))
    expect(error.error_type).toBe('member_phone_number_not_found')
  })

  it('answers 400 member_phone_number_not_found for a member without a phone', async () => {
    const error = await stytchError(
      harness.client.organizations.members.deleteMFAPhoneNumber(await ids(GAMMA.app.email)),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'member_phone_number_not_found' })
  })

  it('refuses a member of another organization: 404 member_not_found', async () => {
    const { member_id } = await ids(GAMMA.phone.email)
    const error = await stytchError(
      harness.client.organizations.members.deleteMFAPhoneNumber({
        organization_id: 'delta',
        member_id,
      }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
  })
})

describe('DELETE …/members/{member_id}/totp (members.deleteTOTP)', () => {
  it('removes the app and its recovery codes; the phone becomes the default', async () => {
    const member = await ids(GAMMA.both.email)
    const response = await harness.client.organizations.members.deleteTOTP(member)
    expect(response.member).toMatchObject({
      totp_registration_id: '',
      default_mfa_method: 'sms_otp',
    })
    const error = await stytchError(harness.client.recoveryCodes.get(member))
    expect(error.error_type).toBe('no_active_recovery_code_backed_factor')
  })

  it('does not revoke the sessions the app opened, but the app no longer signs in', async () => {
    const session = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    await harness.client.organizations.members.deleteTOTP(await ids(GAMMA.app.email))
    const still = await harness.client.sessions.authenticate({ session_jwt: session.session_jwt })
    expect(still.member_session.authentication_factors.map((factor) => factor.type)).toContain(
      'totp',
    )
    const { smsStep, response } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    expect(response.mfa_required?.member_options).toBeNull()
    harness.emulator.advanceClock(30)
    const error = await stytchError(
      harness.client.totps.authenticate({ ...smsStep, code: '123456' }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'totp_not_found' })
    const recover = await stytchError(
      harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: RECOVERY[0] }),
    )
    expect(recover.error_type).toBe('no_active_recovery_code_backed_factor')
  })

  it('lets the member enrol a new app afterwards', async () => {
    await harness.client.organizations.members.deleteTOTP(await ids(GAMMA.app.email))
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const created = await harness.client.totps.create(smsStep)
    expect(created.secret).not.toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
  })

  it('removes an app still waiting for its first code', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
    await harness.client.totps.create(smsStep)
    await harness.client.organizations.members.deleteTOTP(smsStep)
    expect((await harness.client.totps.create(smsStep)).recovery_codes).toHaveLength(10)
  })

  it('answers 404 totp_not_found for a member without an app', async () => {
    const error = await stytchError(
      harness.client.organizations.members.deleteTOTP(await ids(GAMMA.phone.email)),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'totp_not_found' })
  })
})

describe('GET /v1/b2b/sessions (sessions.get)', () => {
  it("lists the member's live sessions and nobody else's", async () => {
    const first = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    harness.emulator.advanceClock(30)
    const second = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    await signInWithSms(harness, GAMMA.slug, GAMMA.phone.email, GAMMA.phone.phone)
    const { member_sessions } = await harness.client.sessions.get(await ids(GAMMA.app.email))
    expect(member_sessions.map((session) => session.member_session_id)).toEqual([
      first.member_session?.member_session_id,
      second.member_session?.member_session_id,
    ])
    expect(member_sessions[0]?.authentication_factors.map((factor) => factor.type)).toEqual([
      'email_otp',
      'totp',
    ])
  })

  it('leaves out expired and revoked sessions', async () => {
    const short = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    await harness.client.totps.authenticate({
      ...short.smsStep,
      code: harness.emulator.totpCode(GAMMA.app.email),
      session_duration_minutes: 5,
    })
    harness.emulator.advanceClock(30)
    const revoked = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    await harness.client.sessions.revoke({ session_token: revoked.session_token })
    harness.emulator.advanceClock(5 * 60)
    const { member_sessions } = await harness.client.sessions.get(await ids(GAMMA.app.email))
    expect(member_sessions).toEqual([])
  })

  it('refuses a member of another organization: 404 member_not_found', async () => {
    const { member_id } = await ids(GAMMA.app.email)
    const error = await stytchError(
      harness.client.sessions.get({ organization_id: 'delta', member_id }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
  })
})

describe('POST /v1/b2b/sessions/revoke with member_id (sessions.revoke)', () => {
  it("revokes every session of that member at once, and only that member's", async () => {
    const first = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    harness.emulator.advanceClock(30)
    const second = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    const bystander = await signInWithSms(harness, GAMMA.slug, GAMMA.phone.email, GAMMA.phone.phone)
    await harness.client.sessions.revoke({ member_id: first.member_id })
    for (const session of [first, second]) {
      const error = await stytchError(
        harness.client.sessions.authenticate({ session_token: session.session_token }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
    }
    expect((await harness.client.sessions.get(await ids(GAMMA.app.email))).member_sessions).toEqual(
      [],
    )
    const kept = await harness.client.sessions.authenticate({
      session_token: bystander.session_token,
    })
    expect(kept.member_session.member_id).toBe(bystander.member_id)
  })
})
