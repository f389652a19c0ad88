/**
 * @module RBAC policies: the project's (`rbac.policy`, read by the SDK's local authorization
 * checks), each organization's own roles (`rbac.organizations.getOrgPolicy` / `setOrgPolicy`),
 * and the emulator-only control call that replaces the project's.
 */
import { z } from 'zod'
import type { EmulatorContext, Route } from './router.js'
import { parseBody } from './schemas.js'
import { policyRoleSchema, rbacPolicySchema } from './rbac-policy.js'
import { organizationJson } from './serialize.js'

const orgPolicyBody = z.object({ org_policy: z.object({ roles: z.array(policyRoleSchema) }) })

export function rbacRoutes({ state }: EmulatorContext): Route[] {
  const { directory, rbac } = state
  const orgPolicy = (organizationId: string) => ({
    org_policy: { roles: organizationJson(directory.organization(organizationId)).custom_roles },
  })
  return [
    {
      method: 'GET',
      path: '/v1/b2b/rbac/policy',
      access: 'api',
      handle: () => ({ policy: rbac.policy }),
    },
    {
      method: 'GET',
      path: '/v1/b2b/rbac/organizations/:organization_id',
      access: 'api',
      handle: ({ params }) => orgPolicy(params.organization_id ?? ''),
    },
    {
      method: 'PUT',
      path: '/v1/b2b/rbac/organizations/:organization_id',
      access: 'api',
      handle: ({ params, body }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const { org_policy: policy } = parseBody(orgPolicyBody, body)
        // Stytch: "it will replace any existing organization-specific roles".
        organization.custom_roles = rbac.organizationRoles(policy.roles)
        organization.updated_at = state.now()
        return orgPolicy(organization.organization_id)
      },
    },
    {
      method: 'GET',
      path: '/__emulator/rbac/policy',
      access: 'control',
      handle: () => ({ policy: rbac.policy }),
    },
    {
      method: 'PUT',
      path: '/__emulator/rbac/policy',
      access: 'control',
      handle: ({ body }) => {
        rbac.set(parseBody(rbacPolicySchema, body))
        return { policy: rbac.policy }
      },
    },
  ]
}
