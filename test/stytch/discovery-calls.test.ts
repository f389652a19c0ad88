/**
 * The port's discovery calls and exchanges, against the emulator (what Stytch answers) and a fake
 * Stytch (what it must not be trusted to answer).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PrimaryAuthResult, StytchPort } from '../../src/core/ports/stytch.js'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { ADA, ORGS, discoverySeed } from '../helpers/emulator-discovery.js'
import {
  IST,
  MEMBER_ID,
  ORGANIZATION_ID,
  closeAllFakes,
  mfaRequiredJson,
  portFor,
  quietStytchWarnings,
  sendJson,
  startFakeStytch,
  stytchPort,
} from './helpers.js'

describe('the discovery calls of createStytchPort()', () => {
  quietStytchWarnings()

  let emulator: Emulator
  let port: StytchPort

  beforeAll(async () => {
    emulator = await startEmulator({ seed: discoverySeed })
  })
  afterAll(() => emulator.close())
  beforeEach(() => {
    emulator.reset()
    port = stytchPort(
      { projectId: emulator.projectId, secret: emulator.secret, baseUrl: emulator.url },
      () => emulator.now(),
    )
  })

  async function discoverAda() {
    await port.sendDiscoveryEmailOtp({ emailAddress: ADA.email })
    return port.authenticateDiscoveryEmailOtp({
      emailAddress: ADA.email,
      code: emulator.lastCode(ADA.email) ?? '',
    })
  }

  const idOf = (
    organizations: readonly { organizationSlug: string; organizationId: string }[],
    slug: string,
  ) =>
    organizations.find((organization) => organization.organizationSlug === slug)?.organizationId ??
    ''

  /** Ada's discovery, then the exchange into the organization `slug`. */
  async function enter(slug: string) {
    const found = await discoverAda()
    const organizationId = idOf(found.organizations, slug)
    const result = await port.exchangeIntermediateSession({
      intermediateSessionToken: found.intermediateSessionToken,
      organizationId,
      sessionDurationMinutes: 60,
    })
    return { organizationId, result }
  }

  /** An organization as the port reads it; the seed's allow both second factors. */
  const what = (organizationSlug: string, membership: string, mfaRequired: boolean) => ({
    organizationSlug,
    membership,
    mfaRequired,
    mfaMethods: ['sms_otp', 'totp'],
  })

  it('lists what each organization asks, leaving out one that wants another primary method', async () => {
    const found = await discoverAda()
    expect(found.intermediateSessionExpiresAt.getTime()).toBeGreaterThan(emulator.now().getTime())
    expect(
      found.organizations.map(({ organizationSlug, membership, mfaRequired, mfaMethods }) => ({
        organizationSlug,
        membership,
        mfaRequired,
        mfaMethods,
      })),
    ).toEqual([
      what(ORGS.north, 'active', true),
      what(ORGS.south, 'active', false),
      what(ORGS.east, 'invited', false),
      what(ORGS.west, 'eligible', false),
    ])
  })

  it('exchanges the intermediate session into the MFA step of an organization that asks for it', async () => {
    const { organizationId: north, result } = await enter(ORGS.north)
    expect(result).toMatchObject({
      kind: 'mfa_required',
      organizationId: north,
      smsSent: true,
      memberPhoneNumber: ADA.phone,
    })
  })

  it('lists a session’s organizations and exchanges the session into one without MFA', async () => {
    const { result: entered } = await enter(ORGS.south)
    expect(entered.kind).toBe('authenticated')
    const { sessionToken } = entered as Extract<PrimaryAuthResult, { kind: 'authenticated' }>
    const listed = await port.listDiscoveredOrganizations({
      credential: { kind: 'session_token', token: sessionToken },
    })
    expect(listed.organizations.map((organization) => organization.organizationSlug)).toContain(
      ORGS.north,
    )
    const east = idOf(listed.organizations, ORGS.east)
    const switched = await port.exchangeSession({
      organizationId: east,
      credential: { sessionToken },
      sessionDurationMinutes: 60,
    })
    expect(switched).toMatchObject({
      kind: 'authenticated',
      memberSession: { organizationId: east },
    })
  })

  it('passes Stytch’s refusal of an organization the address may not enter on as a 4xx', async () => {
    const found = await discoverAda()
    await expect(
      port.exchangeIntermediateSession({
        intermediateSessionToken: found.intermediateSessionToken,
        organizationId: ORGS.closed,
        sessionDurationMinutes: 60,
      }),
    ).rejects.toMatchObject({ code: 'stytch_error', stytchStatus: 400 })
  })
})

describe('an exchange answered for another organization', () => {
  quietStytchWarnings()
  afterEach(() => closeAllFakes())

  it('is refused as stytch_bad_response, whatever the call', async () => {
    const fake = await startFakeStytch((_request, res) => {
      const body = mfaRequiredJson({ organization_id: undefined })
      sendJson(res, 200, { ...body, organization: { organization_id: ORGANIZATION_ID } })
    })
    const port = portFor(fake)
    const asked = 'organization-test-11111111-aaaa-bbbb-cccc-000000000009'
    await expect(
      port.exchangeIntermediateSession({
        intermediateSessionToken: IST,
        organizationId: asked,
        sessionDurationMinutes: 60,
      }),
    ).rejects.toMatchObject({ code: 'stytch_bad_response' })
    await expect(
      port.exchangeSession({
        organizationId: asked,
        credential: { sessionToken: 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q' },
        sessionDurationMinutes: 60,
      }),
    ).rejects.toMatchObject({ code: 'stytch_bad_response' })
    // The same answer for the organization asked is read, its organization from `organization`.
    await expect(
      port.exchangeIntermediateSession({
        intermediateSessionToken: IST,
        organizationId: ORGANIZATION_ID,
        sessionDurationMinutes: 60,
      }),
    ).resolves.toMatchObject({ kind: 'mfa_required', memberId: MEMBER_ID })
  })
})
