import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  ACME,
  BETA,
  emailStepWithSdk,
  stytchError,
  useEmulatorHarness,
} from '../helpers/emulator.js'
import { discoverWithSdk, signInByEmail } from '../helpers/emulator-discovery.js'

const harness = useEmulatorHarness()

/** Email login to Beta (MFA optional): a member session. */
const signInToBeta = (extra: Record<string, unknown> = {}) =>
  signInByEmail(harness, BETA.slug, BETA.plain.email, extra)

describe('organizations keep the fields Stytch stores', () => {
  it('return metadata, logo, external id, invite and auth settings and implicit roles as sent', async () => {
    const sent = {
      organization_logo_url: 'https://gamma.test/logo.png',
      organization_external_id: 'crm-42',
      trusted_metadata: { tier: 'gold' },
      email_invites: 'RESTRICTED',
      auth_methods: 'RESTRICTED',
      allowed_auth_methods: ['email_otp', 'sso'],
    }
    const { organization } = await harness.client.organizations.create({
      organization_name: 'Gamma',
      ...sent,
      rbac_email_implicit_role_assignments: [{ domain: 'Gamma.test', role_id: 'stytch_admin' }],
    })
    expect(organization).toMatchObject({
      ...sent,
      rbac_email_implicit_role_assignments: [{ domain: 'gamma.test', role_id: 'stytch_admin' }],
      custom_roles: [],
    })
    const byExternalId = await harness.client.organizations.get({ organization_id: 'crm-42' })
    expect(byExternalId.organization.organization_id).toBe(organization.organization_id)
  })

  it('default email_invites to ALL_ALLOWED, or NOT_ALLOWED when auth settings are given', async () => {
    const plain = await harness.client.organizations.create({ organization_name: 'Plain Co' })
    const restricted = await harness.client.organizations.create({
      organization_name: 'Domains Co',
      email_allowed_domains: ['domains.test'],
    })
    expect(plain.organization.email_invites).toBe('ALL_ALLOWED')
    expect(restricted.organization.email_invites).toBe('NOT_ALLOWED')
  })

  it('refuse a taken external id and RESTRICTED auth methods without a list', async () => {
    const create = (organization_name: string, extra: Record<string, unknown>) =>
      harness.client.organizations.create({ organization_name, ...extra })
    await create('One', { organization_external_id: 'same' })
    const cases = [
      ['Two', { organization_external_id: 'same' }, 'organization_external_id_already_used'],
      ['Three', { auth_methods: 'RESTRICTED' }, 'allowed_auth_methods_required_for_restricted'],
    ] as const
    for (const [name, extra, type] of cases) {
      const error = await stytchError(create(name, extra))
      expect(error).toMatchObject({ status_code: 400, error_type: type })
    }
  })
})

describe('members keep the fields Stytch stores', () => {
  const create = (email: string, extra: Record<string, unknown> = {}) =>
    harness.client.organizations.members.create({
      organization_id: BETA.slug,
      email_address: email,
      ...extra,
    })

  it('return metadata and the external id, which also finds the member', async () => {
    const { member } = await create('meta@beta.test', {
      trusted_metadata: { plan: 'pro' },
      untrusted_metadata: { theme: 'dark' },
      external_id: 'emp-7',
    })
    expect(member).toMatchObject({
      trusted_metadata: { plan: 'pro' },
      untrusted_metadata: { theme: 'dark' },
      external_id: 'emp-7',
    })
    const found = await harness.client.organizations.members.get({
      organization_id: BETA.slug,
      member_id: 'emp-7',
    })
    expect(found.member_id).toBe(member.member_id)
  })

  it('merge metadata updates at the top level, a null deleting its key', async () => {
    const { member } = await create('merge@beta.test', {
      trusted_metadata: { plan: 'pro', seats: 3, nested: { a: 1 } },
    })
    const updated = await harness.client.organizations.members.update({
      organization_id: BETA.slug,
      member_id: member.member_id,
      trusted_metadata: { seats: null, nested: { b: 2 }, region: 'eu' },
    })
    expect(updated.member.trusted_metadata).toEqual({
      plan: 'pro',
      nested: { b: 2 },
      region: 'eu',
    })
  })

  it('refuse a taken external id and metadata over 20 keys', async () => {
    await create('first@beta.test', { external_id: 'dup' })
    const taken = await stytchError(create('second@beta.test', { external_id: 'dup' }))
    expect(taken).toMatchObject({ status_code: 400, error_type: 'duplicate_member_external_id' })
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${String(i)}`, i]))
    const tooMany = await stytchError(create('many@beta.test', { trusted_metadata: many }))
    expect(tooMany).toMatchObject({ status_code: 400, error_type: 'metadata_too_many_keys' })
  })

  it('report is_admin for stytch_admin, assigned directly or by email domain', async () => {
    const { member: admin } = await harness.client.organizations.members.get({
      organization_id: ACME.slug,
      email_address: ACME.admin.email,
    })
    expect(admin.is_admin).toBe(true)
    const { member: plain } = await create('nobody@beta.test')
    expect(plain.is_admin).toBe(false)
    await harness.client.organizations.create({
      organization_name: 'Implicit',
      organization_slug: 'implicit',
      rbac_email_implicit_role_assignments: [{ domain: 'implicit.test', role_id: 'stytch_admin' }],
    })
    const { member: implied } = await harness.client.organizations.members.create({
      organization_id: 'implicit',
      email_address: 'anyone@implicit.test',
    })
    expect(implied.is_admin).toBe(true)
    expect(implied.roles).toContainEqual({
      role_id: 'stytch_admin',
      sources: [{ type: 'email_assignment', details: { email_domain: 'implicit.test' } }],
    })
  })
})

describe('session_custom_claims', () => {
  it('land in the member session and as top-level claims of the JWT, which the SDK returns', async () => {
    const signedIn = await signInToBeta({ session_custom_claims: { plan: 'gold', iss: 'evil' } })
    expect(signedIn.member_session?.custom_claims).toEqual({ plan: 'gold' })
    const claims = decodeJwt(signedIn.session_jwt)
    expect(claims).toMatchObject({ plan: 'gold', iss: `stytch.com/${harness.emulator.projectId}` })
    const local = await harness.client.sessions.authenticateJwtLocal({
      session_jwt: signedIn.session_jwt,
    })
    expect(local.custom_claims).toEqual({ plan: 'gold' })
  })

  it('merge on sessions/authenticate, a null deleting its key', async () => {
    const signedIn = await signInToBeta({ session_custom_claims: { plan: 'gold', seat: 1 } })
    const response = await harness.client.sessions.authenticate({
      session_token: signedIn.session_token,
      session_custom_claims: { seat: null, team: 'ops' },
    })
    expect(response.member_session.custom_claims).toEqual({ plan: 'gold', team: 'ops' })
    expect(decodeJwt(response.session_jwt)).not.toHaveProperty('seat')
  })

  it('reach the session the SMS step creates', async () => {
    const { smsStep } = await emailStepWithSdk(harness, ACME.slug, ACME.admin.email)
    const response = await harness.client.otps.sms.authenticate({
      ...smsStep,
      code: harness.emulator.lastCode(ACME.admin.phone) ?? '',
      session_custom_claims: { step: 'sms' },
    })
    expect(decodeJwt(response.session_jwt)).toMatchObject({ step: 'sms' })
  })

  it('refuse keys in Stytch’s namespace and more than 4 KB', async () => {
    const signedIn = await signInToBeta()
    const refuse = (claims: Record<string, unknown>) =>
      stytchError(
        harness.client.sessions.authenticate({
          session_token: signedIn.session_token,
          session_custom_claims: claims,
        }),
      )
    expect(await refuse({ 'https://stytch.com/session': {} })).toMatchObject({
      status_code: 400,
      error_type: 'stytch_claims_in_custom_claims',
    })
    expect(await refuse({ big: 'x'.repeat(5000) })).toMatchObject({
      status_code: 400,
      error_type: 'custom_claims_too_large',
    })
  })
})

describe('otps/email/authenticate with an intermediate_session_token', () => {
  it('accepts a discovery IST of the same address and uses it up', async () => {
    const { intermediate_session_token: ist } = await discoverWithSdk(harness, BETA.plain.email)
    const signedIn = await signInToBeta({ intermediate_session_token: ist })
    expect(signedIn.member_authenticated).toBe(true)
    const reused = await stytchError(
      harness.client.discovery.organizations.list({ intermediate_session_token: ist }),
    )
    expect(reused).toMatchObject({ status_code: 404, error_type: 'intermediate_session_not_found' })
  })

  it('accepts the IST of the same member, still asking for MFA where it is required', async () => {
    const first = await emailStepWithSdk(harness, ACME.slug, ACME.admin.email)
    const again = await signInByEmail(harness, ACME.slug, ACME.admin.email, {
      intermediate_session_token: first.ist,
    })
    expect(again.member_authenticated).toBe(false)
    expect(again.intermediate_session_token).not.toBe(first.ist)
  })

  it('refuses an IST of another organization, another address, or next to a session', async () => {
    const acme = await emailStepWithSdk(harness, ACME.slug, ACME.admin.email)
    const { intermediate_session_token: stranger } = await discoverWithSdk(
      harness,
      'someone@else.test',
    )
    const session = await signInToBeta()
    const cases = [
      {
        extra: { intermediate_session_token: acme.ist },
        type: 'invalid_intermediate_session_token_for_organization',
      },
      {
        extra: { intermediate_session_token: stranger },
        type: 'member_session_member_id_mismatch',
      },
      {
        extra: { intermediate_session_token: stranger, session_token: session.session_token },
        type: 'too_many_session_arguments',
      },
    ]
    for (const { extra, type } of cases) {
      const error = await stytchError(signInToBeta(extra))
      expect(error).toMatchObject({ status_code: 400, error_type: type })
    }
  })
})

describe('phone numbers', () => {
  const create = (phone: string) =>
    harness.client.organizations.members.create({
      organization_id: BETA.slug,
      email_address: `p${phone.slice(1)}@beta.test`,
      mfa_phone_number: phone,
    })

  it('must have a length the country’s numbering plan allows', async () => {
    const error = await stytchError(create('+1202555010'))
    expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_phone_number' })
  })

  it('must have a country calling code that exists', async () => {
    const error = await stytchError(create('+99912345678'))
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'invalid_phone_number_country_code',
    })
  })

  it('pass when they are E.164 numbers of a real plan', async () => {
    const { member } = await create('+33612345678')
    expect(member.mfa_phone_number).toBe('+33612345678')
  })
})

describe('error bodies', () => {
  it('link to the current B2B error pages', async () => {
    const error = await stytchError(harness.client.organizations.get({ organization_id: 'nope' }))
    expect(error.error_url).toBe(
      'https://stytch.com/docs/api-reference/b2b/api/errors/404#organization_not_found',
    )
  })
})
