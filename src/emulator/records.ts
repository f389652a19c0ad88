/** @module What the emulator stores. Times are ms on the emulator clock; JSON views are in serialize.ts. */
import type {
  EmailImplicitRoleAssignment,
  EmailJitProvisioning,
  MfaPolicy,
  PolicyRole,
} from './types.js'

export interface OrganizationRecord {
  readonly organization_id: string
  organization_name: string
  organization_slug: string
  mfa_policy: MfaPolicy
  mfa_methods: string
  allowed_mfa_methods: string[]
  email_jit_provisioning: EmailJitProvisioning
  email_allowed_domains: string[]
  organization_logo_url: string
  /** `''` when none. */
  organization_external_id: string
  trusted_metadata: Record<string, unknown>
  email_invites: string
  auth_methods: string
  allowed_auth_methods: string[]
  rbac_email_implicit_role_assignments: EmailImplicitRoleAssignment[]
  /** The roles of the organization's own RBAC policy (`custom_roles`). */
  custom_roles: PolicyRole[]
  readonly created_at: number
  updated_at: number
}

export interface MemberRecord {
  readonly organization_id: string
  readonly member_id: string
  readonly email_address: string
  readonly email_id: string
  status: 'active' | 'pending' | 'invited'
  name: string
  is_breakglass: boolean
  mfa_enrolled: boolean
  /** `''` when the member has no phone. */
  mfa_phone_number: string
  phone_id: string
  mfa_phone_number_verified: boolean
  /** Role ids besides `stytch_member`. */
  roles: string[]
  default_mfa_method: string
  /** The verified TOTP registration; `''` when none (a pending one does not show). */
  totp_registration_id: string
  /** Set by too many failed codes; cleared when it expires. */
  lock?: { readonly created_at: number; readonly expires_at: number } | undefined
  trusted_metadata: Record<string, unknown>
  untrusted_metadata: Record<string, unknown>
  /** `''` when none. */
  external_id: string
  readonly created_at: number
  updated_at: number
}

export type FactorRecord =
  | {
      readonly kind: 'email_otp'
      readonly email_id: string
      readonly email_address: string
      readonly created_at: number
      last_authenticated_at: number
    }
  | {
      readonly kind: 'sms_otp'
      readonly phone_id: string
      readonly phone_number: string
      readonly created_at: number
      last_authenticated_at: number
    }
  | {
      readonly kind: 'totp'
      readonly totp_id: string
      readonly created_at: number
      last_authenticated_at: number
    }
  | {
      readonly kind: 'recovery_code'
      readonly totp_recovery_code_id: string
      readonly created_at: number
      last_authenticated_at: number
    }

export interface IntermediateSessionRecord {
  readonly token: string
  /** `''` for a discovery IST until it is exchanged into an organization, which binds it. */
  organization_id: string
  member_id: string
  readonly expires_at: number
  primary_factor: FactorRecord
}

export interface SessionRecord {
  readonly member_session_id: string
  readonly session_token: string
  readonly organization_id: string
  readonly member_id: string
  readonly started_at: number
  last_accessed_at: number
  expires_at: number
  factors: FactorRecord[]
  /** `session_custom_claims`: top-level claims of the JWT and `member_session.custom_claims`. */
  custom_claims: Record<string, unknown>
}
