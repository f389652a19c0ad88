/** @module Request-body schemas (Stytch field names) and the value checks the routes share. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { z } from 'zod'
import { customClaimsField } from './custom-claims.js'
import { badRequest } from './errors.js'
import { memberProfileShape, organizationProfileShape } from './profile.js'
import { authorizationCheckSchema } from './state-rbac.js'

const E164 = /^\+[1-9]\d{7,14}$/
// Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const SLUG = /^[a-zA-Z0-9._~-]{2,128}$/

const id = z.string().min(1)
const optionalToken = z.string().optional()

export const createOrganizationBody = z.object({
  organization_name: z.string().min(1),
  organization_slug: z.string().optional(),
  mfa_policy: z.enum(['REQUIRED_FOR_ALL', 'OPTIONAL']).optional(),
  mfa_methods: z.enum(['ALL_ALLOWED', 'RESTRICTED']).optional(),
  allowed_mfa_methods: z.array(z.enum(['sms_otp', 'totp'])).optional(),
  email_jit_provisioning: z.enum(['RESTRICTED', 'NOT_ALLOWED']).optional(),
  email_allowed_domains: z.array(z.string()).optional(),
  ...organizationProfileShape,
})

export const createMemberBody = z.object({
  email_address: z.string(),
  name: z.string().optional(),
  create_member_as_pending: z.boolean().optional(),
  is_breakglass: z.boolean().optional(),
  mfa_phone_number: z.string().optional(),
  mfa_enrolled: z.boolean().optional(),
  roles: z.array(z.string()).optional(),
  ...memberProfileShape,
})

export const updateMemberBody = z.object({
  name: z.string().optional(),
  is_breakglass: z.boolean().optional(),
  mfa_phone_number: z.string().optional(),
  mfa_enrolled: z.boolean().optional(),
  roles: z.array(z.string()).optional(),
  default_mfa_method: z.enum(['sms_otp', 'totp']).optional(),
  ...memberProfileShape,
})

export const emailLoginOrSignupBody = z.object({
  organization_id: id,
  email_address: z.string(),
  locale: z.string().optional(),
  login_expiration_minutes: z.number().int().optional(),
  signup_expiration_minutes: z.number().int().optional(),
})

export const emailAuthenticateBody = z.object({
  organization_id: id,
  email_address: z.string(),
  code: z.string(),
  session_token: optionalToken,
  session_jwt: optionalToken,
  intermediate_session_token: optionalToken,
  session_duration_minutes: z.number().int().optional(),
  session_custom_claims: customClaimsField,
  locale: z.string().optional(),
})

export const smsSendBody = z.object({
  organization_id: id,
  member_id: id,
  mfa_phone_number: z.string().optional(),
  locale: z.string().optional(),
  intermediate_session_token: optionalToken,
  session_token: optionalToken,
  session_jwt: optionalToken,
})

export const smsAuthenticateBody = z.object({
  organization_id: id,
  member_id: id,
  code: z.string(),
  intermediate_session_token: optionalToken,
  session_token: optionalToken,
  session_jwt: optionalToken,
  session_duration_minutes: z.number().int().optional(),
  session_custom_claims: customClaimsField,
  set_mfa_enrollment: z.enum(['enroll', 'unenroll']).optional(),
})

export const sessionsAuthenticateBody = z.object({
  session_token: optionalToken,
  session_jwt: optionalToken,
  session_duration_minutes: z.number().int().optional(),
  session_custom_claims: customClaimsField,
  authorization_check: authorizationCheckSchema.optional(),
})

export const sessionsRevokeBody = z.object({
  member_session_id: optionalToken,
  session_token: optionalToken,
  session_jwt: optionalToken,
  member_id: optionalToken,
})

/** Parses a body, or throws 400 naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.join('.') ?? ''
  // inferred: Stytch's type and wording for schema failures.
  throw badRequest(
    'bad_request',
    `((${field === '' ? 'body' : field}: ${issue?.message ?? 'invalid'}))`,
  )
}

/** E.164 with a country calling code that exists and a length its numbering plan allows. */
export function checkPhoneNumber(phone: string): void {
  const parsed = E164.test(phone) ? parsePhoneNumberFromString(phone) : undefined
  if (E164.test(phone) && parsed === undefined) {
    // inferred: 400 (type and message from Stytch's SDKs) for a calling code no country has.
    throw badRequest(
      'invalid_phone_number_country_code',
      "The phone number's country code is invalid, unsupported, or disabled.",
    )
  }
  // inferred: Stytch's strictness. A number must have a length its country's plan allows (so a
  // 10-digit "+1" number fails); ranges a plan leaves unassigned, like +1 555, pass.
  if (parsed?.isPossible() !== true || parsed.number !== phone) {
    throw badRequest(
      'invalid_phone_number', // inferred: 400
      'Phone number format is invalid. Ensure the phone number is in the E.164 format.',
    )
  }
}

/** Rejects what cannot be an email address. */
export function checkEmail(email: string): void {
  // inferred: 400 invalid_email.
  if (!EMAIL.test(email)) throw badRequest('invalid_email', '((The email address is invalid.))')
}

/** 2-128 characters of letters, digits and `-._~`, as Stytch documents. */
export function checkSlug(slug: string): void {
  if (!SLUG.test(slug)) {
    // inferred: 400 invalid_organization_slug.
    throw badRequest(
      'invalid_organization_slug',
      '((organization_slug must be 2-128 characters of letters, digits and -._~))',
    )
  }
}

/** Rejects a locale outside `allowed`; `undefined` means the default (English). */
export function checkLocale(locale: string | undefined, allowed: readonly string[]): void {
  // inferred: 400 invalid_locale.
  if (locale !== undefined && !allowed.includes(locale)) {
    throw badRequest('invalid_locale', 'locale is invalid.')
  }
}

/** Validates `session_duration_minutes` (5..527040) and returns it or the default. */
export function sessionMinutes(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (value < 5 || value > 527_040) {
    // inferred: 400 (type and message from Stytch's SDKs).
    throw badRequest(
      'invalid_session_duration_minutes',
      'session_duration_minutes should be between 5 to 527040 minutes',
    )
  }
  return value
}

/** Validates an email OTP expiry (2..15 minutes, default 10). */
export function otpMinutes(value: number | undefined): number {
  if (value === undefined) return 10
  if (value < 2 || value > 15) {
    // inferred: 400 invalid_expiration_otp.
    throw badRequest('invalid_expiration_otp', '((expiration minutes must be between 2 and 15))')
  }
  return value
}
