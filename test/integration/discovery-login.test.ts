/**
 * Discovery login on every framework: an email alone, its code, the organizations Stytch lists
 * for the address, then the chosen organization's second factor, as after an organization's own
 * email step.
 */
import { describe, expect, it } from 'vitest'
import { frameworks, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { discover, idOf } from '../helpers/discover.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import {
  HARBOR,
  KIT,
  MEADOW,
  SOLO,
  SUMMIT,
  TESS,
  organizationsSeed,
} from '../helpers/organizations-seed.js'

const PENDING = '__Host-stytch_mfa_pending'
const EXCHANGE = '/v1/b2b/discovery/intermediate_sessions/exchange'

const fixture = useEmulator(organizationsSeed)

describe.each(frameworks)('discovery login on $name', (framework) => {
  /** An app, and a client of it past a discovery code for `email`. */
  async function discovered(email: string, options: Parameters<typeof discover>[3] = {}) {
    const app: TestApp = framework.build(fixture.current)
    const client = new Client(app.listener)
    const found = await discover(client, fixture.current, email, options)
    return { app, client, found }
  }

  it('lists the organizations of a member of two, then signs in to the one picked with its SMS step', async () => {
    const app = framework.build(fixture.current)
    const client = new Client(app.listener)
    const sent = await client.post('/auth/discovery/send', { email: KIT.email })
    expect(sent.body).toEqual({ status: 'email_sent', next: '/login/code' })
    expect((await client.get('/login-state')).body).toMatchObject({
      stage: 'email',
      discovery: true,
    })

    const found = await client.post('/auth/discovery/verify', {
      code: fixture.current.lastCode(KIT.email),
    })
    expect(found.status).toBe(200)
    expect(found.body).toEqual({
      status: 'organizations',
      next: '/login/organizations',
      organizations: [
        {
          organizationId: expect.stringMatching(/^organization-/),
          organizationSlug: HARBOR,
          organizationName: 'Harbor',
          membership: 'active',
          mfaRequired: true,
          methods: ['sms', 'totp'],
        },
        {
          organizationId: expect.stringMatching(/^organization-/),
          organizationSlug: MEADOW,
          organizationName: 'Meadow',
          membership: 'active',
          mfaRequired: false,
          methods: [],
        },
      ],
    })
    expect(JSON.stringify(found.body)).not.toContain('intermediate')
    const state = await client.get('/login-state')
    expect(state.body).toMatchObject({ stage: 'organizations', discovery: true })
    expect(state.body.organizations).toEqual(found.body.organizations)
    expect((await client.get('/admin')).status).toBe(401)
    expect(fixture.current.calls(EXCHANGE)).toBe(0)

    const picked = await client.post('/auth/discovery/select', {
      organizationId: idOf(found.body.organizations, HARBOR),
    })
    expect(picked.status).toBe(200)
    expect(picked.body).toEqual({
      status: 'mfa_required',
      next: '/mfa',
      smsSent: true,
      phoneNumber: '+1 ••••••0160',
      needsPhone: false,
      methods: ['sms', 'totp'],
      enrolled: ['sms'],
      defaultMethod: 'sms',
      needsEnrolment: false,
    })
    expect((await client.get('/login-state')).body).toMatchObject({
      stage: 'mfa',
      discovery: false,
      organizations: [],
    })
    expect((await client.get('/admin')).status).toBe(401)

    const signedIn = await client.post('/auth/sms/verify', {
      code: fixture.current.lastCode(KIT.phone),
    })
    expect(signedIn.body).toEqual({ status: 'signed_in', next: '/' })
    expect(client.jar.get(PENDING)).toBeUndefined()
    const admin = await client.get('/admin/role')
    expect(admin.status).toBe(200)
    expect(admin.body.organizationId).toBe(idOf(found.body.organizations, HARBOR))
    expect(app.events.filter((event) => event.type === 'organization_entered')).toEqual([
      expect.objectContaining({ via: 'discovery', signedIn: false }),
    ])
  })

  it('signs in to an authenticator-only organization picked by slug with the app', async () => {
    const { client, found } = await discovered(TESS.email)
    expect(found.body.organizations).toHaveLength(2)
    const picked = await client.post('/auth/discovery/select', { organizationSlug: SUMMIT })
    expect(picked.body).toMatchObject({
      status: 'mfa_required',
      smsSent: false,
      methods: ['totp'],
      enrolled: ['totp'],
      needsEnrolment: false,
    })
    const res = await client.post('/auth/totp/verify', {
      code: fixture.current.totpCode(TESS.email, SUMMIT),
    })
    expect(res.body).toEqual({ status: 'signed_in', next: '/' })
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('signs in at once to an organization that asks for no second factor', async () => {
    const { client } = await discovered(KIT.email)
    const picked = await client.post('/auth/discovery/select', { organizationSlug: MEADOW })
    expect(picked.body).toEqual({ status: 'signed_in', next: '/' })
    expect(client.jar.get(PENDING)).toBeUndefined()
    // A session, but without a second factor: the guard still asks for one.
    const admin = await client.get('/admin')
    expect(admin.status).toBe(403)
    expect(admin.body.code).toBe('mfa_required')
  })

  it('enters the only organization of a member at once, without a picker', async () => {
    const { client, found } = await discovered(SOLO.email)
    expect(found.body).toMatchObject({ status: 'mfa_required', next: '/mfa', smsSent: true })
    expect(fixture.current.calls(EXCHANGE)).toBe(1)
    await client.post('/auth/sms/verify', { code: fixture.current.lastCode(SOLO.phone) })
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('answers an address no organization knows with an empty list, like any other', async () => {
    const { client, found } = await discovered('nobody@nowhere.test')
    expect(found.body).toEqual({
      status: 'organizations',
      next: '/login/organizations',
      organizations: [],
    })
    const picked = await client.post('/auth/discovery/select', { organizationSlug: HARBOR })
    expect(picked.status).toBe(403)
    expect(picked.body.code).toBe('organization_not_available')
  })

  it('walks a browser without JavaScript through the forms to the page it asked for', async () => {
    const form = { browser: true, form: true } as const
    const { client, found } = await discovered(KIT.email, { ...form, returnTo: '/admin' })
    expect(found.status).toBe(303)
    expect(found.headers.location).toBe('/login/organizations')
    const picked = await client.post('/auth/discovery/select', { organizationSlug: HARBOR }, form)
    expect(picked.status).toBe(303)
    expect(picked.headers.location).toBe('/mfa')
    const code = fixture.current.lastCode(KIT.phone)
    const signedIn = await client.post('/auth/sms/verify', { code }, form)
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.location).toBe('/admin')
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('sends a browser back to the picker with the error for an organization not listed', async () => {
    const { client } = await discovered(TESS.email, { browser: true, form: true })
    const picked = await client.post(
      '/auth/discovery/select',
      { organizationSlug: HARBOR },
      { browser: true, form: true },
    )
    expect(picked.status).toBe(303)
    expect(picked.headers.location).toBe('/login/organizations?error=organization_not_available')
    expect(fixture.current.calls(EXCHANGE)).toBe(0)
    expect((await client.get('/login-state')).body.stage).toBe('organizations')
  })

  it('keeps the slugs but not the names of a list too long for the cookie, and refuses one longer still', async () => {
    const crowd = 'crowd@many.test'
    const join = (count: number, from = 0) => {
      for (let n = from; n < from + count; n += 1) {
        const slug = `crowd-${String(n).padStart(2, '0')}`
        fixture.current.createOrganization({
          organization_name: `The organization with a rather long name number ${String(n)}`,
          organization_slug: slug,
        })
        fixture.current.createMember(slug, { email_address: crowd })
      }
    }
    join(18)
    const { app, client, found } = await discovered(crowd)
    expect(found.status).toBe(200)
    expect(found.body.organizations).toHaveLength(18)
    const [first] = found.body.organizations as { organizationName: string }[]
    expect(first?.organizationName).toMatch(/^The organization with a rather long name/)
    const state = await client.get('/login-state')
    expect(state.body.organizations).toHaveLength(18)
    expect(state.body.organizations[0]).toMatchObject({
      organizationSlug: 'crowd-00',
      organizationName: 'crowd-00',
    })
    expect(
      (await client.post('/auth/discovery/select', { organizationSlug: 'crowd-17' })).status,
    ).toBe(200)

    join(22, 18)
    const crowded = await discover(new Client(app.listener), fixture.current, crowd)
    expect(crowded.status).toBe(409)
    expect(crowded.body.code).toBe('too_many_organizations')
  })

  it('refuses a choice named both by id and by slug, or by neither, with 400', async () => {
    const { client, found } = await discovered(KIT.email)
    const id = idOf(found.body.organizations, HARBOR)
    for (const body of [{}, { organizationId: id, organizationSlug: HARBOR }]) {
      const res = await client.post('/auth/discovery/select', body)
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('invalid_request')
    }
    expect(fixture.current.calls(EXCHANGE)).toBe(0)
  })
})
