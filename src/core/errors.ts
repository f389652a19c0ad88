/** @module The library's one error class and its stable codes. */

/** What the library says about one error code. */
interface ErrorSpec {
  /** The key of the code on {@link MfaErrorCode}. */
  readonly name: string
  /** The HTTP status the code is answered with. */
  readonly status: number
  /** What an end user may read: short, actionable, never a Stytch message. */
  readonly message: string
  /** When the code is answered, for the documentation. */
  readonly doc: string
}

/**
 * Every code the library answers with, as it appears in `problem+json` bodies (`code`), in
 * redirects (`?error=`) and on {@link MfaError.code}. Codes are API: they never change meaning.
 */
export const MFA_ERRORS = {
  invalid_request: {
    name: 'InvalidRequest',
    status: 400,
    message: 'The request is not valid.',
    doc: 'The request body or query is malformed or fails the schema.',
  },
  invalid_phone_number: {
    name: 'InvalidPhoneNumber',
    status: 400,
    message: 'This phone number cannot receive codes. Use a number in E.164 form.',
    doc: 'The phone number is not a valid E.164 mobile number, or not in an allowed country.',
  },
  phone_enrollment_disabled: {
    name: 'PhoneEnrollmentDisabled',
    status: 409,
    message: 'This account has no phone number for codes. Ask an administrator.',
    doc: 'The member has no phone number and the app does not allow enrolment.',
  },
  mfa_method_not_allowed: {
    name: 'MfaMethodNotAllowed',
    status: 403,
    message: 'Your organization does not allow this kind of second factor. Choose another.',
    doc: "The organization's `allowed_mfa_methods` do not include this second factor.",
  },
  totp_not_enrolled: {
    name: 'TotpNotEnrolled',
    status: 409,
    message: 'This account has no authenticator app. Set one up first.',
    doc: 'A TOTP or recovery code for a member without a (confirmed) authenticator app.',
  },
  totp_already_enrolled: {
    name: 'TotpAlreadyEnrolled',
    status: 409,
    message: 'An authenticator app is already set up, or waiting for its first code.',
    doc: 'Enrolment for a member whose authenticator app is active or awaits its first code.',
  },
  unsupported_media_type: {
    name: 'UnsupportedMediaType',
    status: 415,
    message: 'Send the request as JSON or as a form.',
    doc: 'The body is not JSON or a form.',
  },
  payload_too_large: {
    name: 'PayloadTooLarge',
    status: 413,
    message: 'The request is too large.',
    doc: 'The body is larger than the limit.',
  },
  method_not_allowed: {
    name: 'MethodNotAllowed',
    status: 405,
    message: 'This address only accepts POST.',
    doc: 'The route only answers POST.',
  },
  insecure_transport: {
    name: 'InsecureTransport',
    status: 400,
    message: 'Sign-in needs a secure (https) connection.',
    doc: 'Sign-in over plain http while insecure cookies are not allowed.',
  },
  cross_site_request: {
    name: 'CrossSiteRequest',
    status: 403,
    message: 'The request came from another site and was refused.',
    doc: 'A state-changing request came from another site.',
  },
  not_signed_in: {
    name: 'NotSignedIn',
    status: 401,
    message: 'Sign in to continue.',
    doc: 'No valid member session.',
  },
  login_required: {
    name: 'LoginRequired',
    status: 401,
    message: 'Your sign-in has expired. Start again.',
    doc: 'No login in progress (no, expired or tampered intermediate session): start again.',
  },
  mfa_required: {
    name: 'MfaRequired',
    status: 403,
    message: 'Confirm it is you with a code sent by SMS.',
    doc: 'Signed in, but the session has no SMS factor.',
  },
  mfa_stale: {
    name: 'MfaStale',
    status: 403,
    message: 'Confirm it is you again with a code sent by SMS.',
    doc: "Signed in with an SMS factor older than the route's `maxAge`.",
  },
  forbidden: {
    name: 'Forbidden',
    status: 403,
    message: 'You do not have access to this page.',
    doc: 'Signed in with MFA, but the organization, role or permissions do not fit the route.',
  },
  organization_not_available: {
    name: 'OrganizationNotAvailable',
    status: 403,
    message: 'You cannot enter that organization from here. Choose one from the list.',
    doc: "The organization chosen is not among those Stytch listed for the member's address.",
  },
  already_in_organization: {
    name: 'AlreadyInOrganization',
    status: 409,
    message: 'You are already signed in to this organization.',
    doc: 'A switch to the organization of the session itself.',
  },
  too_many_organizations: {
    name: 'TooManyOrganizations',
    status: 409,
    message: 'Your address belongs to too many organizations to list. Sign in with one by name.',
    doc: 'Discovery found more organizations than the login cookie can hold.',
  },
  otp_invalid: {
    name: 'OtpInvalid',
    status: 401,
    message: 'That code is wrong or has expired. Try again or ask for a new code.',
    doc: 'The code is wrong, expired or already used.',
  },
  otp_locked: {
    name: 'OtpLocked',
    status: 429,
    message: 'Too many wrong codes. Start again.',
    doc: 'Too many wrong codes: start again from login, after `Retry-After` if given.',
  },
  rate_limited: {
    name: 'RateLimited',
    status: 429,
    message: 'Too many attempts. Wait and try again.',
    doc: 'Too many requests: try again after `Retry-After`.',
  },
  limits_unavailable: {
    name: 'LimitsUnavailable',
    status: 503,
    message: 'Sign-in is not available right now. Try again.',
    doc: 'The store behind the rate limits failed: refused rather than unlimited.',
  },
  revocations_unavailable: {
    name: 'RevocationsUnavailable',
    status: 503,
    message: 'This page is not available right now. Try again.',
    doc: 'The revocation store (Redis) has not delivered the sign-outs on record yet.',
  },
  rbac_policy_unavailable: {
    name: 'RbacPolicyUnavailable',
    status: 503,
    message: 'This page is not available right now. Try again.',
    doc: "The route needs a permission and Stytch's RBAC policy could not be fetched.",
  },
  stytch_error: {
    name: 'StytchError',
    status: 502,
    message: 'Sign-in failed. Try again.',
    doc: 'Stytch answered with an error the library does not expect.',
  },
  stytch_bad_response: {
    name: 'StytchBadResponse',
    status: 502,
    message: 'Sign-in is not available right now. Try again.',
    doc: 'Stytch answered with a body the library could not trust.',
  },
  stytch_unavailable: {
    name: 'StytchUnavailable',
    status: 503,
    message: 'Sign-in is not available right now. Try again.',
    doc: 'Stytch could not be reached.',
  },
  stytch_timeout: {
    name: 'StytchTimeout',
    status: 504,
    message: 'Sign-in is taking too long. Try again.',
    doc: 'Stytch did not answer within the deadline.',
  },
  configuration_error: {
    name: 'ConfigurationError',
    status: 500,
    message: 'Sign-in is not available right now.',
    doc: 'The library was configured wrongly (thrown at startup, or 500 if found per request).',
  },
} as const satisfies Record<string, ErrorSpec>

type Errors = typeof MFA_ERRORS

export type MfaErrorCode = keyof Errors

const entries = Object.entries(MFA_ERRORS) as [MfaErrorCode, ErrorSpec][]

/** Each code by its name, e.g. `MfaErrorCode.OtpInvalid === 'otp_invalid'`. */
export const MfaErrorCode = Object.fromEntries(entries.map(([code, { name }]) => [name, code])) as {
  readonly [C in MfaErrorCode as Errors[C]['name']]: C
}

/** HTTP status of each code. */
export const statusOf = Object.fromEntries(
  entries.map(([code, { status }]) => [code, status]),
) as Readonly<Record<MfaErrorCode, number>>

/** What an end user may read for each code: short, actionable, never a Stytch message. */
export const messageOf = Object.fromEntries(
  entries.map(([code, { message }]) => [code, message]),
) as Readonly<Record<MfaErrorCode, string>>

/** Details kept for logs and hooks; never shown to end users. */
export interface MfaErrorDetails {
  /** Stytch's `request_id`, when Stytch answered. */
  readonly requestId?: string | undefined
  /** Stytch's `error_type`, when Stytch answered with an error. */
  readonly stytchErrorType?: string | undefined
  /** Stytch's HTTP status, when Stytch answered with an error. */
  readonly stytchStatus?: number | undefined
  /** Seconds until the client may retry (sent as `Retry-After`). */
  readonly retryAfterSeconds?: number | undefined
  /** The underlying error. */
  readonly cause?: unknown
}

/**
 * The one error class of the library. `code` is stable; `status` is the HTTP status; `expose`
 * is true when {@link messageOf} may be shown (4xx), following Koa's convention.
 * `message` is for developers and logs: it never contains codes, tokens or phone numbers.
 */
export class MfaError extends Error {
  override readonly name = 'MfaError'
  readonly code: MfaErrorCode
  readonly status: number
  readonly expose: boolean
  readonly requestId: string | undefined
  readonly stytchErrorType: string | undefined
  readonly stytchStatus: number | undefined
  readonly retryAfterSeconds: number | undefined

  constructor(code: MfaErrorCode, message?: string, details: MfaErrorDetails = {}) {
    super(message ?? messageOf[code], details.cause === undefined ? {} : { cause: details.cause })
    this.code = code
    this.status = statusOf[code]
    this.expose = this.status < 500
    this.requestId = details.requestId
    this.stytchErrorType = details.stytchErrorType
    this.stytchStatus = details.stytchStatus
    this.retryAfterSeconds = details.retryAfterSeconds
  }
}

/** True for an {@link MfaError}, also across copies of the library. */
export function isMfaError(value: unknown): value is MfaError {
  return value instanceof MfaError || (value instanceof Error && value.name === 'MfaError')
}
