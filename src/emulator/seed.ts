/** @module Checking a seed (from code or a JSON file) before anything is created from it. */
import { z } from 'zod'
import { memberProfileShape, organizationProfileShape } from './profile.js'
import { policyRoleSchema, rbacPolicySchema } from './rbac-policy.js'
import { RECOVERY_CODE_SHAPE } from './state-totps.js'
import type { EmulatorSeed } from './types.js'

// Strict: a misspelt key in a seed file is an error, not a silently ignored setting.
const seedMember = z.strictObject({
  member_id: z.string().min(1).optional(),
  email_address: z.string(),
  name: z.string().optional(),
  status: z.enum(['active', 'pending', 'invited']).optional(),
  mfa_phone_number: z.string().optional(),
  mfa_phone_number_verified: z.boolean().optional(),
  mfa_enrolled: z.boolean().optional(),
  roles: z.array(z.string()).optional(),
  is_breakglass: z.boolean().optional(),
  // 16+ base32 characters: 80 bits, the least RFC 4226 allows.
  totp_secret: z
    .string()
    .regex(/^[A-Z2-7]{16,}$/i, 'a base32 secret of at least 16 characters')
    .optional(),
  recovery_codes: z.array(z.string().regex(RECOVERY_CODE_SHAPE, 'xxxx-xxxx-xxxx')).optional(),
  default_mfa_method: z.enum(['sms_otp', 'totp']).optional(),
  ...memberProfileShape,
})

const seedOrganization = z.strictObject({
  organization_id: z.string().min(1).optional(),
  organization_name: z.string().min(1),
  organization_slug: z.string(),
  mfa_policy: z.enum(['REQUIRED_FOR_ALL', 'OPTIONAL']).optional(),
  mfa_methods: z.enum(['ALL_ALLOWED', 'RESTRICTED']).optional(),
  allowed_mfa_methods: z.array(z.string()).optional(),
  email_jit_provisioning: z.enum(['RESTRICTED', 'NOT_ALLOWED']).optional(),
  email_allowed_domains: z.array(z.string()).optional(),
  ...organizationProfileShape,
  custom_roles: z.array(policyRoleSchema).optional(),
  members: z.array(seedMember).optional(),
})

const seedSchema = z.strictObject({
  organizations: z.array(seedOrganization),
  rbac_policy: rbacPolicySchema.optional(),
})

/**
 * Checks the shape of a seed.
 * @throws TypeError naming the first bad field, e.g. `organizations.0.members.1.email_address`.
 */
export function parseSeed(value: unknown): EmulatorSeed {
  const result = seedSchema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue?.path.join('.') ?? ''
  throw new TypeError(
    `Invalid emulator seed at ${where === '' ? '(root)' : where}: ${issue?.message ?? 'invalid'}`,
  )
}
