import { describe, expect, it } from 'vitest'
import { emailStepWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import { signInWithSms } from '../helpers/emulator-mfa.js'
import { EPSILON, GAMMA, mfaSeed } from '../helpers/mfa-seed.js'

const harness = useEmulatorHarness(mfaSeed)

describe('PUT /v1/b2b/organizations/{organization_id} (organizations.update)', () => {
  it('changes the name, slug and MFA settings, and keeps what it is not given', async () => {
    const before = await harness.client.organizations.get({ organization_id: GAMMA.slug })
    const { organization } = await harness.client.organizations.update({
      organization_id: before.organization.organization_id,
      organization_name: 'Gamma Ltd',
      organization_slug: 'gamma-ltd',
      mfa_policy: 'OPTIONAL',
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
    })
    expect(organization).toMatchObject({
      organization_id: before.organization.organization_id,
      organization_name: 'Gamma Ltd',
      organization_slug: 'gamma-ltd',
      mfa_policy: 'OPTIONAL',
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
      email_jit_provisioning: before.organization.email_jit_provisioning,
    })
    expect(
      (await harness.client.organizations.get({ organization_id: 'gamma-ltd' })).organization,
    ).toEqual(organization)
    const gone = await stytchError(
      harness.client.organizations.get({ organization_id: GAMMA.slug }),
    )
    expect(gone.error_type).toBe('organization_not_found')
  })

  it('takes effect at the next login: a TOTP-only policy stops the SMS', async () => {
    await harness.client.organizations.update({
      organization_id: GAMMA.slug,
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
    })
    const { response, smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.phone.email)
    expect(response.mfa_required?.secondary_auth_initiated).toBeNull()
    const error = await stytchError(harness.client.otps.sms.send(smsStep))
    expect(error.error_type).toBe('operation_restricted_by_organization_mfa_methods')
  })

  it('leaves existing sessions valid when MFA becomes required', async () => {
    await harness.client.otps.email.loginOrSignup({
      organization_id: EPSILON.slug,
      email_address: EPSILON.plain.email,
    })
    const login = await harness.client.otps.email.authenticate({
      organization_id: EPSILON.slug,
      email_address: EPSILON.plain.email,
      code: harness.emulator.lastCode(EPSILON.plain.email)!,
    })
    expect(login.member_authenticated).toBe(true)
    await harness.client.organizations.update({
      organization_id: EPSILON.slug,
      mfa_policy: 'REQUIRED_FOR_ALL',
    })
    const still = await harness.client.sessions.authenticate({ session_token: login.session_token })
    expect(still.organization.mfa_policy).toBe('REQUIRED_FOR_ALL')
    const { response } = await emailStepWithSdk(harness, EPSILON.slug, EPSILON.plain.email)
    expect(response.member_authenticated).toBe(false)
  })

  it('leaves sessions valid when a session used a method the organization then forbids', async () => {
    const session = await signInWithSms(harness, GAMMA.slug, GAMMA.phone.email, GAMMA.phone.phone)
    await harness.client.organizations.update({
      organization_id: GAMMA.slug,
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
    })
    const still = await harness.client.sessions.authenticate({ session_jwt: session.session_jwt })
    expect(still.member_session.member_id).toBe(session.member_id)
  })

  it('refuses RESTRICTED without allowed methods: 400 allowed_mfa_methods_required_for_restricted', async () => {
    const error = await stytchError(
      harness.client.organizations.update({
        organization_id: GAMMA.slug,
        mfa_methods: 'RESTRICTED',
      }),
    )
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'allowed_mfa_methods_required_for_restricted',
    })
  })

  it("refuses another organization's slug: 400 organization_slug_already_used", async () => {
    const error = await stytchError(
      harness.client.organizations.update({
        organization_id: GAMMA.slug,
        organization_slug: 'DELTA',
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'organization_slug_already_used' })
  })

  it('accepts its own slug again, and refuses a malformed one', async () => {
    const same = await harness.client.organizations.update({
      organization_id: GAMMA.slug,
      organization_slug: GAMMA.slug,
    })
    expect(same.organization.organization_slug).toBe(GAMMA.slug)
    const error = await stytchError(
      harness.client.organizations.update({ organization_id: GAMMA.slug, organization_slug: 'x' }),
    )
    expect(error.error_type).toBe('invalid_organization_slug')
  })

  it('refuses an unknown MFA policy and an unknown organization', async () => {
    const bad = await stytchError(
      harness.client.organizations.update({ organization_id: GAMMA.slug, mfa_policy: 'SOMETIMES' }),
    )
    expect(bad).toMatchObject({ status_code: 400, error_type: 'bad_request' })
    const unknown = await stytchError(
      harness.client.organizations.update({ organization_id: 'nope', organization_name: 'N' }),
    )
    expect(unknown).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
  })
})
