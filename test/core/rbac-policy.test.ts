import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { parseOptions, requireMfaOptionsSchema } from '../../src/core/options.js'
import type {
  OrganizationRbacPolicy,
  RbacPolicy,
  RbacRole,
  StytchPort,
} from '../../src/core/ports/stytch.js'
import {
  RBAC_MAX_AGE_MS,
  RBAC_REFRESH_MS,
  RBAC_RETRY_MS,
  RbacPolicies,
  grants,
  grantsOf,
} from '../../src/core/rbac-policy.js'

const ORG = 'organization-test-acme'
const OTHER_ORG = 'organization-test-beta'
const READ = { resource: 'documents', action: 'read' }
const WRITE = { resource: 'documents', action: 'write' }

const role = (roleId: string, resourceId: string, ...actions: string[]): RbacRole => ({
  roleId,
  permissions: [{ resourceId, actions }],
})

const PROJECT_ROLES: readonly RbacRole[] = [
  role('stytch_member', 'stytch.self', '*'),
  role('reader', 'documents', 'read'),
  role('editor', 'documents', '*'),
]

/** A Stytch port that answers the two policy calls, counting them, and can be made to fail. */
function policyPort(organizationRoles: Readonly<Record<string, readonly RbacRole[]>> = {}) {
  const calls = { project: 0, organization: 0 }
  const state = { failing: false, projectRoles: PROJECT_ROLES }
  const outage = () => new MfaError('stytch_unavailable')
  const port = {
    getRbacPolicy(): Promise<RbacPolicy> {
      calls.project += 1
      if (state.failing) return Promise.reject(outage())
      return Promise.resolve({ requestId: 'r', roles: state.projectRoles, resources: [] })
    },
    getOrganizationRbacPolicy(input: { organizationId: string }): Promise<OrganizationRbacPolicy> {
      calls.organization += 1
      if (state.failing) return Promise.reject(outage())
      return Promise.resolve({
        requestId: 'r',
        roles: organizationRoles[input.organizationId] ?? [],
      })
    },
  } as unknown as StytchPort
  return { port, calls, state }
}

/** Policies on a clock the test moves. */
function policiesOn(port: StytchPort) {
  const clock = { now: 1_000_000 }
  const policies = new RbacPolicies(port, () => clock.now)
  return { policies, clock }
}

const session = (roles: readonly string[], organizationId = ORG) => ({ organizationId, roles })

describe('grants()', () => {
  const project = grantsOf(PROJECT_ROLES)

  it('grants an action that a role of the session lists on that resource', () => {
    expect(grants([project], ['stytch_member', 'reader'], READ)).toBe(true)
  })

  it('grants every action of the resource through a role whose actions are *', () => {
    expect(grants([project], ['editor'], WRITE)).toBe(true)
    expect(grants([project], ['editor'], { resource: 'documents', action: 'delete' })).toBe(true)
  })

  it('refuses an action the role does not list, a role the session lacks and another resource', () => {
    expect(grants([project], ['reader'], WRITE)).toBe(false)
    expect(grants([project], ['stytch_member'], READ)).toBe(false)
    expect(grants([project], ['editor'], { resource: 'invoices', action: 'read' })).toBe(false)
  })

  it('compares resource, action and role names exactly, case included', () => {
    expect(grants([project], ['reader'], { resource: 'Documents', action: 'read' })).toBe(false)
    expect(grants([project], ['reader'], { resource: 'documents', action: 'READ' })).toBe(false)
    expect(grants([project], ['Reader'], READ)).toBe(false)
  })

  it("does not read a literal * in a route's action as a wildcard granted by any role", () => {
    expect(grants([project], ['reader'], { resource: 'documents', action: '*' })).toBe(false)
  })

  it("counts the organization's own roles beside the project's", () => {
    const own = grantsOf([role('auditor', 'documents', 'read')])
    expect(grants([project], ['auditor'], READ)).toBe(false)
    expect(grants([project, own], ['auditor'], READ)).toBe(true)
  })

  it('merges a role listed twice', () => {
    const merged = grantsOf([
      role('twice', 'documents', 'read'),
      role('twice', 'documents', 'write'),
    ])
    expect(grants([merged], ['twice'], READ)).toBe(true)
    expect(grants([merged], ['twice'], WRITE)).toBe(true)
  })
})

describe('RbacPolicies', () => {
  it('fetches the project policy at startup and the organization’s roles once, then answers without a call', async () => {
    const { port, calls } = policyPort({ [ORG]: [role('auditor', 'documents', 'read')] })
    const { policies, clock } = policiesOn(port)
    await policies.start()
    expect(calls).toEqual({ project: 1, organization: 0 })
    expect(policies.ready(ORG, clock.now)).toBe(false)
    await policies.load(ORG, clock.now)
    for (let i = 0; i < 50; i += 1) {
      expect(policies.ready(ORG, clock.now)).toBe(true)
      expect(policies.denialOf(session(['auditor']), [READ], clock.now)).toBeUndefined()
      expect(policies.denialOf(session(['auditor']), [WRITE], clock.now)).toBe('forbidden')
    }
    expect(calls).toEqual({ project: 1, organization: 1 })
  })

  it('needs every permission of the list', async () => {
    const { port } = policyPort()
    const { policies, clock } = policiesOn(port)
    await policies.load(ORG, clock.now)
    expect(policies.denialOf(session(['reader']), [READ, WRITE], clock.now)).toBe('forbidden')
    expect(
      policies.denialOf(session(['reader', 'editor']), [READ, WRITE], clock.now),
    ).toBeUndefined()
  })

  it("does not let one organization's own roles grant anything in another organization", async () => {
    const { port } = policyPort({ [OTHER_ORG]: [role('auditor', 'documents', 'read')] })
    const { policies, clock } = policiesOn(port)
    await policies.load(ORG, clock.now)
    await policies.load(OTHER_ORG, clock.now)
    expect(policies.denialOf(session(['auditor'], OTHER_ORG), [READ], clock.now)).toBeUndefined()
    expect(policies.denialOf(session(['auditor'], ORG), [READ], clock.now)).toBe('forbidden')
  })

  it('shares one fetch among concurrent requests of an organization', async () => {
    const { port, calls } = policyPort()
    const { policies, clock } = policiesOn(port)
    await Promise.all(Array.from({ length: 10 }, () => policies.load(ORG, clock.now)))
    expect(calls).toEqual({ project: 1, organization: 1 })
  })

  it('answers rbac_policy_unavailable when the first fetch failed, and asks Stytch again only after 30 s', async () => {
    const { port, calls, state } = policyPort()
    const { policies, clock } = policiesOn(port)
    state.failing = true
    await policies.start()
    await policies.load(ORG, clock.now)
    expect(policies.ready(ORG, clock.now)).toBe(true)
    for (let i = 0; i < 20; i += 1) {
      expect(policies.denialOf(session(['editor']), [READ], clock.now)).toBe(
        'rbac_policy_unavailable',
      )
    }
    expect(calls).toEqual({ project: 1, organization: 1 })
    state.failing = false
    clock.now += RBAC_RETRY_MS
    expect(policies.ready(ORG, clock.now)).toBe(false)
    await policies.load(ORG, clock.now)
    expect(policies.denialOf(session(['editor']), [READ], clock.now)).toBeUndefined()
    expect(calls).toEqual({ project: 2, organization: 2 })
  })

  it('refreshes a 5-minute-old policy in the background, answering from the old one meanwhile', async () => {
    const { port, calls, state } = policyPort()
    const { policies, clock } = policiesOn(port)
    await policies.load(ORG, clock.now)
    state.projectRoles = [role('reader', 'documents', 'write')]
    clock.now += RBAC_REFRESH_MS
    expect(policies.ready(ORG, clock.now)).toBe(true)
    expect(policies.denialOf(session(['reader']), [READ], clock.now)).toBeUndefined()
    expect(calls).toEqual({ project: 2, organization: 2 })
    expect(policies.denialOf(session(['reader']), [READ], clock.now)).toBeUndefined()
    expect(calls).toEqual({ project: 2, organization: 2 })
    await policies.load(ORG, clock.now)
    await new Promise((resolve) => setImmediate(resolve))
    expect(policies.denialOf(session(['reader']), [READ], clock.now)).toBe('forbidden')
    expect(policies.denialOf(session(['reader']), [WRITE], clock.now)).toBeUndefined()
  })

  it('answers from the policy at hand while refreshes fail, until it is an hour old', async () => {
    const { port, calls, state } = policyPort()
    const { policies, clock } = policiesOn(port)
    await policies.load(ORG, clock.now)
    state.failing = true
    clock.now += RBAC_REFRESH_MS
    expect(policies.denialOf(session(['reader']), [READ], clock.now)).toBeUndefined()
    await new Promise((resolve) => setImmediate(resolve))
    const afterFailure = { ...calls }
    clock.now += RBAC_RETRY_MS - 1
    expect(policies.denialOf(session(['reader']), [READ], clock.now)).toBeUndefined()
    expect(calls).toEqual(afterFailure)
    clock.now = 1_000_000 + RBAC_MAX_AGE_MS
    await policies.load(ORG, clock.now)
    expect(policies.denialOf(session(['reader']), [READ], clock.now)).toBe(
      'rbac_policy_unavailable',
    )
  })

  it('keeps what one instance fetched from another', async () => {
    const first = policyPort()
    const second = policyPort()
    const a = policiesOn(first.port)
    const b = policiesOn(second.port)
    await a.policies.load(ORG, a.clock.now)
    expect(b.policies.ready(ORG, b.clock.now)).toBe(false)
    expect(b.policies.denialOf(session(['reader']), [READ], b.clock.now)).toBe(
      'rbac_policy_unavailable',
    )
  })
})

describe('the requireMfa() option permission', () => {
  const parse = (permission: unknown) =>
    parseOptions(requireMfaOptionsSchema, { permission }).permission

  it('takes one permission or a list, and reads both as a list', () => {
    expect(parse(READ)).toEqual([READ])
    expect(parse([READ, WRITE])).toEqual([READ, WRITE])
    expect(parse(undefined)).toBeUndefined()
  })

  it.each([
    [{ resource: 'documents' }, /permission\W+action: .*expected string/],
    [{ resource: 'documents', action: '*' }, /permission\W+action: must name one action/],
    [{ resource: ' documents', action: 'read' }, /permission\W+resource: must not start or end/],
    [{ resource: 'documents', action: 'read', role: 'x' }, /permission: .*"role"/],
    [[], /permission: .*>=1 items/],
    [[READ, { resource: '', action: 'read' }], /permission\.1\.resource: /],
    ['documents:read', /permission: .*expected object/],
  ])('refuses at startup the malformed value %j, naming it', (value, message) => {
    expect(() => parse(value)).toThrow(message)
  })
})
