/**
 * @module RBAC state and checks: the project policy (see rbac-policy.ts), organizations' own
 * roles, the roles a member holds, and `authorization_check`.
 */
import { z } from 'zod'
import { EmulatorApiError, badRequest } from './errors.js'
import {
  buildPolicy,
  checkPermissions,
  duplicate,
  rbacPolicySchema,
  roleJson,
  type PolicyJson,
  type RoleJson,
} from './rbac-policy.js'
import type { MemberRecord, OrganizationRecord } from './records.js'
import type { MemberRoleJson } from './serialize.js'
import type { PolicyRole, RbacPolicyInput } from './types.js'

/** `authorization_check` of `sessions/authenticate`. */
export const authorizationCheckSchema = z.object({
  organization_id: z.string().min(1),
  resource_id: z.string().min(1),
  action: z.string().min(1),
})

export type AuthorizationCheck = z.infer<typeof authorizationCheckSchema>

/** The role every member holds. */
export const MEMBER_ROLE = 'stytch_member'
/** The role `member.is_admin` reports. */
export const ADMIN_ROLE = 'stytch_admin'

/** The project policy; it starts from, and resets to, the seed's. */
export class RbacStore {
  private current: PolicyJson

  constructor(private readonly seed: RbacPolicyInput | undefined) {
    this.current = buildPolicy(seed)
  }

  get policy(): PolicyJson {
    return structuredClone(this.current)
  }

  set(input: RbacPolicyInput): void {
    this.current = buildPolicy(input)
  }

  /** {@link set} for code: any problem is a `TypeError` naming it. */
  setFromCode(input: unknown): void {
    const parsed = rbacPolicySchema.safeParse(input)
    const issue = parsed.error?.issues[0]
    if (!parsed.success) {
      throw new TypeError(
        `Invalid RBAC policy at ${issue?.path.join('.') ?? ''}: ${issue?.message}`,
      )
    }
    try {
      this.set(parsed.data)
    } catch (error) {
      if (!(error instanceof EmulatorApiError)) throw error
      throw new TypeError(`Invalid RBAC policy: ${error.errorType} ${error.message}`, {
        cause: error,
      })
    }
  }

  reset(): void {
    this.current = buildPolicy(this.seed)
  }

  /**
   * An organization's own roles (its org policy), checked against the project's resources;
   * their ids may not reuse a project role's.
   */
  organizationRoles(roles: readonly PolicyRole[]): RoleJson[] {
    const checked = roles.map(roleJson)
    const dup = duplicate(checked.map((role) => role.role_id))
    if (dup !== undefined)
      throw badRequest('rbac_role_duplicate', `((Role ${dup} is listed twice.))`)
    for (const role of checked) {
      if (this.current.roles.some((projectRole) => projectRole.role_id === role.role_id)) {
        throw badRequest('rbac_org_custom_roles_only', `((${role.role_id} is a project role.))`)
      }
      checkPermissions(role, this.current.resources)
    }
    return checked
  }

  /**
   * The roles among the member's that grant the action, from the project's roles and the
   * organization's own; checked the way the SDK's local `performAuthorizationCheck` does.
   * @throws 403 when the organization differs or no role grants the action.
   */
  authorize(
    organization: OrganizationRecord,
    member: MemberRecord,
    check: AuthorizationCheck,
  ): { authorized: true; granting_roles: string[] } {
    if (check.organization_id !== organization.organization_id) {
      // Type, status and wording from stytch-go's local check (stytcherror.go).
      throw new EmulatorApiError(
        403,
        'session_authorization_tenancy_error',
        `Subject organization_id ${organization.organization_id} does not match authZ request organization_id ${check.organization_id}`,
      )
    }
    const held = new Set(memberRoles(member, organization).map((role) => role.role_id))
    const granting = [...this.current.roles, ...organization.custom_roles.map(roleJson)]
      .filter((role) => held.has(role.role_id))
      .filter((role) =>
        role.permissions.some(
          (permission) =>
            permission.resource_id === check.resource_id &&
            (permission.actions.includes(check.action) || permission.actions.includes('*')),
        ),
      )
      .map((role) => role.role_id)
    if (granting.length === 0) {
      throw new EmulatorApiError(
        403,
        'session_authorization_error',
        'The Member is not authorized to perform the requested action on that resource.',
      )
    }
    return { authorized: true, granting_roles: [...new Set(granting)] }
  }
}

/**
 * The member's roles with their sources: `stytch_member` and the assigned ones
 * (`direct_assignment`), then those the organization grants by email domain (`email_assignment`,
 * details `{ email_domain }`). A role with both sources is listed once.
 */
export function memberRoles(
  member: MemberRecord,
  organization?: OrganizationRecord,
): MemberRoleJson[] {
  const roles = new Map<string, MemberRoleJson>()
  const grant = (roleId: string, source: MemberRoleJson['sources'][number]) => {
    const entry = roles.get(roleId) ?? { role_id: roleId, sources: [] }
    entry.sources.push(source)
    roles.set(roleId, entry)
  }
  // inferred: the source of `stytch_member` and of seeded roles is a direct assignment.
  for (const roleId of new Set([MEMBER_ROLE, ...member.roles])) {
    grant(roleId, { type: 'direct_assignment' })
  }
  const domain = member.email_address.slice(member.email_address.lastIndexOf('@') + 1)
  for (const assignment of organization?.rbac_email_implicit_role_assignments ?? []) {
    if (assignment.domain === domain) {
      grant(assignment.role_id, { type: 'email_assignment', details: { email_domain: domain } })
    }
  }
  return [...roles.values()]
}
