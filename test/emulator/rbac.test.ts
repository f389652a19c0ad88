import { B2BClient } from 'stytch'
import { describe, expect, it } from 'vitest'
import { clientError, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import {
  ADA,
  CONSOLE,
  ORGS,
  discoverySeed,
  signInByEmail,
  signInToNorth,
} from '../helpers/emulator-discovery.js'

const harness = useEmulatorHarness(discoverySeed)

/** A client with an empty policy cache: the SDK caches the policy per client for 5 minutes. */
function freshClient(): B2BClient {
  const { projectId, secret, url } = harness.emulator
  return new B2BClient({ project_id: projectId, secret, env: url })
}

const check = (organizationId: string, resource_id: string, action: string) => ({
  organization_id: organizationId,
  resource_id,
  action,
})

async function southMember() {
  return harness.client.organizations.members.get({
    organization_id: ORGS.south,
    email_address: ADA.email,
  })
}

describe('GET /v1/b2b/rbac/policy (rbac.policy)', () => {
  it("holds Stytch's default resources and roles, with the seeded ones added", async () => {
    const { policy } = await harness.client.rbac.policy()
    expect(policy?.resources.map((r) => r.resource_id)).toEqual([
      'stytch.organization',
      'stytch.member',
      'stytch.sso',
      'stytch.self',
      'stytch.scim',
      CONSOLE,
    ])
    expect(policy?.roles.map((r) => r.role_id)).toEqual([
      'stytch_member',
      'stytch_admin',
      'console-viewer',
      'console-editor',
    ])
    expect(policy?.roles[0]?.permissions).toEqual([{ resource_id: 'stytch.self', actions: ['*'] }])
    expect(policy?.roles[1]?.permissions).toContainEqual({
      resource_id: 'stytch.member',
      actions: ['*'],
    })
    expect(policy?.scopes).toEqual([])
  })

  it('follows a policy set from code or over /__emulator/rbac/policy, until reset', async () => {
    harness.emulator.setRbacPolicy({ resources: [{ resource_id: 'reports', actions: ['read'] }] })
    let { policy } = await harness.client.rbac.policy()
    expect(policy?.resources.at(-1)?.resource_id).toBe('reports')
    const response = await fetch(new URL('/__emulator/rbac/policy', harness.emulator.origin), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resources: [{ resource_id: 'invoices', actions: ['pay'] }],
        roles: [{ role_id: 'payer', permissions: [{ resource_id: 'invoices', actions: ['pay'] }] }],
      }),
    })
    expect(response.status).toBe(200)
    ;({ policy } = await harness.client.rbac.policy())
    expect(policy?.roles.map((r) => r.role_id)).toEqual(['stytch_member', 'stytch_admin', 'payer'])
    harness.emulator.reset()
    ;({ policy } = await harness.client.rbac.policy())
    expect(policy?.resources.at(-1)?.resource_id).toBe(CONSOLE)
  })

  it('refuses a role naming an unknown resource or action, and a resource in stytch’s namespace', () => {
    const unknownResource = {
      roles: [{ role_id: 'r', permissions: [{ resource_id: 'nowhere', actions: ['read'] }] }],
    }
    const unknownAction = {
      roles: [{ role_id: 'r', permissions: [{ resource_id: 'stytch.sso', actions: ['fly'] }] }],
    }
    const reserved = { resources: [{ resource_id: 'stytch.mine', actions: ['read'] }] }
    for (const policy of [unknownResource, unknownAction, reserved]) {
      expect(() => {
        harness.emulator.setRbacPolicy(policy)
      }).toThrow(TypeError)
    }
  })
})

describe('organization policies (rbac.organizations.getOrgPolicy / setOrgPolicy)', () => {
  it("return the organization's own roles, which its organization object lists too", async () => {
    const { org_policy: policy } = await harness.client.rbac.organizations.getOrgPolicy({
      organization_id: ORGS.south,
    })
    expect(policy.roles).toEqual([
      {
        role_id: 'south-auditor',
        description: 'Reads the admin pages of South only',
        permissions: [{ resource_id: CONSOLE, actions: ['read'] }],
      },
    ])
    const { organization } = await harness.client.organizations.get({ organization_id: ORGS.south })
    expect(organization.custom_roles).toEqual(policy.roles)
  })

  it('replace them as a whole', async () => {
    const role = {
      role_id: 'south-editor',
      description: '',
      permissions: [{ resource_id: CONSOLE, actions: ['write'] }],
    }
    const set = await harness.client.rbac.organizations.setOrgPolicy({
      organization_id: ORGS.south,
      org_policy: { roles: [role] },
    })
    expect(set.org_policy.roles).toEqual([role])
    const { org_policy: policy } = await harness.client.rbac.organizations.getOrgPolicy({
      organization_id: ORGS.south,
    })
    expect(policy.roles).toEqual([role])
  })

  it('refuse a project role’s id, an unknown resource and an unknown organization', async () => {
    const setRoles = (organization_id: string, resource_id: string, role_id = 'r') =>
      harness.client.rbac.organizations.setOrgPolicy({
        organization_id,
        org_policy: {
          roles: [{ role_id, description: '', permissions: [{ resource_id, actions: ['read'] }] }],
        },
      })
    expect(await stytchError(setRoles(ORGS.south, CONSOLE, 'console-viewer'))).toMatchObject({
      status_code: 400,
      error_type: 'rbac_org_custom_roles_only',
    })
    expect(await stytchError(setRoles(ORGS.south, 'nowhere'))).toMatchObject({
      status_code: 400,
      error_type: 'invalid_rbac_custom_role',
    })
    expect(await stytchError(setRoles('organization-test-nope', CONSOLE))).toMatchObject({
      status_code: 404,
      error_type: 'organization_not_found',
    })
  })
})

describe('POST /v1/b2b/sessions/authenticate with authorization_check', () => {
  it('admits an admin, with a verdict naming the roles that grant the action', async () => {
    const north = await signInToNorth(harness)
    const response = await harness.client.sessions.authenticate({
      session_token: north.session_token,
      authorization_check: check(north.organization.organization_id, 'stytch.member', 'search'),
    })
    expect(response.verdict).toEqual({ authorized: true, granting_roles: ['stytch_admin'] })
  })

  it('counts roles granted by email domain and the organization’s own roles', async () => {
    const south = await signInByEmail(harness, ORGS.south, ADA.email)
    const write = await harness.client.sessions.authenticate({
      session_token: south.session_token,
      authorization_check: check(south.organization_id, CONSOLE, 'write'),
    })
    expect(write.verdict?.granting_roles).toEqual(['console-editor'])
    await harness.client.organizations.members.update({
      organization_id: ORGS.south,
      member_id: south.member_id,
      roles: ['south-auditor'],
    })
    const read = await harness.client.sessions.authenticate({
      session_token: south.session_token,
      authorization_check: check(south.organization_id, CONSOLE, 'read'),
    })
    expect(read.verdict?.granting_roles).toEqual(['console-editor', 'south-auditor'])
  })

  it('refuses an action no role of the member grants (403), leaving the session as it was', async () => {
    const south = await signInByEmail(harness, ORGS.south, 'plain@south.test')
    harness.emulator.advanceClock(60)
    const error = await stytchError(
      harness.client.sessions.authenticate({
        session_token: south.session_token,
        session_duration_minutes: 600,
        authorization_check: check(south.organization_id, CONSOLE, 'read'),
      }),
    )
    expect(error).toMatchObject({
      status_code: 403,
      error_type: 'session_authorization_error',
      error_message:
        'The Member is not authorized to perform the requested action on that resource.',
    })
    const after = await harness.client.sessions.authenticate({ session_token: south.session_token })
    expect(after.member_session.expires_at).toBe(south.member_session?.expires_at)
  })

  it('refuses a check for another organization than the session’s (403)', async () => {
    const north = await signInToNorth(harness)
    const { organization } = await harness.client.organizations.get({ organization_id: ORGS.south })
    const error = await stytchError(
      harness.client.sessions.authenticate({
        session_token: north.session_token,
        authorization_check: check(organization.organization_id, 'stytch.member', 'search'),
      }),
    )
    expect(error).toMatchObject({
      status_code: 403,
      error_type: 'session_authorization_tenancy_error',
    })
  })
})

describe("the SDK's own checks against the emulator's policy", () => {
  it('authenticateJwtLocal admits by the policy it fetched once, with no further call', async () => {
    const north = await signInToNorth(harness)
    const client = freshClient()
    const authorization_check = check(
      north.organization.organization_id,
      'stytch.organization',
      'delete',
    )
    for (let i = 0; i < 3; i++) {
      const session = await client.sessions.authenticateJwtLocal({
        session_jwt: north.session_jwt,
        authorization_check,
      })
      expect(session.roles).toEqual(['stytch_member', 'stytch_admin'])
    }
    expect(harness.emulator.calls('/v1/b2b/rbac/policy')).toBe(1)
    expect(
      harness.emulator.calls(`/v1/b2b/rbac/organizations/${north.organization.organization_id}`),
    ).toBe(1)
    expect(harness.emulator.calls('/v1/b2b/sessions/authenticate')).toBe(0)
  })

  it('authenticateJwtLocal honours email-domain roles in the JWT and the organization’s own roles', async () => {
    const south = await signInByEmail(harness, ORGS.south, 'plain@south.test')
    const refused = await clientError(
      freshClient().sessions.authenticateJwtLocal({
        session_jwt: south.session_jwt,
        authorization_check: check(south.organization_id, CONSOLE, 'read'),
      }),
    )
    expect(refused.code).toBe('invalid_permissions')
    await harness.client.organizations.members.update({
      organization_id: ORGS.south,
      member_id: south.member_id,
      roles: ['south-auditor'],
    })
    const { session_jwt: jwt } = await harness.client.sessions.authenticate({
      session_token: south.session_token,
    })
    const session = await freshClient().sessions.authenticateJwtLocal({
      session_jwt: jwt,
      authorization_check: check(south.organization_id, CONSOLE, 'read'),
    })
    expect(session.roles).toEqual(['stytch_member', 'south-auditor'])
    const ada = await signInByEmail(harness, ORGS.south, ADA.email)
    const viaDomain = await freshClient().sessions.authenticateJwtLocal({
      session_jwt: ada.session_jwt,
      authorization_check: check(ada.organization_id, CONSOLE, 'write'),
    })
    expect(viaDomain.roles).toContain('console-editor')
  })

  it('authenticateJwtLocal refuses another organization as a tenancy mismatch', async () => {
    const north = await signInToNorth(harness)
    const { member } = await southMember()
    const error = await clientError(
      freshClient().sessions.authenticateJwtLocal({
        session_jwt: north.session_jwt,
        authorization_check: check(member.organization_id, 'stytch.member', 'search'),
      }),
    )
    expect(error.code).toBe('tenancy_mismatch')
  })

  it('authenticateJwt checks locally, and remotely with the same verdict when forced', async () => {
    const north = await signInToNorth(harness)
    const authorization_check = check(north.organization.organization_id, 'stytch.member', 'create')
    const client = freshClient()
    const local = await client.sessions.authenticateJwt({
      session_jwt: north.session_jwt,
      authorization_check,
    })
    expect(local.session_jwt).toBe(north.session_jwt)
    const remote = await client.sessions.authenticateJwt({
      session_jwt: north.session_jwt,
      authorization_check,
      max_token_age_seconds: 0,
    })
    expect(remote).toMatchObject({
      verdict: { authorized: true, granting_roles: ['stytch_admin'] },
    })
    const refused = await stytchError(
      client.sessions.authenticateJwt({
        session_jwt: north.session_jwt,
        authorization_check: check(north.organization.organization_id, CONSOLE, 'read'),
        max_token_age_seconds: 0,
      }),
    )
    expect(refused).toMatchObject({ status_code: 403, error_type: 'session_authorization_error' })
  })
})
