/** @module Stytch SDK errors → `MfaError`, duck-typed on the SDK's classes (no stytch import). */
import { MfaError, isMfaError, type MfaErrorCode } from '../core/errors.js'
import { STYTCH_CREDENTIAL_ERROR_TYPES } from '../core/ports/stytch.js'

/** The SDK's `StytchError`: Stytch answered with a JSON error body. */
interface StytchErrorLike {
  readonly status_code?: unknown
  readonly request_id?: unknown
  readonly error_type?: unknown
}

/** The SDK's `ClientError`: a local check failed (JWT verification, local RBAC). */
interface ClientErrorLike {
  readonly code: string
  readonly cause?: unknown
}

/** Stytch `error_type` values with a meaning of their own; the rest go by HTTP status. */
const CODE_OF_TYPE: Readonly<Record<string, MfaErrorCode>> = {
  otp_code_not_found: 'otp_invalid',
  unable_to_auth_otp_code: 'otp_invalid',
  // A malformed code (wrong length, letters): to the user it is just a wrong code.
  invalid_code: 'otp_invalid',
  intermediate_session_not_found: 'login_required',
  invalid_intermediate_session_token_for_organization: 'login_required',
  member_session_member_id_mismatch: 'login_required',
  // sms/send for a member with an MFA factor, without an IST or session: start again.
  no_associated_session_passed_in: 'login_required',
  session_not_found: 'not_signed_in',
  invalid_session_token: 'not_signed_in',
  invalid_session_id: 'not_signed_in',
  unable_to_parse_session_jwt: 'not_signed_in',
  jwt_invalid_audience: 'not_signed_in',
  jwt_invalid_issuer: 'not_signed_in',
  user_lock_limit_reached: 'otp_locked',
  too_many_requests: 'rate_limited',
  invalid_phone_number: 'invalid_phone_number',
  invalid_phone_number_country_code: 'invalid_phone_number',
  invalid_phone_number_sandbox: 'invalid_phone_number',
  unsubscribed_phone_number: 'invalid_phone_number',
  duplicate_member_phone_number: 'invalid_phone_number',
  duplicate_member_phone_number_for_member: 'invalid_phone_number',
  member_phone_number_not_found: 'invalid_phone_number',
  // A wrong, expired or replayed authenticator code, or a spent or wrong recovery code: to the
  // member each is a wrong code, and each counts against the attempt budget.
  unable_to_authenticate_totp: 'otp_invalid',
  totp_code_already_authenticated: 'otp_invalid',
  invalid_totp_code: 'otp_invalid',
  recovery_code_used_as_totp_code: 'otp_invalid',
  unable_to_authenticate_recovery_code: 'otp_invalid',
  totp_code_used_as_recovery_code: 'otp_invalid',
  invalid_recovery_code: 'otp_invalid',
  operation_restricted_by_organization_mfa_methods: 'mfa_method_not_allowed',
  totp_not_found: 'totp_not_enrolled',
  no_active_recovery_code_backed_factor: 'totp_not_enrolled',
  // Adding a factor to a member who has one takes a session that carries it.
  insufficient_factors: 'mfa_required',
  active_totp_exists: 'totp_already_enrolled',
  pending_totp_exists: 'totp_already_enrolled',
}

/** undici's timeout codes: the agent gave up waiting for Stytch. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ERR_JWKS_TIMEOUT',
])

/** The SDK's `ClientError` codes for a JWT it refused locally. */
const JWT_REFUSALS = new Set(['jwt_invalid', 'jwt_too_old', 'tenancy_mismatch'])

/** jose's verdicts on the token itself (the SDK's own jose 5 copy, matched by `code`). */
const JWT_VERDICTS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  // The JWKS was fetched and has no key for this `kid`: a forged or foreign token.
  'ERR_JWKS_NO_MATCHING_KEY',
])

/** jose errors meaning the JWKS was fetched but is unusable. */
const JWKS_BAD_RESPONSE_CODES = new Set([
  'ERR_JWKS_INVALID',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWK_INVALID',
])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

/** Only Stytch-style identifiers are repeated in messages; anything else could be data. */
const safeWord = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Za-z0-9_]{1,100}$/.test(value) ? value : undefined

const stringOrUndefined = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

function isStytchErrorLike(value: unknown): value is StytchErrorLike {
  return isObject(value) && ('status_code' in value || 'error_type' in value)
}

function isRequestErrorLike(value: unknown): value is Error & { request: unknown } {
  return value instanceof Error && 'request' in value && isObject(value.request)
}

/** The SDK's `ClientError`: lower-case snake_case `code` (Node's own codes are upper case). */
export function isClientErrorLike(value: unknown): value is ClientErrorLike & Error {
  return value instanceof Error && 'code' in value && /^[a-z][a-z0-9_]*$/.test(String(value.code))
}

/** The `code`s along an error's `cause` chain (depth-limited: causes can be cyclic). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && isObject(current); depth++) {
    if (typeof current.code === 'string') codes.push(current.code)
    if (typeof current.name === 'string' && current.name === 'TimeoutError') codes.push('ETIMEDOUT')
    current = current.cause
  }
  return codes
}

/**
 * A copy of an SDK error that is safe to keep as `cause`: the SDK's `RequestError` carries the
 * request body (codes, tokens) on `request`, its JSON-parse message quotes the response, and a
 * `ClientError`'s jose cause carries the JWT payload (phone numbers, emails).
 */
function redacted(name: string, message: string, code?: string): Error {
  const error = new Error(message)
  error.name = name
  return code === undefined ? error : Object.assign(error, { code })
}

function fromStytchError(error: StytchErrorLike): MfaError {
  const status = typeof error.status_code === 'number' ? error.status_code : undefined
  const type = safeWord(error.error_type)
  const details = {
    requestId: stringOrUndefined(error.request_id),
    stytchErrorType: stringOrUndefined(error.error_type),
    stytchStatus: status,
    cause: error,
  }
  const statusText = status === undefined ? 'an error' : String(status)
  const answered = `Stytch answered ${statusText} ${type ?? 'without a known error_type'}`
  if (type !== undefined && STYTCH_CREDENTIAL_ERROR_TYPES.has(type)) {
    const message = `Stytch refused the project id and secret (${answered}): check the options`
    return new MfaError('stytch_error', message, details)
  }
  if (status !== undefined && status >= 500)
    return new MfaError('stytch_unavailable', answered, details)
  const byType = type === undefined ? undefined : CODE_OF_TYPE[type]
  // Stytch does not expose Retry-After through the SDK (errors are built from the body only).
  if (byType !== undefined) return new MfaError(byType, answered, details)
  if (status === 429) return new MfaError('rate_limited', answered, details)
  if (status !== undefined && status >= 400) return new MfaError('stytch_error', answered, details)
  // A JSON error body without Stytch's shape: likely a proxy in front of Stytch.
  return new MfaError('stytch_unavailable', answered, details)
}

function fromRequestError(error: Error): MfaError {
  if (error.message.startsWith('Unable to parse JSON')) {
    const cause = redacted('RequestError', 'Unable to parse JSON response from server')
    return new MfaError('stytch_bad_response', 'Stytch answered with a body that is not JSON', {
      cause,
    })
  }
  // Usually "fetch failed"; other fetch messages can quote header values, so only plain words pass.
  const message = /^[\w .-]{1,80}$/.test(error.message) ? error.message : 'request failed'
  return fromTransportError(error, redacted('RequestError', message, causeCodes(error)[0]))
}

/** A network-level failure: a timeout if undici (or an abort signal) says so, else unreachable. */
function fromTransportError(error: Error, cause: unknown): MfaError {
  const codes = causeCodes(error)
  const timeout = codes.find((code) => TIMEOUT_CODES.has(code))
  if (timeout !== undefined) {
    return new MfaError('stytch_timeout', `Stytch did not answer in time (${timeout})`, { cause })
  }
  const reason = codes.map(safeWord).find((code) => code !== undefined)
  const message = `Stytch could not be reached${reason === undefined ? '' : ` (${reason})`}`
  return new MfaError('stytch_unavailable', message, { cause })
}

/**
 * A jose error from checking a session JWT locally. Only jose's verdicts on the token itself
 * (bad signature, expired, wrong claims, unknown `kid`) mean `not_signed_in`. Anything else
 * means the JWKS could not be used and the JWT was never judged: that fails closed as a
 * `stytch_*` code (a 5xx) rather than logging the member out.
 */
function fromJose(jose: Record<string, unknown> | undefined, what: string, cause: Error): MfaError {
  const joseCode = typeof jose?.code === 'string' ? jose.code : ''
  const joseMessage = typeof jose?.message === 'string' ? jose.message : ''
  if (jose === undefined || JWT_VERDICTS.has(joseCode)) {
    const why = safeWord(joseCode)
    const reason = why === undefined ? what : `${what}, ${why}`
    return new MfaError('not_signed_in', `The session JWT was refused (${reason})`, { cause })
  }
  const unusable = (code: MfaErrorCode, why: string) =>
    new MfaError(code, `The Stytch JWKS could not be used (${why})`, { cause })
  if (TIMEOUT_CODES.has(joseCode)) return unusable('stytch_timeout', joseCode)
  if (JWKS_BAD_RESPONSE_CODES.has(joseCode)) return unusable('stytch_bad_response', joseCode)
  if (joseMessage.startsWith('Failed to parse the JSON Web Key Set')) {
    return unusable('stytch_bad_response', 'not JSON')
  }
  // Refused, reset, DNS, TLS, a non-200 answer ("Expected 200 OK…"), or anything unforeseen.
  return unusable('stytch_unavailable', safeWord(joseCode) ?? 'unreachable')
}

/** A `ClientError` from the SDK's local JWT verification, caused (or not) by a jose error. */
function fromClientError(error: ClientErrorLike & Error): MfaError {
  const cause = redacted('ClientError', error.message, error.code)
  if (!JWT_REFUSALS.has(error.code)) {
    const message = `The Stytch SDK refused locally (${safeWord(error.code) ?? 'unknown'})`
    return new MfaError('stytch_error', message, { cause })
  }
  return fromJose(isObject(error.cause) ? error.cause : undefined, error.code, cause)
}

/** A jose error thrown while fetching the JWKS or choosing its key for a session JWT. */
export function fromJoseError(error: unknown): MfaError {
  if (!(error instanceof Error)) {
    return new MfaError('stytch_unavailable', 'The Stytch JWKS could not be used (unexpected)')
  }
  const code = (error as { code?: unknown }).code
  const cause = redacted(error.name, error.message, typeof code === 'string' ? code : undefined)
  return fromJose(error as unknown as Record<string, unknown>, 'jose', cause)
}

/**
 * Turns anything a Stytch SDK call throws into an `MfaError`. The message never repeats
 * Stytch's `error_message` (it may echo user data); `requestId`, `stytchErrorType` and
 * `stytchStatus` are kept for logs.
 *
 * | Thrown | MfaError code |
 * | --- | --- |
 * | `MfaError` | unchanged |
 * | `StytchError` 5xx (any type) | `stytch_unavailable` |
 * | `otp_code_not_found`, `unable_to_auth_otp_code`, `invalid_code` | `otp_invalid` |
 * | `intermediate_session_not_found`, `invalid_intermediate_session_token_for_organization`, `member_session_member_id_mismatch`, `no_associated_session_passed_in` | `login_required` |
 * | `session_not_found`, `invalid_session_token`, `invalid_session_id`, `unable_to_parse_session_jwt`, `jwt_invalid_audience`, `jwt_invalid_issuer` | `not_signed_in` |
 * | `user_lock_limit_reached` | `otp_locked` |
 * | `too_many_requests`, any other 429 | `rate_limited` (no `retryAfterSeconds`: the SDK drops headers) |
 * | `unable_to_authenticate_totp`, `totp_code_already_authenticated` (a replay), `invalid_totp_code`, `unable_to_authenticate_recovery_code`, `invalid_recovery_code`, and a code of one kind sent as the other | `otp_invalid` |
 * | `operation_restricted_by_organization_mfa_methods` | `mfa_method_not_allowed` |
 * | `totp_not_found`, `no_active_recovery_code_backed_factor` | `totp_not_enrolled` |
 * | `active_totp_exists`, `pending_totp_exists` | `totp_already_enrolled` |
 * | `insufficient_factors` | `mfa_required` |
 * | `invalid_phone_number`, `invalid_phone_number_country_code`, `invalid_phone_number_sandbox`, `unsubscribed_phone_number`, `duplicate_member_phone_number`, `duplicate_member_phone_number_for_member`, `member_phone_number_not_found` | `invalid_phone_number` |
 * | `unauthorized_credentials` and the other project id / secret refusals | `stytch_error` ("refused the project id and secret") |
 * | any other 4xx | `stytch_error` |
 * | a JSON error without a status (not Stytch's shape) | `stytch_unavailable` |
 * | `RequestError` "Unable to parse JSON…" (HTML 502, truncated body) | `stytch_bad_response` |
 * | `RequestError` / fetch error with an undici timeout cause (`UND_ERR_*_TIMEOUT`) | `stytch_timeout` |
 * | other `RequestError` (refused, reset, DNS) | `stytch_unavailable` |
 * | `ClientError` `jwt_invalid` / `jwt_too_old` / `tenancy_mismatch` with no cause, or caused by a jose verdict on the token (`ERR_JWT_EXPIRED`, `ERR_JWT_CLAIM_VALIDATION_FAILED`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, `ERR_JWKS_NO_MATCHING_KEY`…) | `not_signed_in` |
 * | … caused by `ERR_JWKS_TIMEOUT` | `stytch_timeout` |
 * | … caused by `ERR_JWKS_INVALID`, `ERR_JWK_INVALID`, duplicate keys, or a JWKS that is not JSON | `stytch_bad_response` |
 * | … caused by anything else: refused, reset, DNS, TLS, a non-200 JWKS | `stytch_unavailable` |
 * | any other `ClientError` | `stytch_error` |
 * | anything else | `stytch_unavailable` |
 */
export function toMfaError(error: unknown): MfaError {
  if (isMfaError(error)) return error
  if (isStytchErrorLike(error)) return fromStytchError(error)
  if (isRequestErrorLike(error)) return fromRequestError(error)
  if (isClientErrorLike(error)) return fromClientError(error)
  if (error instanceof Error) return fromTransportError(error, error)
  return new MfaError('stytch_unavailable', 'Stytch could not be reached (unexpected error)', {
    cause: error,
  })
}
