/** @module zod schemas of Stytch's RBAC policies (the project's and an organization's own). */
import { z } from 'zod'
import type { OrganizationRbacPolicy, RbacPolicy, RbacRole } from '../core/ports/stytch.js'
import { id, requestId } from './schemas.js'

const actions = z.array(z.string().min(1).max(200)).max(1000)

const roleSchema = z
  .object({
    role_id: id,
    permissions: z.array(z.object({ resource_id: id, actions })).max(1000),
  })
  .transform((role): RbacRole => ({
    roleId: role.role_id,
    permissions: role.permissions.map((permission) => ({
      resourceId: permission.resource_id,
      actions: permission.actions,
    })),
  }))

/** `rbac.policy`. A body without a policy grants nothing, so it is refused like a broken one. */
export const rbacPolicySchema = z
  .object({
    request_id: requestId,
    policy: z.object({
      roles: z.array(roleSchema).max(10_000),
      resources: z.array(z.object({ resource_id: id, actions })).max(10_000),
    }),
  })
  .transform((body): RbacPolicy => ({
    requestId: body.request_id,
    roles: body.policy.roles,
    resources: body.policy.resources.map((resource) => ({
      resourceId: resource.resource_id,
      actions: resource.actions,
    })),
  }))

/**
 * `rbac.organizations.getOrgPolicy`. No `org_policy`, or no `roles` in it, is no roles of the
 * organization's own, as the SDK's local check reads it; a role that is there must be whole.
 */
export const organizationRbacPolicySchema = z
  .object({
    request_id: requestId,
    org_policy: z.object({ roles: z.array(roleSchema).max(10_000).nullish() }).nullish(),
  })
  .transform((body): OrganizationRbacPolicy => ({
    requestId: body.request_id,
    roles: body.org_policy?.roles ?? [],
  }))
