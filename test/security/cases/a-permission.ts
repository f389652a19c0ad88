/**
 * Permission guards (A30–A33): a permission comes only from roles Stytch signed, read under the
 * project's RBAC policy and the session's own organization's roles, names compared exactly; no
 * policy at hand refuses.
 */
import { expect } from 'vitest'
import type { RbacPolicyInput } from '../../../src/emulator/index.js'
import type { RequireMfaOptions } from '../../../src/express/index.js'
import type { CaseApp } from '../harness/recorder.js'
import { MEMBER, ORG } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import { SESSION_JWT, expectProblem } from './shared.js'

const CONSOLE = 'admin-console'
const READ_ROUTE = '/admin/console-read'
const WRITE_ROUTE = '/admin/console-write'
const GUARDED: readonly (readonly [string, RequireMfaOptions])[] = [
  [READ_ROUTE, { permission: { resource: CONSOLE, action: 'read' } }],
  [WRITE_ROUTE, { permission: { resource: CONSOLE, action: 'write' } }],
]

const POLICY: RbacPolicyInput = {
  resources: [
    { resource_id: CONSOLE, actions: ['read', 'write', 'WRITE'] },
    { resource_id: 'Admin-Console', actions: ['write'] },
  ],
  roles: [
    { role_id: 'console-writer', permissions: [{ resource_id: CONSOLE, actions: ['write'] }] },
    { role_id: 'resource-case', permissions: [{ resource_id: 'Admin-Console', actions: ['*'] }] },
    { role_id: 'action-case', permissions: [{ resource_id: CONSOLE, actions: ['WRITE'] }] },
  ],
}

/** An app with the permission routes, built once the policy it fetches at startup is in place. */
function permissionApp(ctx: CaseContext): CaseApp {
  ctx.emulator.setRbacPolicy(POLICY)
  return ctx.buildApp({ guarded: GUARDED })
}

/** What a guarded route answers to a session JWT. */
async function present(ctx: CaseContext, app: CaseApp, jwt: string, path: string) {
  const client = ctx.client({ app })
  client.jar.set(SESSION_JWT, jwt)
  return client.get(path)
}

/**
 * On an app with the permission routes, each `refused` JWT gets `problem` on the write route and
 * the `control` JWT passes: what refuses is the one thing the attack changed.
 */
async function expectOnlyControlAdmitted(
  ctx: CaseContext,
  refused: readonly string[],
  problem: readonly [number, string],
  control: string,
): Promise<void> {
  const app = permissionApp(ctx)
  for (const jwt of refused) {
    expectProblem(await present(ctx, app, jwt, WRITE_ROUTE), ...problem)
  }
  expect((await present(ctx, app, control, WRITE_ROUTE)).status).toBe(200)
}

/** Gives an organization roles of its own, as `rbac.organizations.setOrgPolicy` does. */
async function setOrganizationRoles(ctx: CaseContext, organizationId: string): Promise<void> {
  // Stytch checks an organization's roles against the project's resources.
  ctx.emulator.setRbacPolicy(POLICY)
  const { origin, projectId, secret } = ctx.emulator
  const res = await fetch(`${origin}/v1/b2b/rbac/organizations/${organizationId}`, {
    method: 'PUT',
    headers: {
      authorization: `Basic ${Buffer.from(`${projectId}:${secret}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      org_policy: {
        roles: [
          { role_id: 'beta-editor', permissions: [{ resource_id: CONSOLE, actions: ['*'] }] },
        ],
      },
    }),
  })
  expect(res.status).toBe(200)
}

export const permissionCases: readonly SecurityCase[] = [
  {
    id: 'A30',
    category: 'A',
    title:
      'refuses roles forged into a JWT signed by a foreign key, where the same roles signed by Stytch pass',
    expect: { admitted: 1 },
    async run(ctx) {
      const roles = ['stytch_member', 'console-writer']
      const forged = ctx.jwt({ roles, key: 'foreign' })
      await expectOnlyControlAdmitted(ctx, [forged], [401, 'not_signed_in'], ctx.jwt({ roles }))
    },
  },
  {
    id: 'A31',
    category: 'A',
    title:
      "refuses a role that only another organization's own roles define, which admits in that organization",
    expect: { admitted: 1 },
    async run(ctx) {
      await setOrganizationRoles(ctx, ORG.beta)
      const roles = ['stytch_member', 'beta-editor']
      const inAcme = ctx.jwt({ roles, organizationId: ORG.acme, slug: 'acme' })
      const inBeta = ctx.jwt({
        roles,
        organizationId: ORG.beta,
        slug: 'beta',
        memberId: MEMBER.plain,
      })
      await expectOnlyControlAdmitted(ctx, [inAcme], [403, 'forbidden'], inBeta)
    },
  },
  {
    id: 'A32',
    category: 'A',
    title:
      'refuses a role that grants the resource or the action spelled in another case, and admits the exact spelling',
    expect: { admitted: 1 },
    async run(ctx) {
      const respelled = ['resource-case', 'action-case'].map((role) =>
        ctx.jwt({ roles: ['stytch_member', role] }),
      )
      const exact = ctx.jwt({ roles: ['stytch_member', 'console-writer'] })
      await expectOnlyControlAdmitted(ctx, respelled, [403, 'forbidden'], exact)
    },
  },
  {
    id: 'A33',
    category: 'A',
    title:
      'refuses with 503 while no RBAC policy could be fetched, asking Stytch again only after 30 s',
    expect: { upstreamFault: true },
    async run(ctx) {
      ctx.emulator.injectFault('/v1/b2b/rbac/policy', { kind: 'status', status: 500 }, 10)
      const app = permissionApp(ctx)
      const jwt = ctx.jwt({ roles: ['stytch_member', 'stytch_admin', 'console-writer'] })
      for (let i = 0; i < 5; i += 1) {
        expectProblem(await present(ctx, app, jwt, READ_ROUTE), 503, 'rbac_policy_unavailable')
      }
      expect(ctx.emulator.calls('/v1/b2b/rbac/policy')).toBe(1)
      ctx.emulator.advanceClock(30)
      expectProblem(await present(ctx, app, jwt, READ_ROUTE), 503, 'rbac_policy_unavailable')
      expect(ctx.emulator.calls('/v1/b2b/rbac/policy')).toBe(2)
    },
  },
]
