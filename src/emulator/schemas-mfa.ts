/**
 * @module Request-body schemas (Stytch field names) of the authenticator-app, recovery-code,
 * organization-update and member-search routes.
 */
import { z } from 'zod'
import { customClaimsField } from './custom-claims.js'

const id = z.string().min(1)
const optionalToken = z.string().optional()

/** The IST, or the session of a step-up. */
const credential = {
  intermediate_session_token: optionalToken,
  session_token: optionalToken,
  session_jwt: optionalToken,
}

/** What becomes of the session; telemetry is accepted and not modelled. */
const sessionOptions = {
  session_duration_minutes: z.number().int().optional(),
  session_custom_claims: customClaimsField,
  telemetry_id: z.string().optional(),
}

export const totpCreateBody = z.object({
  organization_id: id,
  member_id: id,
  expiration_minutes: z.number().int().optional(),
  ...credential,
})

export const totpAuthenticateBody = z.object({
  organization_id: id,
  member_id: id,
  code: z.string(),
  ...credential,
  ...sessionOptions,
  set_mfa_enrollment: z.enum(['enroll', 'unenroll']).optional(),
  set_default_mfa: z.boolean().optional(),
})

export const recoveryCodesRecoverBody = z.object({
  organization_id: id,
  member_id: id,
  recovery_code: z.string(),
  ...credential,
  ...sessionOptions,
})

export const recoveryCodesRotateBody = z.object({ organization_id: id, member_id: id })

export const updateOrganizationBody = z.object({
  organization_name: z.string().min(1).optional(),
  organization_slug: z.string().optional(),
  mfa_policy: z.enum(['REQUIRED_FOR_ALL', 'OPTIONAL']).optional(),
  mfa_methods: z.enum(['ALL_ALLOWED', 'RESTRICTED']).optional(),
  allowed_mfa_methods: z.array(z.enum(['sms_otp', 'totp'])).optional(),
  email_jit_provisioning: z.enum(['RESTRICTED', 'NOT_ALLOWED']).optional(),
  email_allowed_domains: z.array(z.string()).optional(),
})

export const membersSearchBody = z.object({
  organization_ids: z.array(z.string()),
  cursor: z.string().optional(),
  limit: z.number().int().optional(),
  query: z
    .object({
      operator: z.string(),
      operands: z.array(z.object({ filter_name: z.string(), filter_value: z.unknown() })),
    })
    .optional(),
})
