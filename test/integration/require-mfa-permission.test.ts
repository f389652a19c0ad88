import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startEmulator, type Emulator, type EmulatorSeed } from '../../src/emulator/index.js'
import type { RequireMfaOptions } from '../../src/express/index.js'
import { createCore, untranslated } from '../../src/setup.js'
import { frameworks, libraryOptions, type AppSpec } from '../helpers/apps.js'
import { authRequest } from '../helpers/auth-request.js'
import { Client } from '../helpers/client.js'
import { ADMIN, OTHER_ADMIN, PLAIN, seed } from '../helpers/seed.js'
import { passEmailStep, signIn } from '../helpers/sign-in.js'

const CONSOLE = 'admin-console'
const READ = { resource: CONSOLE, action: 'read' }
const WRITE = { resource: CONSOLE, action: 'write' }
const POLICY_PATH = '/v1/b2b/rbac/policy'

/**
 * The shared seed with an RBAC policy: Acme's admin reads the console through a project role,
 * Acme's other admin through a role of Acme's own; Beta has an editor role of its own.
 */
const permissionSeed: EmulatorSeed = {
  rbac_policy: {
    resources: [{ resource_id: CONSOLE, actions: ['read', 'write'] }],
    roles: [
      { role_id: 'console-viewer', permissions: [{ resource_id: CONSOLE, actions: ['read'] }] },
      { role_id: 'console-editor', permissions: [{ resource_id: CONSOLE, actions: ['*'] }] },
    ],
  },
  organizations: seed.organizations.map((organization) =>
    organization.organization_slug === 'acme'
      ? {
          ...organization,
          custom_roles: [
            { role_id: 'acme-auditor', permissions: [{ resource_id: CONSOLE, actions: ['read'] }] },
          ],
          members: (organization.members ?? []).map((member) => ({
            ...member,
            roles:
              member.email_address === ADMIN.email
                ? ['stytch_admin', 'console-viewer']
                : member.email_address === OTHER_ADMIN.email
                  ? ['acme-auditor']
                  : member.roles,
          })),
        }
      : {
          ...organization,
          custom_roles: [
            { role_id: 'beta-editor', permissions: [{ resource_id: CONSOLE, actions: ['*'] }] },
          ],
        },
  ),
}

const GUARDED: readonly (readonly [string, RequireMfaOptions])[] = [
  ['/console/read', { permission: READ }],
  ['/console/write', { permission: [READ, WRITE] }],
]
const SPEC: AppSpec = { guarded: GUARDED }

const emulator: { current: Emulator } = { current: undefined as unknown as Emulator }
beforeAll(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  emulator.current = await startEmulator({ seed: permissionSeed })
})
beforeEach(() => {
  emulator.current.reset()
})
afterAll(async () => {
  await emulator.current.close()
})

/** The organization a signed-in client's session belongs to. */
async function organizationOf(client: Client): Promise<string> {
  const res = await client.get('/admin')
  expect(res.status).toBe(200)
  return String(res.body.organizationId)
}

describe.each(frameworks)('requireMfa({ permission }) on $name', (framework) => {
  it('admits a member whose project role grants the permission, and refuses one it does not', async () => {
    const app = framework.build(emulator.current, SPEC)
    const admin = await signIn(app, emulator.current, ADMIN)
    expect((await admin.get('/console/read')).status).toBe(200)
    const refused = await admin.get('/console/write')
    expect(refused.status).toBe(403)
    expect(refused.body.code).toBe('forbidden')
    expect(app.admitted.get('/console/write')).toBeUndefined()
  })

  it("admits by a role of the member's organization's own", async () => {
    const app = framework.build(emulator.current, SPEC)
    const auditor = await signIn(app, emulator.current, OTHER_ADMIN)
    expect((await auditor.get('/console/read')).status).toBe(200)
    expect((await auditor.get('/console/write')).body.code).toBe('forbidden')
  })

  it('makes no Stytch call per guarded request once the policies are fetched', async () => {
    const app = framework.build(emulator.current, SPEC)
    const admin = await signIn(app, emulator.current, ADMIN)
    const organizationId = await organizationOf(admin)
    expect((await admin.get('/console/read')).status).toBe(200)
    const before = emulator.current.calls()
    for (let i = 0; i < 20; i += 1) {
      expect((await admin.get('/console/read')).status).toBe(200)
      expect((await admin.get('/console/write')).status).toBe(403)
    }
    expect(emulator.current.calls() - before).toBe(0)
    expect(emulator.current.calls(POLICY_PATH)).toBe(1)
    expect(emulator.current.calls(`/v1/b2b/rbac/organizations/${organizationId}`)).toBe(1)
  })

  it('fails closed with 503 rbac_policy_unavailable while Stytch has not given the policy', async () => {
    emulator.current.injectFault(POLICY_PATH, { kind: 'status', status: 500 })
    const app = framework.build(emulator.current, SPEC)
    const admin = await signIn(app, emulator.current, ADMIN)
    const refused = await admin.get('/console/read')
    expect(refused.status).toBe(503)
    expect(refused.body.code).toBe('rbac_policy_unavailable')
    expect(app.admitted.get('/console/read')).toBeUndefined()
    expect(emulator.current.calls(POLICY_PATH)).toBe(1)
    expect(app.events).toContainEqual(
      expect.objectContaining({ type: 'upstream_failed', operation: 'rbac.policy' }),
    )
    emulator.current.advanceClock(30)
    expect((await admin.get('/console/read')).status).toBe(200)
    expect(emulator.current.calls(POLICY_PATH)).toBe(2)
  })

  it('answers a browser without the permission with the error page, not a redirect', async () => {
    const app = framework.build(emulator.current, SPEC)
    const admin = await signIn(app, emulator.current, ADMIN)
    const page = await admin.get('/console/write', { browser: true })
    // A redirect would loop: the member cannot gain the permission by signing in again.
    expect(page.status).toBe(403)
    expect(page.headers.location).toBeUndefined()
  })

  it('asks for the second factor before it looks at permissions', async () => {
    const app = framework.build(emulator.current, SPEC)
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current, PLAIN, { organization: 'beta' })
    const res = await client.get('/console/read')
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('mfa_required')
  })
})

describe('requireMfa({ permission }) at startup', () => {
  it('warns once the policy arrives about a permission it does not define, and refuses it', async () => {
    const lines: string[] = []
    const logger = { warn: (line: string) => lines.push(line), error: () => undefined }
    const typo = { resource: CONSOLE, action: 'reed' }
    const [framework] = frameworks
    if (framework === undefined) throw new Error('no framework')
    const app = framework.build(emulator.current, {
      options: { logger },
      guarded: [['/console/typo', { permission: typo }], ...GUARDED],
    })
    await expect.poll(() => lines.length).toBe(1)
    expect(lines[0]).toContain('permission reed on admin-console')
    const admin = await signIn(app, emulator.current, ADMIN)
    expect((await admin.get('/console/typo')).body.code).toBe('forbidden')
    expect(lines).toHaveLength(1)
  })

  it('answers a session it knows without a promise once the policies are at hand', async () => {
    const [framework] = frameworks
    if (framework === undefined) throw new Error('no framework')
    const admin = await signIn(framework.build(emulator.current, SPEC), emulator.current, ADMIN)
    const cookie = ['__Host-stytch_session', '__Host-stytch_session_jwt']
      .map((name) => `${name}=${admin.jar.get(name) ?? ''}`)
      .join('; ')
    const core = createCore(libraryOptions(emulator.current, [], {}), untranslated)
    const guard = core.requireMfa({ permission: READ })
    const request = authRequest({ method: 'GET', url: '/console/read', headers: { cookie } })
    const first = guard(request)
    expect(first).toBeInstanceOf(Promise)
    expect((await first).outcome.kind).toBe('next')
    const again = guard(request)
    expect(again).not.toBeInstanceOf(Promise)
    expect((again as Awaited<typeof first>).outcome.kind).toBe('next')
    const denied = core.requireMfa({ permission: WRITE })(request)
    expect(denied).not.toBeInstanceOf(Promise)
    expect((denied as Awaited<typeof first>).outcome.kind).not.toBe('next')
  })
})
