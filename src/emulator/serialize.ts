/**
 * @module Stytch's JSON views of the stored records. The interfaces are assignable to the
 * `stytch` SDK's own `Member`, `Organization` and `MemberSession` types (checked in the tests);
 * lists the emulator never fills are typed `never[]`.
 */
import { rfc3339 } from './ids.js'
import { externalIdJson } from './profile.js'
import type { FactorRecord, MemberRecord, OrganizationRecord, SessionRecord } from './records.js'
import type { RoleJson } from './rbac-policy.js'
import { ADMIN_ROLE, memberRoles } from './state-rbac.js'

export interface MemberRoleJson {
  role_id: string
  sources: { type: string; details?: Record<string, unknown> }[]
}

export interface MemberJson {
  organization_id: string
  member_id: string
  email_address: string
  status: string
  name: string
  sso_registrations: never[]
  is_breakglass: boolean
  member_password_id: string
  oauth_registrations: never[]
  email_address_verified: boolean
  mfa_phone_number_verified: boolean
  is_admin: boolean
  totp_registration_id: string
  retired_email_addresses: never[]
  is_locked: boolean
  mfa_enrolled: boolean
  mfa_phone_number: string
  default_mfa_method: string
  roles: MemberRoleJson[]
  trusted_metadata: Record<string, unknown>
  untrusted_metadata: Record<string, unknown>
  created_at: string
  updated_at: string
  lock_created_at?: string
  lock_expires_at?: string
  external_id?: string
}

export interface OrganizationJson {
  organization_id: string
  organization_name: string
  organization_logo_url: string
  organization_slug: string
  sso_jit_provisioning: string
  sso_jit_provisioning_allowed_connections: string[]
  sso_active_connections: never[]
  email_allowed_domains: string[]
  email_jit_provisioning: string
  email_invites: string
  auth_methods: string
  allowed_auth_methods: string[]
  mfa_policy: string
  rbac_email_implicit_role_assignments: { domain: string; role_id: string }[]
  mfa_methods: string
  allowed_mfa_methods: string[]
  oauth_tenant_jit_provisioning: string
  claimed_email_domains: string[]
  first_party_connected_apps_allowed_type: string
  allowed_first_party_connected_apps: string[]
  third_party_connected_apps_allowed_type: string
  allowed_third_party_connected_apps: string[]
  custom_roles: RoleJson[]
  trusted_metadata: Record<string, unknown>
  created_at: string
  updated_at: string
  organization_external_id?: string
}

export interface AuthenticationFactorJson {
  type: string
  delivery_method: string
  last_authenticated_at: string
  created_at: string
  updated_at: string
  email_factor?: { email_id: string; email_address: string }
  phone_number_factor?: { phone_id: string; phone_number: string }
  authenticator_app_factor?: { totp_id: string }
  recovery_code_factor?: { totp_recovery_code_id: string }
}

export interface MemberSessionJson {
  member_session_id: string
  member_id: string
  started_at: string
  last_accessed_at: string
  expires_at: string
  authentication_factors: AuthenticationFactorJson[]
  organization_id: string
  roles: string[]
  organization_slug: string
  custom_claims: Record<string, unknown>
}

/**
 * Every member has `stytch_member`; assigned roles follow, then those the organization (when
 * given) grants by email domain.
 */
export function roleIds(member: MemberRecord, organization?: OrganizationRecord): string[] {
  return memberRoles(member, organization).map((role) => role.role_id)
}

/** Stytch's Member object, with the roles assigned to the member (see {@link memberJsonIn}). */
export function memberJson(member: MemberRecord): MemberJson {
  return memberJsonIn(undefined, member)
}

/** Stytch's Member object, with the roles its organization also grants by email domain. */
export function memberJsonIn(
  organization: OrganizationRecord | undefined,
  member: MemberRecord,
): MemberJson {
  const roles = memberRoles(member, organization)
  return {
    organization_id: member.organization_id,
    member_id: member.member_id,
    email_address: member.email_address,
    status: member.status,
    name: member.name,
    sso_registrations: [],
    is_breakglass: member.is_breakglass,
    member_password_id: '',
    oauth_registrations: [],
    // The only way in is an email code, so an active member has proven the address.
    email_address_verified: member.status === 'active',
    mfa_phone_number_verified: member.mfa_phone_number_verified,
    is_admin: roles.some((role) => role.role_id === ADMIN_ROLE),
    totp_registration_id: member.totp_registration_id,
    retired_email_addresses: [],
    is_locked: member.lock !== undefined,
    mfa_enrolled: member.mfa_enrolled,
    mfa_phone_number: member.mfa_phone_number,
    default_mfa_method: member.default_mfa_method,
    roles,
    trusted_metadata: structuredClone(member.trusted_metadata),
    untrusted_metadata: structuredClone(member.untrusted_metadata),
    ...externalIdJson('external_id', member.external_id),
    created_at: rfc3339(member.created_at),
    updated_at: rfc3339(member.updated_at),
    ...(member.lock && {
      lock_created_at: rfc3339(member.lock.created_at),
      lock_expires_at: rfc3339(member.lock.expires_at),
    }),
  }
}

/** Stytch's Organization object; settings the emulator does not model show their defaults. */
export function organizationJson(organization: OrganizationRecord): OrganizationJson {
  return {
    organization_id: organization.organization_id,
    organization_name: organization.organization_name,
    organization_logo_url: organization.organization_logo_url,
    organization_slug: organization.organization_slug,
    sso_jit_provisioning: 'ALL_ALLOWED',
    sso_jit_provisioning_allowed_connections: [],
    sso_active_connections: [],
    email_allowed_domains: [...organization.email_allowed_domains],
    email_jit_provisioning: organization.email_jit_provisioning,
    email_invites: organization.email_invites,
    auth_methods: organization.auth_methods,
    allowed_auth_methods: [...organization.allowed_auth_methods],
    mfa_policy: organization.mfa_policy,
    rbac_email_implicit_role_assignments: structuredClone(
      organization.rbac_email_implicit_role_assignments,
    ),
    mfa_methods: organization.mfa_methods,
    allowed_mfa_methods: [...organization.allowed_mfa_methods],
    oauth_tenant_jit_provisioning: 'NOT_ALLOWED',
    claimed_email_domains: [],
    first_party_connected_apps_allowed_type: 'ALL_ALLOWED',
    allowed_first_party_connected_apps: [],
    third_party_connected_apps_allowed_type: 'ALL_ALLOWED',
    allowed_third_party_connected_apps: [],
    custom_roles: organization.custom_roles.map((role) => ({
      role_id: role.role_id,
      description: role.description ?? '',
      permissions: structuredClone(role.permissions),
    })),
    trusted_metadata: structuredClone(organization.trusted_metadata),
    created_at: rfc3339(organization.created_at),
    updated_at: rfc3339(organization.updated_at),
    ...externalIdJson('organization_external_id', organization.organization_external_id),
  }
}

/**
 * One `authentication_factors[]` entry: `email_otp/email`, `otp/sms`, `totp/authenticator_app`
 * or `recovery_codes/recovery_code`.
 */
export function factorJson(factor: FactorRecord): AuthenticationFactorJson {
  const times = {
    last_authenticated_at: rfc3339(factor.last_authenticated_at),
    created_at: rfc3339(factor.created_at),
    updated_at: rfc3339(factor.last_authenticated_at),
  }
  switch (factor.kind) {
    case 'email_otp':
      return {
        type: 'email_otp',
        delivery_method: 'email',
        ...times,
        email_factor: { email_id: factor.email_id, email_address: factor.email_address },
      }
    case 'sms_otp':
      return {
        type: 'otp',
        delivery_method: 'sms',
        ...times,
        phone_number_factor: { phone_id: factor.phone_id, phone_number: factor.phone_number },
      }
    case 'totp':
      return {
        type: 'totp',
        delivery_method: 'authenticator_app',
        ...times,
        authenticator_app_factor: { totp_id: factor.totp_id },
      }
    case 'recovery_code':
      return {
        type: 'recovery_codes',
        delivery_method: 'recovery_code',
        ...times,
        recovery_code_factor: { totp_recovery_code_id: factor.totp_recovery_code_id },
      }
  }
}

/** Stytch's MemberSession object. */
export function memberSessionJson(
  session: SessionRecord,
  organization: OrganizationRecord,
  member: MemberRecord,
): MemberSessionJson {
  return {
    member_session_id: session.member_session_id,
    member_id: session.member_id,
    started_at: rfc3339(session.started_at),
    last_accessed_at: rfc3339(session.last_accessed_at),
    expires_at: rfc3339(session.expires_at),
    authentication_factors: session.factors.map(factorJson),
    organization_id: session.organization_id,
    roles: roleIds(member, organization),
    organization_slug: organization.organization_slug,
    custom_claims: structuredClone(session.custom_claims),
  }
}
