import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import {
  ADA,
  ORGS,
  SIGNED_IN,
  discoverySeed,
  signInByEmail,
  signInToNorth,
  smsStepWithSdk,
} from '../helpers/emulator-discovery.js'

const harness = useEmulatorHarness(discoverySeed)

const exchange = (request: { organization_id: string } & Record<string, unknown>) =>
  harness.client.sessions.exchange(request)

describe('POST /v1/b2b/sessions/exchange', () => {
  describe('into an organization whose requirements the session meets', () => {
    it('returns a new session there with the email factor only, and keeps the old one', async () => {
      const north = await signInToNorth(harness)
      const response = await exchange({
        session_token: north.session_token,
        organization_id: ORGS.south,
        session_custom_claims: { tenant: 'south' },
      })
      expect(response).toMatchObject({
        ...SIGNED_IN,
        organization: { organization_slug: ORGS.south },
        member: { email_address: ADA.email },
        member_session: { custom_claims: { tenant: 'south' } },
      })
      expect(response.member_id).not.toBe(north.member_id)
      expect(response.session_token).not.toBe(north.session_token)
      expect(response.member_session?.authentication_factors.map((f) => f.type)).toEqual([
        'email_otp',
      ])
      expect(decodeJwt(response.session_jwt)).toMatchObject({
        tenant: 'south',
        'https://stytch.com/organization': { slug: ORGS.south },
      })
      const old = await harness.client.sessions.authenticate({ session_token: north.session_token })
      expect(old.organization.organization_slug).toBe(ORGS.north)
    })

    it('takes the session JWT as well as the token', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const response = await exchange({
        session_jwt: south.session_jwt,
        organization_id: ORGS.east,
      })
      expect(response).toMatchObject({ member_authenticated: true, member: { status: 'active' } })
    })
  })

  describe('into an organization that requires MFA the session lacks', () => {
    it('answers mfa_required with an IST bound there, sends the SMS, and the SMS step signs in', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const pending = await exchange({
        session_token: south.session_token,
        organization_id: ORGS.north,
      })
      expect(pending).toMatchObject({
        member_authenticated: false,
        session_token: '',
        session_jwt: '',
        member_session: null,
        mfa_required: {
          member_options: { mfa_phone_number: ADA.phone },
          secondary_auth_initiated: 'sms_otp',
        },
        organization: { organization_slug: ORGS.north },
      })
      expect(pending.intermediate_session_token).not.toBe('')
      const signedIn = await smsStepWithSdk(harness, pending)
      expect(signedIn.member_session?.authentication_factors.map((f) => f.type)).toEqual([
        'email_otp',
        'otp',
      ])
    })

    it('hands out an IST that the discovery exchange takes into yet another organization', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const pending = await exchange({
        session_token: south.session_token,
        organization_id: ORGS.north,
      })
      const exchanged = {
        intermediate_session_token: pending.intermediate_session_token,
        organization_id: ORGS.west,
      }
      const west = await harness.client.discovery.intermediateSessions.exchange(exchanged)
      expect(west).toMatchObject({
        ...SIGNED_IN,
        organization: { organization_slug: ORGS.west },
        member: { email_address: ADA.email, status: 'active' },
      })
      const reused = await stytchError(
        harness.client.discovery.intermediateSessions.exchange(exchanged),
      )
      expect(reused).toMatchObject({
        status_code: 404,
        error_type: 'intermediate_session_not_found',
      })
    })

    it('asks for MFA again even when the session did MFA in its own organization', async () => {
      const north = await signInToNorth(harness)
      const { member_id: memberId } = await harness.client.organizations.members.get({
        organization_id: ORGS.south,
        email_address: ADA.email,
      })
      await harness.client.organizations.members.update({
        organization_id: ORGS.south,
        member_id: memberId,
        mfa_enrolled: true,
      })
      const response = await exchange({
        session_token: north.session_token,
        organization_id: ORGS.south,
      })
      expect(response.member_authenticated).toBe(false)
      expect(response.mfa_required).toEqual({
        member_options: null,
        secondary_auth_initiated: null,
      })
    })
  })

  describe('refuses', () => {
    it('an organization the member does not belong to (404 member_not_found)', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const error = await stytchError(
        exchange({ session_token: south.session_token, organization_id: ORGS.closed }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
    })

    it('to provision a member by email domain, which only the IST exchange does', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const error = await stytchError(
        exchange({ session_token: south.session_token, organization_id: ORGS.west }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
    })

    it('a revoked session', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      await harness.client.sessions.revoke({ session_token: south.session_token })
      const error = await stytchError(
        exchange({ session_token: south.session_token, organization_id: ORGS.east }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
    })

    it('both a token and a JWT', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const error = await stytchError(
        exchange({
          session_token: south.session_token,
          session_jwt: south.session_jwt,
          organization_id: ORGS.east,
        }),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'too_many_session_arguments' })
    })

    it('the IST it handed out, for another organization than its own', async () => {
      const south = await signInByEmail(harness, ORGS.south, ADA.email)
      const pending = await exchange({
        session_token: south.session_token,
        organization_id: ORGS.north,
      })
      const error = await stytchError(
        smsStepWithSdk(harness, {
          ...south,
          intermediate_session_token: pending.intermediate_session_token,
        }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'invalid_intermediate_session_token_for_organization',
      })
    })
  })
})
