/** @module The library's one error class and its stable codes. */

/**
 * Every code the library answers with, as it appears in `problem+json` bodies (`code`), in
 * redirects (`?error=`) and on {@link MfaError.code}. Codes are API: they never change meaning.
 */
export const MfaErrorCode = {
  /** The request body or query is malformed or fails the schema. 400. */
  InvalidRequest: 'invalid_request',
  /** The phone number is not a valid E.164 number, or not in an allowed country. 400. */
  InvalidPhoneNumber: 'invalid_phone_number',
  /** The member has no phone number and the app does not allow enrolment. 409. */
  PhoneEnrollmentDisabled: 'phone_enrollment_disabled',
  /** The body is not JSON or a form. 415. */
  UnsupportedMediaType: 'unsupported_media_type',
  /** The body is larger than the limit. 413. */
  PayloadTooLarge: 'payload_too_large',
  /** The route only answers POST. 405. */
  MethodNotAllowed: 'method_not_allowed',
  /** Sign-in over plain http while insecure cookies are not allowed. 400. */
  InsecureTransport: 'insecure_transport',
  /** A state-changing request came from another site. 403. */
  CrossSiteRequest: 'cross_site_request',
  /** No valid member session. 401. */
  NotSignedIn: 'not_signed_in',
  /** No login in progress (no, expired or tampered intermediate session): start again. 401. */
  LoginRequired: 'login_required',
  /** Signed in, but the session has no SMS factor. 403. */
  MfaRequired: 'mfa_required',
  /** Signed in with an SMS factor older than the route's `maxAge`. 403. */
  MfaStale: 'mfa_stale',
  /** Signed in with MFA, but the organization or role is not allowed on this route. 403. */
  Forbidden: 'forbidden',
  /** The code is wrong, expired or already used. 401. */
  OtpInvalid: 'otp_invalid',
  /** Too many wrong codes: start again from login, after `Retry-After` if given. 429. */
  OtpLocked: 'otp_locked',
  /** Too many requests: try again after `Retry-After`. 429. */
  RateLimited: 'rate_limited',
  /** The store behind the rate limits failed: refused rather than unlimited. 503. */
  LimitsUnavailable: 'limits_unavailable',
  /** The revocation store (Redis) has not delivered the sign-outs on record yet. 503. */
  RevocationsUnavailable: 'revocations_unavailable',
  /** Stytch answered with an error the library does not expect. 502. */
  StytchError: 'stytch_error',
  /** Stytch answered with a body the library could not trust. 502. */
  StytchBadResponse: 'stytch_bad_response',
  /** Stytch could not be reached. 503. */
  StytchUnavailable: 'stytch_unavailable',
  /** Stytch did not answer within the deadline. 504. */
  StytchTimeout: 'stytch_timeout',
  /** The library was configured wrongly (thrown at startup, or 500 if found per request). */
  ConfigurationError: 'configuration_error',
} as const

export type MfaErrorCode = (typeof MfaErrorCode)[keyof typeof MfaErrorCode]

/** HTTP status of each code. */
export const statusOf: Readonly<Record<MfaErrorCode, number>> = {
  invalid_request: 400,
  invalid_phone_number: 400,
  phone_enrollment_disabled: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  method_not_allowed: 405,
  insecure_transport: 400,
  cross_site_request: 403,
  not_signed_in: 401,
  login_required: 401,
  mfa_required: 403,
  mfa_stale: 403,
  forbidden: 403,
  otp_invalid: 401,
  otp_locked: 429,
  rate_limited: 429,
  limits_unavailable: 503,
  revocations_unavailable: 503,
  stytch_error: 502,
  stytch_bad_response: 502,
  stytch_unavailable: 503,
  stytch_timeout: 504,
  configuration_error: 500,
}

/** What an end user may read for each code: short, actionable, never a Stytch message. */
export const messageOf: Readonly<Record<MfaErrorCode, string>> = {
  invalid_request: 'The request is not valid.',
  invalid_phone_number: 'This phone number cannot receive codes. Use a number in E.164 form.',
  phone_enrollment_disabled: 'This account has no phone number for codes. Ask an administrator.',
  unsupported_media_type: 'Send the request as JSON or as a form.',
  payload_too_large: 'The request is too large.',
  method_not_allowed: 'This address only accepts POST.',
  insecure_transport: 'Sign-in needs a secure (https) connection.',
  cross_site_request: 'The request came from another site and was refused.',
  not_signed_in: 'Sign in to continue.',
  login_required: 'Your sign-in has expired. Start again.',
  mfa_required: 'Confirm it is you with a code sent by SMS.',
  mfa_stale: 'Confirm it is you again with a code sent by SMS.',
  forbidden: 'You do not have access to this page.',
  otp_invalid: 'That code is wrong or has expired. Try again or ask for a new code.',
  otp_locked: 'Too many wrong codes. Start again.',
  rate_limited: 'Too many attempts. Wait and try again.',
  limits_unavailable: 'Sign-in is not available right now. Try again.',
  revocations_unavailable: 'This page is not available right now. Try again.',
  stytch_error: 'Sign-in failed. Try again.',
  stytch_bad_response: 'Sign-in is not available right now. Try again.',
  stytch_unavailable: 'Sign-in is not available right now. Try again.',
  stytch_timeout: 'Sign-in is taking too long. Try again.',
  configuration_error: 'Sign-in is not available right now.',
}

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
