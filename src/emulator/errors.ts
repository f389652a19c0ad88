/**
 * @module Stytch-shaped API errors for the emulator.
 *
 * Where Stytch's exact status or `error_type` is not confirmed by a Stytch source
 * (reference/stytch-api.md §2.2, §8), the emulator uses a best guess. Each such place is marked
 * `// inferred:` next to the code. The full list, kept here so it can be reviewed in one place:
 *
 * - 404 `otp_code_not_found` for a wrong email or SMS code (type confirmed, status inferred).
 * - 401 `unable_to_auth_otp_code` for an expired, used or superseded code (type confirmed, status
 *   inferred).
 * - A wrong code does not burn the active code (undocumented at Stytch).
 * - 404 `intermediate_session_not_found` for an unknown, expired or consumed IST (from a
 *   Stytch-authored UI fixture, not the live API).
 * - 400 `invalid_intermediate_session_token_for_organization` when an IST belongs to another
 *   organization; 400 `member_session_member_id_mismatch` when an IST or session belongs to
 *   another member or organization.
 * - 400 `no_associated_session_passed_in` when `sms/send` needs an IST or session (the member has
 *   a verified phone) or `sms/authenticate` gets none; 400 `too_many_session_arguments` when more
 *   than one of IST / session_token / session_jwt is passed to either.
 * - 400 `invalid_phone_number` when `sms/send` passes a `mfa_phone_number` that differs from the
 *   member's phone (Stytch documents the error, not its type).
 * - 400 `member_phone_number_not_found` for `sms/send` / `sms/authenticate` without any phone.
 * - 400 `invalid_phone_number` for a number that is not E.164 (type confirmed, status inferred).
 * - 400 `duplicate_member_phone_number` when another member of the organization has the number.
 * - 400 `invalid_locale`, `invalid_session_duration_minutes`, `invalid_expiration_otp`,
 *   `invalid_email` (types exist; status inferred).
 * - 400 `email_jit_provisioning_not_allowed` / `invalid_email_for_jit_provisioning` when
 *   `login_or_signup` gets an unknown email the organization does not provision.
 * - 400 `bad_request` for a body that fails the schema (missing field, wrong type, not JSON).
 * - 400 `invalid_member_get_fields` for a member lookup without `member_id` or `email_address`.
 * - 400 `duplicate_member_email`, `organization_slug_already_used`, `invalid_organization_slug`.
 *   A missing `organization_slug` is derived from the name.
 * - 404 `session_not_found` for an unknown, revoked or expired session, for a JWT whose signature,
 *   issuer or audience does not check out, and on revoke of an unknown session; 400
 *   `unable_to_parse_session_jwt` for a value that is not a JWT at all.
 * - 400 `no_session_arguments` / `too_many_session_arguments` on `sessions/authenticate`
 *   (types confirmed, triggers and status inferred); 400 `no_session_revoke_arguments` /
 *   `too_many_session_revoke_arguments` on `sessions/revoke`.
 * - 404 `organization_not_found`, 404 `member_not_found`, 404 `route_not_found`, 405
 *   `method_not_allowed`, 413 `bad_request` for a body over 1 MB.
 * - The source of `stytch_member` and of every assigned role is `{ type: 'direct_assignment' }`;
 *   roles granted by email domain have `email_assignment` (state-rbac.ts).
 * - `mfa_phone_number_verified` flips to true on the first successful SMS authenticate; a phone
 *   set by create/update/seed starts unverified unless the seed says otherwise.
 * - The SMS sent automatically after primary authentication goes out whenever the member has a
 *   phone, SMS is allowed and the member does not prefer an authenticator app it has
 *   (`sendsSmsAutomatically`, mfa-policy.ts).
 * - Email authenticate for an address with no member in the organization: 404
 *   `otp_code_not_found`; with a session of another member: 400
 *   `member_session_member_id_mismatch`; with a session of the same member: no MFA step, the
 *   email factor is added to that session.
 * - 404 `project_not_found` for the JWKS of another project id.
 * - `sessions/revoke` by `member_id` answers 200 even when the member has no session.
 * - 500 `internal_server_error` for a bug in the emulator (message in `((…))`).
 * - Discovery, IST exchange, `sessions/exchange`, an IST on email authenticate, custom claims,
 *   RBAC, metadata and phone numbers: their inferred behaviours are marked in discovery.ts,
 *   enter-organization.ts, routes-discovery.ts, routes-sessions-exchange.ts,
 *   credentials-intermediate.ts, custom-claims.ts, rbac-policy.ts, state-rbac.ts, profile.ts
 *   and `checkPhoneNumber` (schemas.ts).
 * - Authenticator apps, recovery codes, MFA-method restrictions and user locks: the statuses of
 *   their error types (all in Stytch's list; `active_totp_exists`, `user_lock_limit_reached` and
 *   the replay message are confirmed), the replay rule, `pending_totp_exists`,
 *   `insufficient_factors` for a second factor added on an IST alone, which failures count
 *   toward the lock (TOTP and recovery codes) and which attempt answers 429, and the defaults
 *   after a factor is removed: marked in state-totps.ts, state-locks.ts, mfa-policy.ts,
 *   mfa-session.ts and the route files that routes-mfa.ts gathers.
 *
 * Not emulated: rate limits.
 */

/** The JSON body Stytch sends with every error. */
export interface StytchErrorBody {
  readonly status_code: number
  readonly request_id: string
  readonly error_type: string
  readonly error_message: string
  readonly error_url: string
}

/** An error the emulator answers with, rendered as Stytch's error JSON by the server. */
export class EmulatorApiError extends Error {
  override readonly name = 'EmulatorApiError'

  /**
   * @param status HTTP status.
   * @param errorType Stytch's `error_type`.
   * @param message `error_message`; wording of the emulator's own is wrapped in `((…))`.
   */
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message)
  }
}

/** Stytch's `error_url` for a status and type, as its current B2B error pages give it. */
export function errorUrl(status: number, errorType: string): string {
  return `https://stytch.com/docs/api-reference/b2b/api/errors/${status}#${errorType}`
}

/** The error JSON for an {@link EmulatorApiError}. */
export function errorBody(error: EmulatorApiError, requestId: string): StytchErrorBody {
  return {
    status_code: error.status,
    request_id: requestId,
    error_type: error.errorType,
    error_message: error.message,
    error_url: errorUrl(error.status, error.errorType),
  }
}

/** A plausible `error_type` for an injected status fault without a body. */
export function defaultErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request'
    case 401:
      return 'unauthorized_credentials'
    case 404:
      return 'route_not_found'
    case 429:
      return 'too_many_requests'
    case 500:
      return 'internal_server_error'
    case 503:
      return 'server_unavailable'
    default:
      return 'unknown_error'
  }
}

/** 400 with the emulator's wording. */
export function badRequest(errorType: string, message: string): EmulatorApiError {
  return new EmulatorApiError(400, errorType, message)
}

/** 401 for a missing or wrong Basic header (confirmed). */
export const unauthorizedCredentials = (): EmulatorApiError =>
  new EmulatorApiError(401, 'unauthorized_credentials', 'Unauthorized credentials.')

/** 404 for an unknown organization id or slug. */
export const organizationNotFound = (): EmulatorApiError =>
  // inferred: 404 (naming convention).
  new EmulatorApiError(404, 'organization_not_found', '((Organization could not be found.))')

/** 404 for an unknown member, or one of another organization. */
export const memberNotFound = (): EmulatorApiError =>
  // inferred: 404 (naming convention).
  new EmulatorApiError(404, 'member_not_found', '((Member could not be found.))')

/** 404 for an unknown, revoked or expired session (confirmed for B2C sessions). */
export const sessionNotFound = (): EmulatorApiError =>
  new EmulatorApiError(404, 'session_not_found', '((Session could not be found.))')

/** 404 for an unknown, expired or consumed IST (status from a Stytch UI fixture). */
export const intermediateSessionNotFound = (): EmulatorApiError =>
  new EmulatorApiError(
    404,
    'intermediate_session_not_found',
    'Intermediate session could not be found.',
  )

/** A code that was never sent for this address or member. */
export const otpCodeNotFound = (): EmulatorApiError =>
  new EmulatorApiError(
    404, // inferred: status (type and message confirmed)
    'otp_code_not_found',
    'The passcode was incorrect and could not be authenticated, encourage the user to try inputting the passcode again or send another passcode.',
  )

/** A code that was sent but is expired, used or superseded. */
export const unableToAuthOtpCode = (): EmulatorApiError =>
  new EmulatorApiError(
    401, // inferred: status (type and message confirmed)
    'unable_to_auth_otp_code',
    'The passcode could not be authenticated because it was either already used or expired. Send another passcode to this user.',
  )
