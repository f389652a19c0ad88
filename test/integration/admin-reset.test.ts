import { B2BClient } from 'stytch'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { frameworks, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN, OTHER_ADMIN } from '../helpers/seed.js'
import { signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()
const REVOKE = '/v1/b2b/sessions/revoke'
const FAR = { email: 'far@beta.test', phone: '+12025550133' } as const

/** The member's MFA phone as Stytch holds it ('' for none), read past the library. */
async function phoneAtStytch(organization: string, email: string): Promise<string> {
  const { projectId, secret, url } = emulator.current
  const client = new B2BClient({ project_id: projectId, secret, env: url })
  const { member } = await client.organizations.members.get({
    organization_id: organization,
    email_address: email,
  })
  return member.mfa_phone_number
}

async function memberIdOf(client: Client): Promise<string> {
  const res = await client.get('/admin')
  expect(res.status).toBe(200)
  return res.body.memberId as string
}

function reset(admin: Client, memberId: string) {
  return admin.post(`/admin/members/${memberId}/reset-mfa`)
}

function signInBoth(app: TestApp, current: Emulator) {
  return Promise.all([signIn(app, current, ADMIN), signIn(app, current, OTHER_ADMIN)])
}

describe.each(frameworks)('resetMemberMfa() on $name', (framework) => {
  it('lets an admin with a fresh factor remove a member’s phone and end their sessions at once', async () => {
    const app = framework.build(emulator.current)
    const [admin, member] = await signInBoth(app, emulator.current)
    const memberId = await memberIdOf(member)
    const copied = new Client(app.listener, member.jar.clone())
    const res = await reset(admin, memberId)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ memberId, factorsRemoved: ['sms'], sessionsRevoked: 1 })
    expect((await member.get('/admin')).status).toBe(401)
    expect((await copied.get('/admin')).status).toBe(401)
    expect((await admin.get('/admin')).status).toBe(200)
    expect(await phoneAtStytch('acme', OTHER_ADMIN.email)).toBe('')
    expect(app.events).toContainEqual(
      expect.objectContaining({
        type: 'member_mfa_reset',
        memberId,
        actorMemberId: await memberIdOf(admin),
        factors: ['sms', 'totp'],
        sessionsRevoked: 1,
      }),
    )
    expect(JSON.stringify(app.events)).not.toContain(OTHER_ADMIN.phone.slice(2))
  })

  it('refuses a member of another organization with 403 and changes nothing', async () => {
    const app = framework.build(emulator.current)
    const far = emulator.current.createMember('beta', {
      email_address: FAR.email,
      mfa_phone_number: FAR.phone,
    })
    const admin = await signIn(app, emulator.current, ADMIN)
    const res = await reset(admin, far.member_id)
    expect(res.status).toBe(403)
    expect(await phoneAtStytch('beta', FAR.email)).toBe(FAR.phone)
    expect(emulator.current.calls(REVOKE)).toBe(0)
    expect(app.events.some((event) => event.type === 'member_mfa_reset')).toBe(false)
  })

  it('counts a member of another organization as a refusal, not as a Stytch failure', async () => {
    const logged: string[] = []
    const logger = {
      warn: (line: string) => logged.push(line),
      error: (line: string) => logged.push(line),
    }
    const app = framework.build(emulator.current, { options: { logger } })
    const far = emulator.current.createMember('beta', {
      email_address: FAR.email,
      mfa_phone_number: FAR.phone,
    })
    const admin = await signIn(app, emulator.current, ADMIN)
    expect((await reset(admin, far.member_id)).status).toBe(403)
    expect(app.events).toContainEqual(
      expect.objectContaining({ type: 'mfa_denied', code: 'forbidden' }),
    )
    expect(app.events.filter((event) => event.type === 'upstream_failed')).toEqual([])
    expect(logged).toEqual([])
  })

  it('refuses a member without an admin role with 403', async () => {
    const app = framework.build(emulator.current)
    const [admin, member] = await signInBoth(app, emulator.current)
    const res = await reset(member, await memberIdOf(admin))
    expect(res.status).toBe(403)
    expect(await phoneAtStytch('acme', ADMIN.email)).toBe(ADMIN.phone)
    expect((await admin.get('/admin')).status).toBe(200)
  })

  it('refuses an admin whose second factor is older than 10 minutes with 403', async () => {
    const app = framework.build(emulator.current)
    const [admin, member] = await signInBoth(app, emulator.current)
    const memberId = await memberIdOf(member)
    emulator.current.advanceClock(11 * 60)
    const res = await reset(admin, memberId)
    expect(res.status).toBe(403)
    expect(app.events).toContainEqual(
      expect.objectContaining({ type: 'mfa_denied', code: 'mfa_stale' }),
    )
    expect(await phoneAtStytch('acme', OTHER_ADMIN.email)).toBe(OTHER_ADMIN.phone)
    expect(emulator.current.calls(REVOKE)).toBe(0)
  })
})
