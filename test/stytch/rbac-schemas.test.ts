import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import type { StytchPort } from '../../src/core/ports/stytch.js'
import { useEmulatorHarness } from '../helpers/emulator.js'
import { CONSOLE, ORGS, discoverySeed } from '../helpers/emulator-discovery.js'
import { stytchPort } from './helpers.js'

const harness = useEmulatorHarness(discoverySeed)
const POLICY = '/v1/b2b/rbac/policy'

function port(): StytchPort {
  const { projectId, secret, url } = harness.emulator
  return stytchPort({ projectId, secret, baseUrl: url, timeoutMs: 1000 })
}

async function rejection(promise: Promise<unknown>): Promise<MfaError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(MfaError)
  return error as MfaError
}

async function southId(): Promise<string> {
  const { organization } = await harness.client.organizations.get({ organization_id: ORGS.south })
  return organization.organization_id
}

describe('getRbacPolicy() and getOrganizationRbacPolicy() over the SDK', () => {
  it("read the project's roles and resources, and an organization's own roles", async () => {
    const policy = await port().getRbacPolicy()
    expect(policy.roles).toContainEqual({
      roleId: 'console-viewer',
      permissions: [{ resourceId: CONSOLE, actions: ['read'] }],
    })
    expect(policy.resources).toContainEqual({ resourceId: CONSOLE, actions: ['read', 'write'] })
    const own = await port().getOrganizationRbacPolicy({ organizationId: await southId() })
    expect(own.roles).toEqual([
      { roleId: 'south-auditor', permissions: [{ resourceId: CONSOLE, actions: ['read'] }] },
    ])
  })

  it('reads an organization policy without roles as no roles of its own, as the SDK does', async () => {
    const organizationId = await southId()
    harness.emulator.injectFault(`/v1/b2b/rbac/organizations/${organizationId}`, {
      kind: 'respond',
      body: { request_id: 'request-id-test', status_code: 200, org_policy: null },
    })
    expect((await port().getOrganizationRbacPolicy({ organizationId })).roles).toEqual([])
  })

  it.each([
    ['no policy', { request_id: 'r', status_code: 200 }],
    ['a role without permissions', { policy: { roles: [{ role_id: 'x' }], resources: [] } }],
    [
      'actions that are not strings',
      {
        policy: {
          roles: [{ role_id: 'x', permissions: [{ resource_id: CONSOLE, actions: [true] }] }],
          resources: [],
        },
      },
    ],
  ])('refuses a policy with %s as stytch_bad_response', async (_, body) => {
    harness.emulator.injectFault(POLICY, { kind: 'respond', body })
    expect((await rejection(port().getRbacPolicy())).code).toBe('stytch_bad_response')
  })

  it("maps Stytch's failure to an upstream code", async () => {
    harness.emulator.injectFault(POLICY, { kind: 'status', status: 503 })
    expect((await rejection(port().getRbacPolicy())).code).toBe('stytch_unavailable')
  })
})
