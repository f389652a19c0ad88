import { describe, expect, it } from 'vitest'
import { emailStepWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import { signInWithSms, signInWithTotp } from '../helpers/emulator-mfa.js'
import { DELTA, EPSILON, GAMMA, RECOVERY, mfaSeed } from '../helpers/mfa-seed.js'

const harness = useEmulatorHarness(mfaSeed)

/** The seeded app member's ids. */
async function appMember() {
  const { member_id, organization } = await harness.client.organizations.members.get({
    organization_id: GAMMA.slug,
    email_address: GAMMA.app.email,
  })
  return { organization_id: organization.organization_id, member_id }
}

describe('GET /v1/b2b/recovery_codes/{organization_id}/{member_id} (recoveryCodes.get)', () => {
  it("returns the member's unused recovery codes", async () => {
    const response = await harness.client.recoveryCodes.get(await appMember())
    expect(response.recovery_codes).toEqual([...RECOVERY])
    expect(response.member.email_address).toBe(GAMMA.app.email)
  })

  it('refuses a member without an authenticator app: 400 no_active_recovery_code_backed_factor', async () => {
    const { member_id, organization } = await harness.client.organizations.members.get({
      organization_id: GAMMA.slug,
      email_address: GAMMA.fresh.email,
    })
    const error = await stytchError(
      harness.client.recoveryCodes.get({
        organization_id: organization.organization_id,
        member_id,
      }),
    )
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'no_active_recovery_code_backed_factor',
    })
  })

  it('refuses a member of another organization: 404 member_not_found', async () => {
    const { member_id } = await appMember()
    const error = await stytchError(
      harness.client.recoveryCodes.get({ organization_id: DELTA.slug, member_id }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
  })

  it('has no codes to give for an app that waits for its first code', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
    const created = await harness.client.totps.create(smsStep)
    expect(created.recovery_codes).toHaveLength(10)
    const error = await stytchError(harness.client.recoveryCodes.get(smsStep))
    expect(error.error_type).toBe('no_active_recovery_code_backed_factor')
  })
})

describe('POST /v1/b2b/recovery_codes/recover (recoveryCodes.recover)', () => {
  describe('with the intermediate session of a login', () => {
    it('returns a session with the email and recovery-code factors, and says how many remain', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const response = await harness.client.recoveryCodes.recover({
        ...smsStep,
        recovery_code: RECOVERY[1],
      })
      expect(response.recovery_codes_remaining).toBe(2)
      expect(response.member_session?.authentication_factors).toMatchObject([
        { type: 'email_otp', delivery_method: 'email' },
        {
          type: 'recovery_codes',
          delivery_method: 'recovery_code',
          recovery_code_factor: {
            totp_recovery_code_id: expect.stringMatching(/^totp-recovery-code-test-/),
          },
        },
      ])
      const verified = await harness.client.sessions.authenticate({
        session_token: response.session_token,
      })
      expect(verified.member_session.member_id).toBe(smsStep.member_id)
    })

    it('uses each code once: the same code fails the next time with 401', async () => {
      const first = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      await harness.client.recoveryCodes.recover({ ...first.smsStep, recovery_code: RECOVERY[0] })
      const second = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(
        harness.client.recoveryCodes.recover({ ...second.smsStep, recovery_code: RECOVERY[0] }),
      )
      expect(error).toMatchObject({
        status_code: 401,
        error_type: 'unable_to_authenticate_recovery_code',
      })
      const left = await harness.client.recoveryCodes.get(first.smsStep)
      expect(left.recovery_codes).toEqual([RECOVERY[1], RECOVERY[2]])
    })

    it('consumes the intermediate session', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      await harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: RECOVERY[0] })
      const error = await stytchError(
        harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: RECOVERY[1] }),
      )
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })
  })

  it('answers 401 for a code the member never had, keeping the intermediate session', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const error = await stytchError(
      harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: 'zzzz-zzzz-zzzz' }),
    )
    expect(error.error_type).toBe('unable_to_authenticate_recovery_code')
    const ok = await harness.client.recoveryCodes.recover({
      ...smsStep,
      recovery_code: RECOVERY[2],
    })
    expect(ok.recovery_codes_remaining).toBe(2)
  })

  it("refuses another member's code", async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.both.email)
    const error = await stytchError(
      harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: RECOVERY[0] }),
    )
    expect(error.error_type).toBe('unable_to_authenticate_recovery_code')
  })

  it('answers 400 totp_code_used_as_recovery_code for six digits', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const error = await stytchError(
      harness.client.recoveryCodes.recover({
        ...smsStep,
        recovery_code: harness.emulator.totpCode(GAMMA.app.email),
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'totp_code_used_as_recovery_code' })
  })

  it('adds the factor to a session for step-up', async () => {
    const session = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
    const stepped = await harness.client.recoveryCodes.recover({
      organization_id: session.organization.organization_id,
      member_id: session.member_id,
      session_jwt: session.session_jwt,
      recovery_code: RECOVERY[0],
    })
    expect(stepped.member_session?.member_session_id).toBe(
      session.member_session?.member_session_id,
    )
    expect(stepped.member_session?.authentication_factors.map((factor) => factor.type)).toEqual([
      'email_otp',
      'totp',
      'recovery_codes',
    ])
  })

  it('refuses an intermediate session of another organization', async () => {
    const { smsStep } = await emailStepWithSdk(harness, DELTA.slug, DELTA.app.email)
    const error = await stytchError(
      harness.client.recoveryCodes.recover({
        ...(await appMember()),
        intermediate_session_token: smsStep.intermediate_session_token,
        recovery_code: RECOVERY[0],
      }),
    )
    expect(error.error_type).toBe('invalid_intermediate_session_token_for_organization')
  })

  it('refuses without an intermediate session or session', async () => {
    const error = await stytchError(
      harness.client.recoveryCodes.recover({ ...(await appMember()), recovery_code: RECOVERY[0] }),
    )
    expect(error.error_type).toBe('no_associated_session_passed_in')
  })

  it('refuses an organization that allows SMS only', async () => {
    const { member_id } = await harness.client.organizations.members.get({
      organization_id: EPSILON.slug,
      email_address: EPSILON.app.email,
    })
    const error = await stytchError(
      harness.client.recoveryCodes.recover({
        organization_id: EPSILON.slug,
        member_id,
        recovery_code: 'aaaa-aaaa-aaaa',
      }),
    )
    expect(error.error_type).toBe('operation_restricted_by_organization_mfa_methods')
  })

  it('counts wrong codes toward the user lock', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    for (let i = 0; i < 10; i += 1) {
      await stytchError(
        harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: 'zzzz-zzzz-zzzz' }),
      )
    }
    const error = await stytchError(
      harness.client.recoveryCodes.recover({ ...smsStep, recovery_code: RECOVERY[0] }),
    )
    expect(error).toMatchObject({ status_code: 429, error_type: 'user_lock_limit_reached' })
  })
})

describe('POST /v1/b2b/recovery_codes/rotate (recoveryCodes.rotate)', () => {
  it('replaces every code: the old ones stop working, the new ones work', async () => {
    const ids = await appMember()
    const rotated = await harness.client.recoveryCodes.rotate(ids)
    expect(rotated.recovery_codes).toHaveLength(10)
    expect(rotated.recovery_codes).not.toContain(RECOVERY[0])
    expect((await harness.client.recoveryCodes.get(ids)).recovery_codes).toEqual(
      rotated.recovery_codes,
    )
    const old = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const error = await stytchError(
      harness.client.recoveryCodes.recover({ ...old.smsStep, recovery_code: RECOVERY[0] }),
    )
    expect(error.error_type).toBe('unable_to_authenticate_recovery_code')
    const ok = await harness.client.recoveryCodes.recover({
      ...old.smsStep,
      recovery_code: rotated.recovery_codes[0]!,
    })
    expect(ok.recovery_codes_remaining).toBe(9)
  })

  it('refuses a member without an authenticator app', async () => {
    const session = await signInWithSms(harness, GAMMA.slug, GAMMA.phone.email, GAMMA.phone.phone)
    const error = await stytchError(
      harness.client.recoveryCodes.rotate({
        organization_id: session.organization.organization_id,
        member_id: session.member_id,
      }),
    )
    expect(error.error_type).toBe('no_active_recovery_code_backed_factor')
  })
})
