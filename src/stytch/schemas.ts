/** @module zod schemas of the Stytch success responses the flows use, read into the port types. */
import { z } from 'zod'
import { MfaError } from '../core/errors.js'
import type {
  AuthenticationFactor,
  MemberPhoneStatus,
  MemberSession,
  MfaMethod,
  MfaOptions,
  PrimaryAuthResult,
  RecoveryCodes,
  RecoveryGrant,
  SendEmailOtpResult,
  SendSmsOtpResult,
  SessionGrant,
  TotpRegistration,
} from '../core/ports/stytch.js'

/** RFC 6265 `cookie-octet`: safe in a cookie value unquoted (no `;` `,` `"` `\`, space, CTLs). */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/

/** How long Stytch keeps an intermediate session when it does not say (its documented default). */
export const DEFAULT_IST_LIFETIME_MS = 10 * 60 * 1000

const token = (max: number) => z.string().min(1).max(max).regex(COOKIE_OCTETS)

/** A `session_token`: it goes into a cookie, so it must be cookie-safe (Stytch's are 44 long). */
export const sessionTokenSchema = token(200)
/** A `session_jwt`: cookie-safe and small enough for one cookie (≤ 4000 characters). */
export const sessionJwtSchema = token(4000)
/** An `intermediate_session_token`: cookie-safe, like a session token. */
export const intermediateSessionTokenSchema = token(200)

/** An id Stytch gives (member, organization, role, resource…). */
export const id = z.string().min(1).max(200)
// Stytch always sends `request_id`; it is only used for logs, so its absence is not fatal.
export const requestId = z
  .string()
  .max(200)
  .optional()
  .transform((value) => value ?? '')

/** An RFC 3339 timestamp (`Z` or an offset, any precision) as a `Date`. */
export const dateSchema = z.iso.datetime({ offset: true }).transform((value) => new Date(value))
// Stytch sends `null` or `""` for a date it does not have.
export const optionalDate = z
  .union([dateSchema, z.literal(''), z.null()])
  .optional()
  .transform((value) => (value instanceof Date ? value : undefined))
export const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value === '' || value === null ? undefined : value))

/** One `authentication_factors[]` entry. */
export const authenticationFactorSchema = z
  .object({
    type: z.string().min(1),
    delivery_method: z.string(),
    last_authenticated_at: optionalDate,
    phone_number_factor: z.object({ phone_number: optionalText }).nullish(),
    email_factor: z.object({ email_address: optionalText }).nullish(),
  })
  .transform((factor): AuthenticationFactor => ({
    type: factor.type,
    deliveryMethod: factor.delivery_method,
    lastAuthenticatedAt: factor.last_authenticated_at,
    phoneNumber: factor.phone_number_factor?.phone_number,
    emailAddress: factor.email_factor?.email_address,
  }))

/** A `member_session` (from Stytch, or from `authenticateJwtLocal`). */
export const memberSessionSchema = z
  .object({
    member_session_id: id,
    member_id: id,
    organization_id: id,
    organization_slug: optionalText,
    started_at: optionalDate,
    expires_at: dateSchema,
    authentication_factors: z.array(authenticationFactorSchema),
    roles: z
      .array(z.string())
      .nullish()
      .transform((roles) => roles ?? []),
  })
  .transform((session): MemberSession => ({
    memberSessionId: session.member_session_id,
    memberId: session.member_id,
    organizationId: session.organization_id,
    organizationSlug: session.organization_slug,
    startedAt: session.started_at,
    expiresAt: session.expires_at,
    authenticationFactors: session.authentication_factors,
    roles: session.roles,
  }))

const sessionGrantFields = {
  request_id: requestId,
  session_token: sessionTokenSchema,
  session_jwt: sessionJwtSchema,
  member_session: memberSessionSchema,
}

const toSessionGrant = (body: z.output<z.ZodObject<typeof sessionGrantFields>>): SessionGrant => ({
  requestId: body.request_id,
  sessionToken: body.session_token,
  sessionJwt: body.session_jwt,
  memberSession: body.member_session,
})

/** `otps/sms/authenticate` and `sessions/authenticate`: a full session, always. */
export const sessionGrantSchema = z.object(sessionGrantFields).transform(toSessionGrant)

/** `otps/email/login_or_signup`. */
export const sendEmailOtpSchema = z
  .object({
    request_id: requestId,
    member_id: id,
    member: z.object({ organization_id: id.optional() }).nullish(),
    organization: z.object({ organization_id: id.optional() }).nullish(),
  })
  .transform((body, ctx): SendEmailOtpResult => {
    const organizationId = body.organization?.organization_id ?? body.member?.organization_id
    if (organizationId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['organization'], message: 'no organization_id' })
      return z.NEVER
    }
    return { requestId: body.request_id, memberId: body.member_id, organizationId }
  })

/** `otps/sms/send`. */
export const sendSmsOtpSchema = z
  .object({
    request_id: requestId,
    member_id: id,
    member: z.object({ mfa_phone_number: optionalText }).nullish(),
  })
  .transform((body): SendSmsOtpResult => ({
    requestId: body.request_id,
    phoneNumber: body.member?.mfa_phone_number,
  }))

/**
 * `organizations.members.get`. The phone number is read only to learn whether there is one: it
 * is dropped here, so no later log or error can carry it.
 */
export const getMemberSchema = z
  .object({
    request_id: requestId,
    member: z.object({
      member_id: id,
      organization_id: id,
      mfa_phone_number: optionalText,
      mfa_phone_number_verified: z.boolean(),
    }),
  })
  .transform(({ request_id: requestId, member }): MemberPhoneStatus => ({
    requestId,
    memberId: member.member_id,
    organizationId: member.organization_id,
    hasMfaPhoneNumber: member.mfa_phone_number !== undefined,
    mfaPhoneNumberVerified: member.mfa_phone_number_verified,
  }))

const MFA_METHODS: readonly MfaMethod[] = ['sms_otp', 'totp']
const isMfaMethod = (value: string | undefined): value is MfaMethod =>
  MFA_METHODS.includes(value as MfaMethod)

/** The MFA fields of the `member` in an answer; all optional, as older answers lack them. */
export const mfaMemberSchema = z.object({
  mfa_phone_number: optionalText,
  totp_registration_id: optionalText,
  default_mfa_method: optionalText,
  is_breakglass: z.boolean().nullish(),
})

/** The MFA fields of the `organization` in an answer. */
export const mfaOrganizationSchema = z.object({
  mfa_methods: optionalText,
  allowed_mfa_methods: z.array(z.string()).nullish(),
})

/**
 * The second factors the member may use. `RESTRICTED` limits them to `allowed_mfa_methods`,
 * except for a breakglass member (Stytch exempts those); an answer without the organization
 * offers both, and Stytch still refuses what it does not allow.
 */
export function mfaOptionsOf(
  member: z.output<typeof mfaMemberSchema> | null | undefined,
  organization: z.output<typeof mfaOrganizationSchema> | null | undefined,
  options: { readonly totp_registration_id?: string | undefined } | null | undefined,
): MfaOptions {
  const restricted = organization?.mfa_methods === 'RESTRICTED' && member?.is_breakglass !== true
  const allowed = organization?.allowed_mfa_methods ?? []
  const defaultMethod = member?.default_mfa_method
  return {
    allowedMethods: restricted ? MFA_METHODS.filter((m) => allowed.includes(m)) : MFA_METHODS,
    hasTotp: (member?.totp_registration_id ?? options?.totp_registration_id) !== undefined,
    defaultMethod: isMfaMethod(defaultMethod) ? defaultMethod : undefined,
  }
}

/** `member_authenticated: false`: Stytch wants MFA or another primary method. */
const unauthenticatedSchema = z
  .object({
    member_authenticated: z.literal(false),
    request_id: requestId,
    member_id: optionalText,
    organization_id: optionalText,
    intermediate_session_token: z.string().nullish(),
    intermediate_session_token_expires_at: optionalDate,
    member: mfaMemberSchema.nullish(),
    organization: mfaOrganizationSchema.nullish(),
    mfa_required: z
      .object({
        member_options: z
          .object({ mfa_phone_number: optionalText, totp_registration_id: optionalText })
          .nullish(),
        secondary_auth_initiated: z.string().nullish(),
      })
      .nullish(),
    primary_required: z.object({ allowed_auth_methods: z.array(z.string()) }).nullish(),
  })
  .transform((body, ctx) => {
    if (body.primary_required) {
      const allowedAuthMethods = body.primary_required.allowed_auth_methods
      return { kind: 'primary_required' as const, requestId: body.request_id, allowedAuthMethods }
    }
    const ist = intermediateSessionTokenSchema.safeParse(body.intermediate_session_token)
    const { mfa_required: mfa, member_id: memberId, organization_id: organizationId } = body
    const missing = !mfa
      ? 'mfa_required'
      : !ist.success
        ? 'intermediate_session_token'
        : memberId === undefined
          ? 'member_id'
          : organizationId === undefined
            ? 'organization_id'
            : undefined
    if (missing !== undefined || !mfa || !ist.success || !memberId || !organizationId) {
      ctx.addIssue({ code: 'custom', path: [missing ?? ''], message: 'missing or not usable' })
      return z.NEVER
    }
    const options = mfaOptionsOf(body.member, body.organization, mfa.member_options)
    // A phone the organization does not let count is no way to sign in: the SMS step is off.
    const phone = options.allowedMethods.includes('sms_otp')
      ? (mfa.member_options?.mfa_phone_number ?? body.member?.mfa_phone_number)
      : undefined
    return {
      kind: 'mfa_required' as const,
      requestId: body.request_id,
      memberId,
      organizationId,
      intermediateSessionToken: ist.data,
      intermediateSessionExpiresAt: body.intermediate_session_token_expires_at,
      smsSent: mfa.secondary_auth_initiated === 'sms_otp',
      memberPhoneNumber: phone,
      mfa: options,
    }
  })

/** `member_authenticated: true`: the tokens and the member session must all be there. */
const authenticatedSchema = z
  .object({ ...sessionGrantFields, member_authenticated: z.literal(true) })
  .transform((body) => ({ kind: 'authenticated' as const, ...toSessionGrant(body) }))

/** `otps/email/authenticate`: one of its three shapes (authenticated, MFA required, primary required). */
export const primaryAuthSchema = z.discriminatedUnion('member_authenticated', [
  authenticatedSchema,
  unauthenticatedSchema,
])

/** A recovery code as Stytch issues them (`xxxx-xxxx-xxxx`); bounded, since they are shown. */
const recoveryCodeSchema = z.string().min(1).max(64)

/** `totps.create`: the secret, the QR code and the recovery codes, all needed. */
export const totpRegistrationSchema = z
  .object({
    request_id: requestId,
    totp_registration_id: id,
    secret: z
      .string()
      .min(16)
      .max(128)
      .regex(/^[A-Z2-7]+=*$/),
    qr_code: z
      .string()
      .max(100_000)
      .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/),
    recovery_codes: z.array(recoveryCodeSchema).min(1).max(50),
  })
  .transform((body): TotpRegistration => ({
    requestId: body.request_id,
    totpRegistrationId: body.totp_registration_id,
    secret: body.secret,
    qrCode: body.qr_code,
    recoveryCodes: body.recovery_codes,
  }))

/** `recovery_codes.recover`: a full session, and the count of codes left. */
export const recoveryGrantSchema = z
  .object({ ...sessionGrantFields, recovery_codes_remaining: z.number().int().min(0) })
  .transform((body): RecoveryGrant => ({
    ...toSessionGrant(body),
    recoveryCodesRemaining: body.recovery_codes_remaining,
  }))

/** `recovery_codes.rotate` and `.get`. */
export const recoveryCodesSchema = z
  .object({ request_id: requestId, recovery_codes: z.array(recoveryCodeSchema).min(1).max(50) })
  .transform((body): RecoveryCodes => ({
    requestId: body.request_id,
    recoveryCodes: body.recovery_codes,
  }))

/** Names the problem by path and issue code only: values (tokens, phone numbers) stay out. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.code}`)
    .join(', ')
}

/**
 * Reads a Stytch success body with `schema`, or fails closed.
 * @throws MfaError `stytch_bad_response` (with Stytch's `request_id` when there is one).
 */
export function parseResponse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const raw = typeof body === 'object' && body !== null ? (body as { request_id?: unknown }) : {}
  const requestId = typeof raw.request_id === 'string' ? raw.request_id : undefined
  const message = `Stytch's ${what} response has an unexpected shape (${describe(result.error)})`
  throw new MfaError('stytch_bad_response', message, { requestId })
}

/**
 * Reads an `otps/email/authenticate` body (or an exchange's, `what`). An intermediate session
 * without an expiry from Stytch gets `now` + 10 minutes.
 */
export function parsePrimaryAuth(
  body: unknown,
  now: Date,
  what = 'otps.email.authenticate',
): PrimaryAuthResult {
  const result = parseResponse(primaryAuthSchema, body, what)
  if (result.kind !== 'mfa_required') return result
  const expiresAt =
    result.intermediateSessionExpiresAt ?? new Date(now.getTime() + DEFAULT_IST_LIFETIME_MS)
  return { ...result, intermediateSessionExpiresAt: expiresAt }
}
