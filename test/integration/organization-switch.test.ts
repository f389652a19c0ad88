/**
 * Organization switching on every framework: a signed-in member lists their organizations and
 * moves to another, passing its second factor where it asks for one; the old session ends.
 */
import { describe, expect, it } from 'vitest'
import { frameworks, type AppSpec, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { CookieJar } from '../helpers/cookie-jar.js'
import { discover, idOf } from '../helpers/discover.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import {
  HARBOR,
  KIT,
  MEADOW,
  SUMMIT,
  TESS,
  organizationsSeed,
} from '../helpers/organizations-seed.js'

const EXCHANGE = '/v1/b2b/sessions/exchange'
const LIST = '/v1/b2b/discovery/organizations'
const REVOKE = '/v1/b2b/sessions/revoke'

const fixture = useEmulator(organizationsSeed)

/** Kit signed in to Harbor by discovery and SMS. */
async function kitInHarbor(app: TestApp): Promise<Client> {
  const client = new Client(app.listener)
  await discover(client, fixture.current, KIT.email)
  await client.post('/auth/discovery/select', { organizationSlug: HARBOR })
  const res = await client.post('/auth/sms/verify', { code: fixture.current.lastCode(KIT.phone) })
  expect(res.body.status).toBe('signed_in')
  return client
}

/** The organization the client's session is in, as the library lists it. */
async function currentOrganization(client: Client): Promise<string> {
  const res = await client.get('/organizations')
  expect(res.status).toBe(200)
  return String(res.body.organizationId)
}

/** A client holding a copy of `client`'s cookies as they are now. */
function copyOf(app: TestApp, client: Client): Client {
  const jar = new CookieJar()
  for (const name of client.jar.names()) jar.set(name, client.jar.get(name) ?? '')
  return new Client(app.listener, jar)
}

const SERVER: AppSpec = { storage: 'server' }

describe.each(frameworks)('organization switching on $name', (framework) => {
  it('lists the member’s organizations with the current one marked', async () => {
    const app = framework.build(fixture.current)
    const client = await kitInHarbor(app)
    const res = await client.get('/organizations')
    expect(res.body).toEqual({
      organizationId: expect.stringMatching(/^organization-/),
      organizations: [
        expect.objectContaining({ organizationSlug: HARBOR, current: true }),
        expect.objectContaining({ organizationSlug: MEADOW, current: false, mfaRequired: false }),
      ],
    })
    expect(res.body.organizationId).toBe(idOf(res.body.organizations, HARBOR))
    expect((await new Client(app.listener).get('/organizations')).status).toBe(401)
  })

  it.each([
    ['cookies', {}],
    ['a server-side session', SERVER],
  ] as const)(
    'switches to an organization without MFA at once and back, where its SMS step is asked again (%s)',
    async (_storage, spec) => {
      const app = framework.build(fixture.current, spec)
      const client = await kitInHarbor(app)
      const harbor = await currentOrganization(client)
      const before = copyOf(app, client)

      const toMeadow = await client.post('/auth/organizations/switch', {
        organizationSlug: MEADOW,
      })
      expect(toMeadow.status).toBe(200)
      expect(toMeadow.body).toEqual({ status: 'signed_in', next: '/' })
      const meadow = await currentOrganization(client)
      expect(meadow).not.toBe(harbor)
      // Harbor's session ended here and at Stytch: a copy of its cookies opens nothing.
      expect(fixture.current.calls(REVOKE)).toBe(1)
      expect((await before.get('/admin')).status).toBe(401)
      expect((await before.get('/organizations')).status).toBe(401)

      const toHarbor = await client.post('/auth/organizations/switch', { organizationId: harbor })
      expect(toHarbor.body).toMatchObject({
        status: 'mfa_required',
        next: '/mfa',
        smsSent: true,
        methods: ['sms', 'totp'],
      })
      // Between the two, no session: Meadow's ended, Harbor's waits for its second factor.
      expect((await client.get('/organizations')).status).toBe(401)
      expect((await client.get('/login-state')).body.stage).toBe('mfa')
      const signedIn = await client.post('/auth/sms/verify', {
        code: fixture.current.lastCode(KIT.phone),
      })
      expect(signedIn.body).toEqual({ status: 'signed_in', next: '/' })
      const admin = await client.get('/admin/role')
      expect(admin.status).toBe(200)
      expect(admin.body.organizationId).toBe(harbor)
      expect(fixture.current.calls(REVOKE)).toBe(2)
      expect(app.events.filter((event) => event.type === 'organization_entered')).toEqual([
        expect.objectContaining({ via: 'discovery', signedIn: false }),
        expect.objectContaining({
          via: 'switch',
          signedIn: true,
          organizationId: meadow,
          fromOrganizationId: harbor,
          revoked: true,
        }),
        expect.objectContaining({
          via: 'switch',
          signedIn: false,
          organizationId: harbor,
          fromOrganizationId: meadow,
        }),
      ])
    },
  )

  it('switches from an authenticator-only organization and back with the app', async () => {
    const app = framework.build(fixture.current)
    const client = new Client(app.listener)
    await discover(client, fixture.current, TESS.email)
    await client.post('/auth/discovery/select', { organizationSlug: SUMMIT })
    await client.post('/auth/totp/verify', { code: fixture.current.totpCode(TESS.email, SUMMIT) })
    expect((await client.get('/admin')).status).toBe(200)

    const away = await client.post('/auth/organizations/switch', { organizationSlug: MEADOW })
    expect(away.body.status).toBe('signed_in')
    const back = await client.post('/auth/organizations/switch', { organizationSlug: SUMMIT })
    expect(back.body).toMatchObject({ status: 'mfa_required', smsSent: false, methods: ['totp'] })
    fixture.current.advanceClock(30)
    const res = await client.post('/auth/totp/verify', {
      code: fixture.current.totpCode(TESS.email, SUMMIT),
    })
    expect(res.body).toEqual({ status: 'signed_in', next: '/' })
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('refuses a switch to the current organization with 409, asking Stytch nothing', async () => {
    const app = framework.build(fixture.current)
    const client = await kitInHarbor(app)
    const calls = fixture.current.calls()
    for (const body of [
      { organizationId: await currentOrganization(client) },
      { organizationSlug: HARBOR },
    ]) {
      const res = await client.post('/auth/organizations/switch', body)
      expect(res.status).toBe(409)
      expect(res.body.code).toBe('already_in_organization')
    }
    // The one call is the list above; the refusals asked nothing.
    expect(fixture.current.calls() - calls).toBe(1)
    expect(fixture.current.calls(EXCHANGE)).toBe(0)
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('refuses an organization Stytch does not list for the member with 403, keeping the session', async () => {
    const app = framework.build(fixture.current)
    const client = await kitInHarbor(app)
    const res = await client.post('/auth/organizations/switch', { organizationSlug: SUMMIT })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('organization_not_available')
    expect(fixture.current.calls(LIST)).toBe(1)
    expect(fixture.current.calls(EXCHANGE)).toBe(0)
    expect(fixture.current.calls(REVOKE)).toBe(0)
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('answers a browser’s form post with redirects: home when signed in, the MFA page otherwise', async () => {
    const app = framework.build(fixture.current)
    const client = await kitInHarbor(app)
    const form = { browser: true, form: true } as const
    const away = await client.post('/auth/organizations/switch', { organizationSlug: MEADOW }, form)
    expect(away.status).toBe(303)
    expect(away.headers.location).toBe('/')
    const back = await client.post('/auth/organizations/switch', { organizationSlug: HARBOR }, form)
    expect(back.status).toBe(303)
    expect(back.headers.location).toBe('/mfa')
    const same = await new Client(app.listener).post(
      '/auth/organizations/switch',
      { organizationSlug: HARBOR },
      form,
    )
    expect(same.status).toBe(303)
    expect(same.headers.location).toBe('/login?error=not_signed_in')
  })
})
