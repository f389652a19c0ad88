import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import {
  ADA,
  ORGS,
  SIGNED_IN,
  STRANGER,
  discoverWithSdk,
  discoverySeed,
  signInByEmail,
  smsStepWithSdk,
} from '../helpers/emulator-discovery.js'

const harness = useEmulatorHarness(discoverySeed)

const exchange = (ist: string, organization: string, extra: Record<string, unknown> = {}) =>
  harness.client.discovery.intermediateSessions.exchange({
    intermediate_session_token: ist,
    organization_id: organization,
    ...extra,
  })

describe('POST /v1/b2b/otps/email/discovery/send', () => {
  it('sends a code for no organization to any address, and answers with only the envelope', async () => {
    const response = await harness.client.otps.email.discovery.send({
      email_address: STRANGER.email,
    })
    expect(Object.keys(response).sort()).toEqual(['request_id', 'status_code'])
    expect(harness.emulator.outbox()).toEqual([
      expect.objectContaining({ channel: 'email', to: STRANGER.email, organization_id: '' }),
    ])
  })

  it('refuses what is not an address, a locale Stytch lacks and a lifetime over 15 minutes', async () => {
    const send = (request: { email_address: string }) =>
      harness.client.otps.email.discovery.send(request)
    const cases = [
      { email_address: 'not-an-address', type: 'invalid_email' },
      { email_address: ADA.email, locale: 'xx', type: 'invalid_locale' },
      {
        email_address: ADA.email,
        discovery_expiration_minutes: 16,
        type: 'invalid_expiration_otp',
      },
    ]
    for (const { type, ...request } of cases) {
      expect(await stytchError(send(request))).toMatchObject({ status_code: 400, error_type: type })
    }
    expect(harness.emulator.outbox()).toEqual([])
  })
})

describe('POST /v1/b2b/otps/email/discovery/authenticate', () => {
  it('lists every organization the address belongs to or may join, with what each still asks', async () => {
    const response = await discoverWithSdk(harness, ADA.email)
    expect(response.email_address).toBe(ADA.email)
    expect(response.intermediate_session_token.length).toBeGreaterThanOrEqual(43)
    const found = response.discovered_organizations.map((entry) => ({
      slug: entry.organization?.organization_slug,
      type: entry.membership?.type,
      member_authenticated: entry.member_authenticated,
    }))
    expect(found).toEqual([
      { slug: ORGS.north, type: 'active_member', member_authenticated: false },
      { slug: ORGS.south, type: 'active_member', member_authenticated: true },
      { slug: ORGS.east, type: 'invited_member', member_authenticated: true },
      { slug: ORGS.west, type: 'eligible_to_join_by_email_domain', member_authenticated: true },
      { slug: ORGS.gate, type: 'active_member', member_authenticated: false },
    ])
    const [north, , , west, gate] = response.discovered_organizations
    expect(north).toMatchObject({
      mfa_required: {
        member_options: { mfa_phone_number: ADA.phone, totp_registration_id: '' },
        secondary_auth_initiated: null,
      },
      primary_required: null,
      membership: { details: null, member: { email_address: ADA.email, is_admin: true } },
    })
    expect(west?.membership).toEqual({
      type: 'eligible_to_join_by_email_domain',
      details: { domain: 'multi.test' },
      member: null,
    })
    expect(gate).toMatchObject({
      primary_required: { allowed_auth_methods: ['sso'] },
      mfa_required: null,
    })
  })

  it('sends no SMS: discovery initiates no second factor', async () => {
    await discoverWithSdk(harness, ADA.email)
    expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
  })

  it('finds nothing for an address no organization knows, and still hands out a session', async () => {
    const response = await discoverWithSdk(harness, STRANGER.email)
    expect(response.discovered_organizations).toEqual([])
    expect(response.intermediate_session_token).not.toBe('')
  })

  it('refuses a code sent for an organization login (404 otp_code_not_found)', async () => {
    await harness.client.otps.email.loginOrSignup({
      organization_id: ORGS.south,
      email_address: ADA.email,
    })
    const error = await stytchError(
      harness.client.otps.email.discovery.authenticate({
        email_address: ADA.email,
        code: harness.emulator.lastCode(ADA.email) ?? '',
      }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'otp_code_not_found' })
  })

  it('refuses a code used once already (401 unable_to_auth_otp_code)', async () => {
    await discoverWithSdk(harness, ADA.email)
    const error = await stytchError(
      harness.client.otps.email.discovery.authenticate({
        email_address: ADA.email,
        code: harness.emulator.lastCode(ADA.email) ?? '',
      }),
    )
    expect(error).toMatchObject({ status_code: 401, error_type: 'unable_to_auth_otp_code' })
  })
})

describe('POST /v1/b2b/discovery/organizations', () => {
  it('lists the same organizations for a discovery IST, with no organization hint', async () => {
    const discovered = await discoverWithSdk(harness, ADA.email)
    const listed = await harness.client.discovery.organizations.list({
      intermediate_session_token: discovered.intermediate_session_token,
    })
    expect(listed.email_address).toBe(ADA.email)
    expect(listed.organization_id_hint).toBeNull()
    expect(listed.discovered_organizations.map((o) => o.organization?.organization_slug)).toEqual(
      discovered.discovered_organizations.map((o) => o.organization?.organization_slug),
    )
  })

  it('hints at the organization an IST is bound to', async () => {
    const discovered = await discoverWithSdk(harness, ADA.email)
    const pending = await exchange(discovered.intermediate_session_token, ORGS.north)
    const listed = await harness.client.discovery.organizations.list({
      intermediate_session_token: pending.intermediate_session_token,
    })
    expect(listed.organization_id_hint).toBe(pending.organization.organization_id)
  })

  it('counts the organization of a session as entered already', async () => {
    const { session_token: token } = await signInByEmail(harness, ORGS.south, ADA.email)
    const listed = await harness.client.discovery.organizations.list({ session_token: token })
    const bySlug = new Map(
      listed.discovered_organizations.map((o) => [o.organization?.organization_slug, o]),
    )
    expect(bySlug.get(ORGS.south)?.member_authenticated).toBe(true)
    expect(bySlug.get(ORGS.north)?.member_authenticated).toBe(false)
    expect(listed.organization_id_hint).toBeNull()
  })

  it('lists for a session only memberships and invitations, not an organization its domain may join', async () => {
    const { session_token: token } = await signInByEmail(harness, ORGS.south, ADA.email)
    const bySession = await harness.client.discovery.organizations.list({ session_token: token })
    expect(
      bySession.discovered_organizations.map((o) => [
        o.organization?.organization_slug,
        o.membership?.type,
      ]),
    ).toEqual([
      [ORGS.north, 'active_member'],
      [ORGS.south, 'active_member'],
      [ORGS.east, 'invited_member'],
      [ORGS.gate, 'active_member'],
    ])
    const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
    const byIst = await harness.client.discovery.organizations.list({
      intermediate_session_token: ist,
    })
    expect(byIst.discovered_organizations.map((o) => o.membership?.type)).toContain(
      'eligible_to_join_by_email_domain',
    )
  })

  it('refuses an expired IST (404) and an IST next to a session (400)', async () => {
    const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
    const { session_token: token } = await signInByEmail(harness, ORGS.south, ADA.email)
    const both = await stytchError(
      harness.client.discovery.organizations.list({
        intermediate_session_token: ist,
        session_token: token,
      }),
    )
    expect(both).toMatchObject({ status_code: 400, error_type: 'too_many_session_arguments' })
    harness.emulator.advanceClock(600)
    const expired = await stytchError(
      harness.client.discovery.organizations.list({ intermediate_session_token: ist }),
    )
    expect(expired).toMatchObject({
      status_code: 404,
      error_type: 'intermediate_session_not_found',
    })
  })
})

describe('POST /v1/b2b/discovery/intermediate_sessions/exchange', () => {
  describe('into an organization that asks for nothing more', () => {
    it('returns a member session with the email factor and the custom claims, and uses the IST up', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const response = await exchange(ist, ORGS.south, {
        session_duration_minutes: 30,
        session_custom_claims: { plan: 'gold' },
      })
      expect(response).toMatchObject({
        ...SIGNED_IN,
        organization: { organization_slug: ORGS.south },
        member_session: { custom_claims: { plan: 'gold' } },
      })
      expect(response.member_session?.authentication_factors).toEqual([
        expect.objectContaining({ type: 'email_otp', delivery_method: 'email' }),
      ])
      expect(decodeJwt(response.session_jwt)).toMatchObject({
        plan: 'gold',
        sub: response.member_id,
      })
      const reused = await stytchError(exchange(ist, ORGS.south))
      expect(reused).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })

    it('makes an invited member active', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const response = await exchange(ist, ORGS.east)
      expect(response.member.status).toBe('active')
      expect(response.member_authenticated).toBe(true)
    })

    it('provisions a member for an address its email domain lets join', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const response = await exchange(ist, ORGS.west)
      expect(response).toMatchObject({
        member_authenticated: true,
        member: { email_address: ADA.email, status: 'active' },
      })
      const { member } = await harness.client.organizations.members.get({
        organization_id: ORGS.west,
        email_address: ADA.email,
      })
      expect(member.member_id).toBe(response.member_id)
    })
  })

  describe('into an organization that requires MFA', () => {
    it('binds the same IST to it, sends the SMS, and the SMS step ends in a session there', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const pending = await exchange(ist, ORGS.north)
      expect(pending).toMatchObject({
        member_authenticated: false,
        session_token: '',
        session_jwt: '',
        member_session: null,
        intermediate_session_token: ist,
        mfa_required: { secondary_auth_initiated: 'sms_otp' },
        primary_required: null,
      })
      const session = await smsStepWithSdk(harness, pending)
      expect(session.member_session?.authentication_factors.map((f) => f.type)).toEqual([
        'email_otp',
        'otp',
      ])
    })

    it('exchanged again into another organization, continues only there', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const north = await exchange(ist, ORGS.north)
      const gate = await exchange(ist, ORGS.gate)
      expect(gate).toMatchObject({
        member_authenticated: false,
        intermediate_session_token: ist,
        primary_required: { allowed_auth_methods: ['sso'] },
      })
      const listed = await harness.client.discovery.organizations.list({
        intermediate_session_token: ist,
      })
      expect(listed.organization_id_hint).toBe(gate.organization.organization_id)
      const error = await stytchError(smsStepWithSdk(harness, north))
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_intermediate_session_token_for_organization',
      })
    })

    it('still exchanges into another organization, whose session uses the IST up', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const north = await exchange(ist, ORGS.north)
      const south = await exchange(ist, ORGS.south)
      expect(south.member_authenticated).toBe(true)
      const error = await stytchError(smsStepWithSdk(harness, north))
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })
  })

  it('answers primary_required and an IST for an organization that does not take email codes', async () => {
    const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
    const response = await exchange(ist, ORGS.gate)
    expect(response).toMatchObject({
      member_authenticated: false,
      intermediate_session_token: ist,
      primary_required: { allowed_auth_methods: ['sso'] },
      mfa_required: null,
    })
  })

  describe('refuses', () => {
    it('an organization the address is not a member of and may not join', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const error = await stytchError(exchange(ist, ORGS.closed))
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'email_jit_provisioning_not_allowed',
      })
    })

    it('an organization that does not exist', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      const error = await stytchError(exchange(ist, 'organization-test-nope'))
      expect(error).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
    })

    it('the discovery IST as the IST of an organization it was never exchanged into', async () => {
      const { intermediate_session_token: ist, discovered_organizations: found } =
        await discoverWithSdk(harness, ADA.email)
      const north = found[0]?.membership?.member
      const error = await stytchError(
        harness.client.otps.sms.send({
          organization_id: north?.organization_id ?? '',
          member_id: north?.member_id ?? '',
          intermediate_session_token: ist,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_intermediate_session_token_for_organization',
      })
      expect(harness.emulator.outbox({ channel: 'sms' })).toEqual([])
    })

    it('the IST exchanged into one organization, used for another', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      await exchange(ist, ORGS.north)
      const { member } = await harness.client.organizations.members.get({
        organization_id: ORGS.south,
        email_address: ADA.email,
      })
      const error = await stytchError(
        harness.client.otps.sms.send({
          organization_id: member.organization_id,
          member_id: member.member_id,
          intermediate_session_token: ist,
          mfa_phone_number: '+12025550166',
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_intermediate_session_token_for_organization',
      })
    })

    it('an IST that has expired', async () => {
      const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
      harness.emulator.advanceClock(600)
      const error = await stytchError(exchange(ist, ORGS.south))
      expect(error).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })
  })
})
