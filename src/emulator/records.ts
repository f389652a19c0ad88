/** @module What the emulator stores. Times are ms on the emulator clock; JSON views are in serialize.ts. */
import type { EmailJitProvisioning, MfaPolicy } from './types.js'

export interface OrganizationRecord {
  readonly organization_id: string
  organization_name: string
  readonly organization_slug: string
  mfa_policy: MfaPolicy
  mfa_methods: string
  allowed_mfa_methods: string[]
  email_jit_provisioning: EmailJitProvisioning
  email_allowed_domains: string[]
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

export interface IntermediateSessionRecord {
  readonly token: string
  readonly organization_id: string
  readonly member_id: string
  readonly expires_at: number
  readonly primary_factor: FactorRecord
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
}
