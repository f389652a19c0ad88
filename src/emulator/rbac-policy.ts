/**
 * @module An RBAC policy: Stytch's default resources and roles with a project's own on top, the
 * schemas a seed, a control call or an organization policy is given in, and the checks Stytch's
 * dashboard makes (known resources and actions, no duplicates, no `stytch` resources).
 *
 * Stytch's defaults follow its UI fixtures (stytch-browser `.storybook/handlers.ts`
 * `rbac_policy`, and the action lists of `adminPortal/utils/useRbac.ts`): `stytch_member` holds
 * `*` on `stytch.self`; `stytch_admin` holds `*` on `stytch.organization`, `stytch.member`,
 * `stytch.sso` and `stytch.scim`.
 */
import { z } from 'zod'
import { badRequest } from './errors.js'
import type { PolicyResource, PolicyRole, RbacPolicyInput } from './types.js'

export interface PermissionJson {
  resource_id: string
  actions: string[]
}

export interface RoleJson {
  role_id: string
  description: string
  permissions: PermissionJson[]
}

export interface ResourceJson {
  resource_id: string
  description: string
  actions: string[]
}

/** The SDK's `Policy`. */
export interface PolicyJson {
  roles: RoleJson[]
  resources: ResourceJson[]
  scopes: never[]
}

const STYTCH_RESOURCES: readonly ResourceJson[] = [
  {
    resource_id: 'stytch.organization',
    description: 'Builtin resource for Stytch organization objects',
    actions: [
      'update.info.name',
      'update.info.slug',
      'update.info.logo-url',
      'update.settings.allowed-auth-methods',
      'update.settings.allowed-mfa-methods',
      'update.settings.email-jit-provisioning',
      'update.settings.email-invites',
      'update.settings.allowed-domains',
      'update.settings.default-sso-connection',
      'update.settings.sso-jit-provisioning',
      'update.settings.mfa-policy',
      'update.settings.implicit-roles',
      'update.settings.oauth-tenant-jit-provisioning',
      'update.settings.allowed-oauth-tenants',
      'delete',
    ],
  },
  {
    resource_id: 'stytch.member',
    description: 'Builtin resource for Stytch member objects',
    actions: [
      'create',
      'update.info.name',
      'update.info.email',
      'update.info.untrusted-metadata',
      'update.info.mfa-phone',
      'update.info.delete.mfa-phone',
      'update.info.delete.mfa-totp',
      'update.info.delete.password',
      'update.settings.is-breakglass',
      'update.settings.mfa-enrolled',
      'update.settings.default-mfa-method',
      'update.settings.roles',
      'search',
      'delete',
      'revoke-sessions',
    ],
  },
  {
    resource_id: 'stytch.sso',
    description: 'Builtin resource for Stytch SSO Connection objects',
    actions: ['create', 'get', 'update', 'delete'],
  },
  {
    resource_id: 'stytch.self',
    description: 'Builtin resource for the logged-in Stytch member object',
    actions: [
      'update.info.name',
      'update.info.untrusted-metadata',
      'update.info.mfa-phone',
      'update.info.delete.mfa-phone',
      'update.info.delete.password',
      'update.info.delete.mfa-totp',
      'update.settings.mfa-enrolled',
      'update.settings.default-mfa-method',
      'delete',
      'revoke-sessions',
    ],
  },
  {
    resource_id: 'stytch.scim',
    description: 'Builtin resource for Stytch SCIM Connection objects',
    actions: ['create', 'get', 'update', 'delete'],
  },
]

const STYTCH_ROLES: readonly RoleJson[] = [
  {
    role_id: 'stytch_member',
    description:
      'Granted to all Members upon creation; grants permissions already implicitly granted to logged in Members via the SDK. Cannot be deleted.',
    permissions: [{ resource_id: 'stytch.self', actions: ['*'] }],
  },
  {
    role_id: 'stytch_admin',
    description:
      'Granted to Members who create an organization through the Stytch discovery flow. Admins will also have the stytch_member role. Cannot be deleted.',
    permissions: ['stytch.organization', 'stytch.member', 'stytch.sso', 'stytch.scim'].map(
      (resource_id) => ({ resource_id, actions: ['*'] }),
    ),
  },
]

const permission = z.strictObject({
  resource_id: z.string().min(1),
  actions: z.array(z.string().min(1)).min(1),
})

/** A role as a seed, a control call or `rbac.organizations.setOrgPolicy` gives it. */
export const policyRoleSchema = z.strictObject({
  role_id: z.string().min(1),
  description: z.string().optional(),
  permissions: z.array(permission),
})

/** A project policy as a seed or a control call gives it. */
export const rbacPolicySchema = z.strictObject({
  resources: z
    .array(
      z.strictObject({
        resource_id: z.string().min(1),
        description: z.string().optional(),
        actions: z.array(z.string().min(1)).min(1),
      }),
    )
    .optional(),
  roles: z.array(policyRoleSchema).optional(),
})

// inferred: Stytch's status for the policy problems below is 400; the types exist in its list.
const invalidRole = (message: string) => badRequest('invalid_rbac_custom_role', `((${message}))`)

/** A role with its optional fields filled in. */
export function roleJson(role: PolicyRole): RoleJson {
  return {
    role_id: role.role_id,
    description: role.description ?? '',
    permissions: role.permissions.map(({ resource_id, actions }) => ({
      resource_id,
      actions: [...actions],
    })),
  }
}

/** Checks that every permission names a resource of the policy and actions it has (or `*`). */
export function checkPermissions(role: RoleJson, resources: readonly ResourceJson[]): void {
  if (role.role_id.trim() === '') throw badRequest('empty_rbac_role_id', '((role_id is empty.))')
  for (const { resource_id, actions } of role.permissions) {
    const resource = resources.find((candidate) => candidate.resource_id === resource_id)
    if (!resource) throw invalidRole(`Role ${role.role_id} names unknown resource ${resource_id}.`)
    const unknown = actions.find((action) => action !== '*' && !resource.actions.includes(action))
    if (unknown !== undefined) {
      throw invalidRole(`Role ${role.role_id}: ${resource_id} has no action ${unknown}.`)
    }
  }
}

/** The first id listed twice. */
export function duplicate(ids: readonly string[]): string | undefined {
  return ids.find((id, index) => ids.indexOf(id) !== index)
}

/**
 * Stytch's defaults with the input on top: resources are added (their ids may not start with
 * `stytch`), roles are added or replace a default role of the same id.
 * @throws EmulatorApiError 400 for a policy Stytch's dashboard would refuse.
 */
export function buildPolicy(input: RbacPolicyInput = {}): PolicyJson {
  const added: ResourceJson[] = (input.resources ?? []).map((resource: PolicyResource) => ({
    resource_id: resource.resource_id,
    description: resource.description ?? '',
    actions: [...resource.actions],
  }))
  for (const resource of added) {
    if (resource.resource_id.startsWith('stytch')) {
      throw badRequest('bad_request', '((Resource ids may not start with stytch.))')
    }
  }
  const resources = [...STYTCH_RESOURCES.map((resource) => structuredClone(resource)), ...added]
  const dupResource = duplicate(resources.map((resource) => resource.resource_id))
  if (dupResource !== undefined) {
    throw badRequest('rbac_resource_duplicate', `((Resource ${dupResource} is listed twice.))`)
  }
  const given = (input.roles ?? []).map(roleJson)
  const dupRole = duplicate(given.map((role) => role.role_id))
  if (dupRole !== undefined) {
    throw badRequest('rbac_role_duplicate', `((Role ${dupRole} is listed twice.))`)
  }
  const defaults = STYTCH_ROLES.map(
    (role) =>
      given.find((candidate) => candidate.role_id === role.role_id) ?? structuredClone(role),
  )
  const roles = [...defaults, ...given.filter((role) => !defaults.includes(role))]
  for (const role of roles) checkPermissions(role, resources)
  return { roles, resources, scopes: [] }
}
