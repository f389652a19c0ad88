import { B2BClient } from 'stytch'
import { Secret, TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'
import { emailStepWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import {
  signInWithSms,
  signInWithTotp,
  toStartOfStep,
  wrongTotpCode,
} from '../helpers/emulator-mfa.js'
import { DELTA, EPSILON, GAMMA, RFC_SECRET, mfaSeed } from '../helpers/mfa-seed.js'

const harness = useEmulatorHarness(mfaSeed)

/** A member with no second factor, at the MFA step of a login (IST in hand). */
async function freshAtMfaStep() {
  const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
  return smsStep
}

/** Enrols an authenticator app for the fresh member and confirms it with a first code. */
async function enrolFresh() {
  const step = await freshAtMfaStep()
  const created = await harness.client.totps.create(step)
  const session = await harness.client.totps.authenticate({
    ...step,
    code: harness.emulator.totpCode(GAMMA.fresh.email),
  })
  return { step, created, session }
}

describe('POST /v1/b2b/totp (totps.create)', () => {
  it('returns a base32 secret, a PNG QR code and ten recovery codes for a member without MFA', async () => {
    const created = await harness.client.totps.create(await freshAtMfaStep())
    expect(created.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(created.qr_code).toMatch(/^data:image\/png;base64,/)
    const png = Buffer.from(created.qr_code.split(',')[1] ?? '', 'base64')
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(created.recovery_codes).toHaveLength(10)
    for (const code of created.recovery_codes)
      expect(code).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){2}$/)
    expect(new Set(created.recovery_codes).size).toBe(10)
    expect(created.totp_registration_id).toMatch(/^member-totp-test-/)
    expect(created.member.totp_registration_id).toBe('')
    expect(created.organization.organization_slug).toBe(GAMMA.slug)
  })

  it('hands out a secret whose codes an authenticator app computes (RFC 6238, SHA-1, 30 s)', async () => {
    const step = await freshAtMfaStep()
    const created = await harness.client.totps.create(step)
    const app = new TOTP({ secret: Secret.fromBase32(created.secret) })
    const code = app.generate({ timestamp: harness.emulator.now().getTime() })
    const session = await harness.client.totps.authenticate({ ...step, code })
    expect(session.member.totp_registration_id).toBe(created.totp_registration_id)
  })

  it('refuses a second registration while the first waits for its code: 400 pending_totp_exists', async () => {
    const step = await freshAtMfaStep()
    await harness.client.totps.create(step)
    const error = await stytchError(harness.client.totps.create(step))
    expect(error).toMatchObject({ status_code: 400, error_type: 'pending_totp_exists' })
  })

  it('lets the member start over once the pending registration expires (expiration_minutes)', async () => {
    const step = await freshAtMfaStep()
    await harness.client.totps.create({ ...step, expiration_minutes: 5 })
    harness.emulator.advanceClock(5 * 60)
    const error = await stytchError(
      harness.client.totps.authenticate({
        ...step,
        code: '123456',
      }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'totp_not_found' })
    expect((await harness.client.totps.create(step)).secret).toMatch(/^[A-Z2-7]+$/)
  })

  it('refuses expiration_minutes outside 5..1440', async () => {
    const step = await freshAtMfaStep()
    for (const minutes of [4, 1441]) {
      const error = await stytchError(
        harness.client.totps.create({ ...step, expiration_minutes: minutes }),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_expiration' })
    }
  })

  it('refuses a member who already has a verified app: 400 active_totp_exists', async () => {
    const { session } = await enrolFresh()
    const error = await stytchError(
      harness.client.totps.create({
        organization_id: session.organization.organization_id,
        member_id: session.member_id,
        session_token: session.session_token,
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'active_totp_exists' })
  })

  describe('for a member who already has a second factor', () => {
    it('refuses without an intermediate session or session: 400 no_associated_session_passed_in', async () => {
      const member = await harness.client.organizations.members.get({
        organization_id: GAMMA.slug,
        email_address: GAMMA.phone.email,
      })
      const error = await stytchError(
        harness.client.totps.create({
          organization_id: member.organization.organization_id,
          member_id: member.member_id,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'no_associated_session_passed_in',
      })
    })

    it('refuses the intermediate session of a password-less first step: 400 insufficient_factors', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.phone.email)
      const error = await stytchError(harness.client.totps.create(smsStep))
      expect(error).toMatchObject({ status_code: 400, error_type: 'insufficient_factors' })
    })

    it('accepts a session that carries the existing factor', async () => {
      const session = await signInWithSms(harness, GAMMA.slug, GAMMA.phone.email, GAMMA.phone.phone)
      const created = await harness.client.totps.create({
        organization_id: session.organization.organization_id,
        member_id: session.member_id,
        session_jwt: session.session_jwt,
      })
      expect(created.recovery_codes).toHaveLength(10)
    })
  })

  it('refuses an intermediate session of another organization', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
    const other = await harness.client.organizations.members.get({
      organization_id: DELTA.slug,
      email_address: DELTA.app.email,
    })
    const error = await stytchError(
      harness.client.totps.create({
        ...smsStep,
        organization_id: other.organization.organization_id,
        member_id: other.member_id,
      }),
    )
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'invalid_intermediate_session_token_for_organization',
    })
  })

  it('refuses a member who is not active yet: 400 action_available_only_for_active_members', async () => {
    const member = await harness.client.organizations.members.get({
      organization_id: GAMMA.slug,
      email_address: GAMMA.pending.email,
    })
    const error = await stytchError(
      harness.client.totps.create({
        organization_id: GAMMA.slug,
        member_id: member.member_id,
      }),
    )
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'action_available_only_for_active_members',
    })
  })

  it('refuses an organization that allows SMS only: 403 operation_restricted_by_organization_mfa_methods', async () => {
    const member = await harness.client.organizations.members.get({
      organization_id: EPSILON.slug,
      email_address: EPSILON.plain.email,
    })
    const error = await stytchError(
      harness.client.totps.create({ organization_id: EPSILON.slug, member_id: member.member_id }),
    )
    expect(error).toMatchObject({
      status_code: 403,
      error_type: 'operation_restricted_by_organization_mfa_methods',
    })
  })
})

describe('POST /v1/b2b/totp/authenticate (totps.authenticate)', () => {
  describe('with the intermediate session of a login', () => {
    it('returns a session with the email and authenticator-app factors', async () => {
      const session = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
      expect(session.member_session?.authentication_factors).toMatchObject([
        { type: 'email_otp', delivery_method: 'email' },
        {
          type: 'totp',
          delivery_method: 'authenticator_app',
          authenticator_app_factor: { totp_id: session.member.totp_registration_id },
        },
      ])
      expect(session.session_jwt.split('.')).toHaveLength(3)
      const verified = await harness.client.sessions.authenticateJwtLocal({
        session_jwt: session.session_jwt,
      })
      expect(verified.authentication_factors.map((factor) => factor.type)).toEqual([
        'email_otp',
        'totp',
      ])
    })

    it('consumes the intermediate session', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      await harness.client.totps.authenticate({
        ...smsStep,
        code: harness.emulator.totpCode(GAMMA.app.email),
      })
      harness.emulator.advanceClock(30)
      const error = await stytchError(
        harness.client.totps.authenticate({
          ...smsStep,
          code: harness.emulator.totpCode(GAMMA.app.email),
        }),
      )
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })

    it('confirms a new app: the member shows it, makes it the default and is enrolled', async () => {
      const { created, session } = await enrolFresh()
      expect(session.member).toMatchObject({
        totp_registration_id: created.totp_registration_id,
        default_mfa_method: 'totp',
        mfa_enrolled: true,
      })
      const member = await harness.client.organizations.members.get({
        organization_id: GAMMA.slug,
        member_id: session.member_id,
      })
      expect(member.member.totp_registration_id).toBe(created.totp_registration_id)
    })

    it('lasts session_duration_minutes (default 60)', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const session = await harness.client.totps.authenticate({
        ...smsStep,
        code: harness.emulator.totpCode(GAMMA.app.email),
        session_duration_minutes: 30,
      })
      const { started_at, expires_at } = session.member_session!
      expect((Date.parse(expires_at) - Date.parse(started_at)) / 60_000).toBe(30)
    })
  })

  it('puts session_custom_claims on the session and in its JWT', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const session = await harness.client.totps.authenticate({
      ...smsStep,
      code: harness.emulator.totpCode(GAMMA.app.email),
      session_custom_claims: { tier: 'gold' },
    })
    expect(session.member_session?.custom_claims).toEqual({ tier: 'gold' })
    const local = await harness.client.sessions.authenticateJwtLocal({
      session_jwt: session.session_jwt,
    })
    expect(local.custom_claims).toEqual({ tier: 'gold' })
  })

  it('leaves the intermediate session usable when the custom claims are refused', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
    const code = harness.emulator.totpCode(GAMMA.app.email)
    const error = await stytchError(
      harness.client.totps.authenticate({
        ...smsStep,
        code,
        session_custom_claims: { 'https://stytch.com/session': {} },
      }),
    )
    expect(error.error_type).toBe('stytch_claims_in_custom_claims')
    expect((await harness.client.totps.authenticate({ ...smsStep, code })).status_code).toBe(200)
  })

  it('adds the factor to a session for step-up, keeping the session', async () => {
    const first = await signInWithSms(harness, GAMMA.slug, GAMMA.both.email, GAMMA.both.phone)
    const stepped = await harness.client.totps.authenticate({
      organization_id: first.organization.organization_id,
      member_id: first.member_id,
      session_token: first.session_token,
      code: harness.emulator.totpCode(GAMMA.both.email),
    })
    expect(stepped.member_session?.member_session_id).toBe(first.member_session?.member_session_id)
    expect(stepped.member_session?.authentication_factors.map((factor) => factor.type)).toEqual([
      'email_otp',
      'otp',
      'totp',
    ])
  })

  describe('when the code is wrong', () => {
    it('answers 401 unable_to_authenticate_totp and leaves the intermediate session usable', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(
        harness.client.totps.authenticate({
          ...smsStep,
          code: wrongTotpCode(RFC_SECRET, harness.emulator.now()),
        }),
      )
      expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_authenticate_totp' })
      const ok = await harness.client.totps.authenticate({
        ...smsStep,
        code: harness.emulator.totpCode(GAMMA.app.email),
      })
      expect(ok.status_code).toBe(200)
    })

    it('answers 400 recovery_code_used_as_totp_code for a recovery code', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(
        harness.client.totps.authenticate({ ...smsStep, code: 'aaaa-bbbb-cccc' }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'recovery_code_used_as_totp_code',
      })
    })

    it('answers 400 invalid_totp_code for something that is not six digits', async () => {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(
        harness.client.totps.authenticate({ ...smsStep, code: '12345' }),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_totp_code' })
    })
  })

  describe('replay', () => {
    it('refuses a code already used, within its window: 401 totp_code_already_authenticated', async () => {
      const code = harness.emulator.totpCode(GAMMA.app.email)
      const first = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      await harness.client.totps.authenticate({ ...first.smsStep, code })
      const second = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(
        harness.client.totps.authenticate({ ...second.smsStep, code }),
      )
      expect(error).toMatchObject({
        status_code: 401,
        error_type: 'totp_code_already_authenticated',
        error_message:
          'This TOTP code has already been authenticated. Please attempt with the next generated code.',
      })
    })

    it('refuses the previous step once a later one was used', async () => {
      toStartOfStep(harness)
      const earlier = harness.emulator.totpCode(GAMMA.app.email)
      harness.emulator.advanceClock(30)
      await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(
        harness.client.totps.authenticate({ ...smsStep, code: earlier }),
      )
      expect(error.error_type).toBe('totp_code_already_authenticated')
    })

    it('accepts the next code 30 s later', async () => {
      await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
      harness.emulator.advanceClock(30)
      const again = await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
      expect(again.status_code).toBe(200)
    })
  })

  describe('the time window', () => {
    it('accepts a code one step old (a slow typist)', async () => {
      toStartOfStep(harness)
      const code = harness.emulator.totpCode(GAMMA.app.email)
      harness.emulator.advanceClock(30)
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      expect((await harness.client.totps.authenticate({ ...smsStep, code })).status_code).toBe(200)
    })

    it('refuses a code two steps old', async () => {
      toStartOfStep(harness)
      const code = harness.emulator.totpCode(GAMMA.app.email)
      harness.emulator.advanceClock(60)
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const error = await stytchError(harness.client.totps.authenticate({ ...smsStep, code }))
      expect(error.error_type).toBe('unable_to_authenticate_totp')
    })
  })

  it('refuses a member without an app: 404 totp_not_found', async () => {
    const error = await stytchError(
      harness.client.totps.authenticate({ ...(await freshAtMfaStep()), code: '123456' }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'totp_not_found' })
  })

  it('refuses without an intermediate session or session: 400 no_associated_session_passed_in', async () => {
    const member = await harness.client.organizations.members.get({
      organization_id: GAMMA.slug,
      email_address: GAMMA.app.email,
    })
    const error = await stytchError(
      harness.client.totps.authenticate({
        organization_id: GAMMA.slug,
        member_id: member.member_id,
        code: harness.emulator.totpCode(GAMMA.app.email),
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'no_associated_session_passed_in' })
  })

  it("refuses another member's intermediate session: 400 member_session_member_id_mismatch", async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
    const victim = await harness.client.organizations.members.get({
      organization_id: GAMMA.slug,
      email_address: GAMMA.app.email,
    })
    const error = await stytchError(
      harness.client.totps.authenticate({
        ...smsStep,
        member_id: victim.member_id,
        code: harness.emulator.totpCode(GAMMA.app.email),
      }),
    )
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'member_session_member_id_mismatch',
    })
  })

  it('refuses an organization that allows SMS only, even with a working app', async () => {
    const member = await harness.client.organizations.members.get({
      organization_id: EPSILON.slug,
      email_address: EPSILON.app.email,
    })
    const error = await stytchError(
      harness.client.totps.authenticate({
        organization_id: EPSILON.slug,
        member_id: member.member_id,
        code: harness.emulator.totpCode(EPSILON.app.email),
      }),
    )
    expect(error.error_type).toBe('operation_restricted_by_organization_mfa_methods')
  })

  describe('user lock after 10 failed codes in a row', () => {
    async function failTimes(times: number) {
      const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.app.email)
      const wrong = wrongTotpCode(RFC_SECRET, harness.emulator.now())
      for (let i = 0; i < times; i += 1) {
        const error = await stytchError(
          harness.client.totps.authenticate({ ...smsStep, code: wrong }),
        )
        expect(error.error_type).toBe('unable_to_authenticate_totp')
      }
      return smsStep
    }

    it('locks the member: even the right code gets 429 user_lock_limit_reached', async () => {
      const smsStep = await failTimes(10)
      const error = await stytchError(
        harness.client.totps.authenticate({
          ...smsStep,
          code: harness.emulator.totpCode(GAMMA.app.email),
        }),
      )
      expect(error).toMatchObject({ status_code: 429, error_type: 'user_lock_limit_reached' })
      const member = await harness.client.organizations.members.get({
        organization_id: GAMMA.slug,
        member_id: smsStep.member_id,
      })
      expect(member.member.is_locked).toBe(true)
      const left = Date.parse(member.member.lock_expires_at!) - harness.emulator.now().getTime()
      expect(left).toBeGreaterThan(3_599_000)
      expect(left).toBeLessThanOrEqual(3_600_000)
    })

    it('keeps the member from signing in by email while locked', async () => {
      await failTimes(10)
      await harness.client.otps.email.loginOrSignup({
        organization_id: GAMMA.slug,
        email_address: GAMMA.app.email,
      })
      const error = await stytchError(
        harness.client.otps.email.authenticate({
          organization_id: GAMMA.slug,
          email_address: GAMMA.app.email,
          code: harness.emulator.lastCode(GAMMA.app.email)!,
        }),
      )
      expect(error.error_type).toBe('user_lock_limit_reached')
    })

    it('lifts the lock after an hour', async () => {
      await failTimes(10)
      harness.emulator.advanceClock(3600)
      const member = await harness.client.organizations.members.get({
        organization_id: GAMMA.slug,
        email_address: GAMMA.app.email,
      })
      expect(member.member.is_locked).toBe(false)
      expect((await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)).status_code).toBe(200)
    })

    it('starts counting again after a success', async () => {
      await failTimes(9)
      await signInWithTotp(harness, GAMMA.slug, GAMMA.app.email)
      harness.emulator.advanceClock(30)
      const smsStep = await failTimes(9)
      const ok = await harness.client.totps.authenticate({
        ...smsStep,
        code: harness.emulator.totpCode(GAMMA.app.email),
      })
      expect(ok.member.is_locked).toBe(false)
    })
  })
})

describe('the TOTP test helpers', () => {
  it('emulator.totpCode gives the RFC 6238 code of a seeded secret on the emulator clock', async () => {
    const emulator = await startEmulator({ seed: mfaSeed, now: () => 59_000 })
    try {
      // RFC 6238 appendix B: T = 59 s, SHA-1 → 94287082 (8 digits); Stytch uses the last 6.
      expect(emulator.totpCode(GAMMA.app.email, GAMMA.slug)).toBe('287082')
      emulator.advanceClock(1_111_111_109 - 59)
      expect(emulator.totpCode(GAMMA.app.email)).toBe('081804')
    } finally {
      await emulator.close()
    }
  })

  it('GET /__emulator/totp and /__emulator/recovery_codes answer without auth', async () => {
    const base = harness.emulator.origin
    const totp = (await (
      await fetch(`${base}/__emulator/totp?email_address=${GAMMA.app.email}`)
    ).json()) as { code: string; member_id: string }
    expect(totp.code).toBe(harness.emulator.totpCode(GAMMA.app.email))
    const codes = (await (
      await fetch(`${base}/__emulator/recovery_codes?member_id=${totp.member_id}`)
    ).json()) as { recovery_codes: string[] }
    expect(codes.recovery_codes).toEqual(['aaaa-bbbb-cccc', 'dddd-eeee-ffff', 'gggg-hhhh-iiii'])
  })

  it('names the problem when a member has no app or is ambiguous', async () => {
    expect(() => harness.emulator.totpCode(GAMMA.fresh.email)).toThrow(/no TOTP registration/)
    expect(() => harness.emulator.totpCode('nobody@gamma.test')).toThrow(/no member/)
    const response = await fetch(`${harness.emulator.origin}/__emulator/totp?member_id=nope`)
    expect(response.status).toBe(400)
  })

  it('lets a seed give a member an app through createMember too', async () => {
    const member = harness.emulator.createMember(GAMMA.slug, {
      email_address: 'late@gamma.test',
      totp_secret: RFC_SECRET,
    })
    expect(member.totp_registration_id).toMatch(/^member-totp-test-/)
    expect(member.default_mfa_method).toBe('totp')
    const client = new B2BClient({
      project_id: harness.emulator.projectId,
      secret: harness.emulator.secret,
      env: harness.emulator.url,
    })
    const { recovery_codes } = await client.recoveryCodes.get({
      organization_id: GAMMA.slug,
      member_id: member.member_id,
    })
    expect(recovery_codes).toHaveLength(10)
  })

  it('refuses a seed whose TOTP secret is not base32', async () => {
    await expect(
      startEmulator({
        seed: {
          organizations: [
            {
              organization_name: 'X',
              organization_slug: 'x',
              members: [{ email_address: 'a@x.test', totp_secret: 'not base32!' }],
            },
          ],
        },
      }),
    ).rejects.toThrow(/organizations\.0\.members\.0\.totp_secret/)
  })
})
