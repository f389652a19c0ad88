import { ClientError, RequestError, StytchError } from 'stytch'
import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { toMfaError } from '../../src/stytch/map-error.js'
import { stytchErrorBody } from './helpers.js'

const REQUEST = {
  method: 'POST',
  url: '/v1/b2b/otps/sms/authenticate',
  data: { code: '123456', intermediate_session_token: 'ist-secret-value' },
}

/** A jose error as the SDK's own jose copy builds it (only `code` and `message` matter). */
function joseError(code: string, message = 'jose says no'): Error {
  return Object.assign(new Error(message), { code, payload: { phone: '+15555550100' } })
}

describe('toMfaError()', () => {
  describe('when given an MfaError', () => {
    it('returns it unchanged', () => {
      const error = new MfaError('otp_invalid')
      expect(toMfaError(error)).toBe(error)
    })
  })

  describe('when given a StytchError', () => {
    it.each([
      [404, 'otp_code_not_found', 'otp_invalid'],
      [401, 'unable_to_auth_otp_code', 'otp_invalid'],
      [404, 'intermediate_session_not_found', 'login_required'],
      [400, 'invalid_intermediate_session_token_for_organization', 'login_required'],
      [400, 'member_session_member_id_mismatch', 'login_required'],
      [404, 'session_not_found', 'not_signed_in'],
      [400, 'invalid_session_token', 'not_signed_in'],
      [400, 'unable_to_parse_session_jwt', 'not_signed_in'],
      [429, 'user_lock_limit_reached', 'otp_locked'],
      [429, 'too_many_requests', 'rate_limited'],
      [429, 'captcha_failed', 'rate_limited'],
      [400, 'invalid_phone_number', 'invalid_phone_number'],
      [400, 'invalid_phone_number_country_code', 'invalid_phone_number'],
      [400, 'unsubscribed_phone_number', 'invalid_phone_number'],
      [409, 'duplicate_member_phone_number', 'invalid_phone_number'],
      [404, 'member_phone_number_not_found', 'invalid_phone_number'],
      [401, 'unable_to_authenticate_totp', 'otp_invalid'],
      [401, 'totp_code_already_authenticated', 'otp_invalid'],
      [401, 'unable_to_authenticate_recovery_code', 'otp_invalid'],
      [403, 'operation_restricted_by_organization_mfa_methods', 'mfa_method_not_allowed'],
      [404, 'totp_not_found', 'totp_not_enrolled'],
      [400, 'no_active_recovery_code_backed_factor', 'totp_not_enrolled'],
      [400, 'active_totp_exists', 'totp_already_enrolled'],
      [400, 'pending_totp_exists', 'totp_already_enrolled'],
      [400, 'insufficient_factors', 'mfa_required'],
      [401, 'unauthorized_credentials', 'stytch_error'],
      [404, 'organization_not_found', 'stytch_error'],
      [400, 'invalid_locale', 'stytch_error'],
      [500, 'internal_server_error', 'stytch_unavailable'],
      [503, 'server_unavailable', 'stytch_unavailable'],
    ])('maps %i %s to %s', (status, type, code) => {
      const mapped = toMfaError(new StytchError(stytchErrorBody(status, type) as never))
      expect(mapped).toBeInstanceOf(MfaError)
      expect(mapped.code).toBe(code)
    })

    it('keeps request_id, error_type, the status and the error itself for logs', () => {
      const original = new StytchError(stytchErrorBody(404, 'otp_code_not_found') as never)
      expect(toMfaError(original)).toMatchObject({
        requestId: 'request-id-test-otp_code_not_found',
        stytchErrorType: 'otp_code_not_found',
        stytchStatus: 404,
        cause: original,
      })
    })

    it('says what Stytch answered without repeating its error_message', () => {
      const mapped = toMfaError(stytchErrorBody(404, 'otp_code_not_found'))
      expect(mapped.message).toBe('Stytch answered 404 otp_code_not_found')
      expect(mapped.message).not.toContain('alice@example.com')
    })

    it('says the project id and secret were refused, without the secret', () => {
      const mapped = toMfaError(stytchErrorBody(401, 'unauthorized_credentials'))
      expect(mapped.message).toContain('refused the project id and secret')
      expect(mapped.stytchErrorType).toBe('unauthorized_credentials')
    })

    it('does not repeat an error_type that is not a plain identifier', () => {
      const mapped = toMfaError({ ...stytchErrorBody(400, 'x'), error_type: 'bad <b>type</b>' })
      expect(mapped.code).toBe('stytch_error')
      expect(mapped.message).not.toContain('<b>')
    })

    it('leaves retryAfterSeconds undefined: the SDK does not expose headers', () => {
      expect(
        toMfaError(stytchErrorBody(429, 'too_many_requests')).retryAfterSeconds,
      ).toBeUndefined()
    })

    it('treats a JSON error body without a status as Stytch being unavailable', () => {
      expect(toMfaError(new StytchError({} as never)).code).toBe('stytch_unavailable')
    })
  })

  describe('when given a RequestError', () => {
    it('maps an unparsable body to stytch_bad_response, without quoting the body', () => {
      const message = `Unable to parse JSON response from server: Unexpected token '<', "<html>secret"`
      const mapped = toMfaError(new RequestError(message, REQUEST as never))
      expect(mapped.code).toBe('stytch_bad_response')
      expect((mapped.cause as Error).message).not.toContain('secret')
    })

    it('maps "fetch failed" to stytch_unavailable, dropping the request body', () => {
      const mapped = toMfaError(new RequestError('fetch failed', REQUEST as never))
      expect(mapped.code).toBe('stytch_unavailable')
      expect(JSON.stringify(mapped.cause)).not.toContain('123456')
      expect(mapped.cause).not.toHaveProperty('request')
    })

    it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])(
      'maps an undici %s cause to stytch_timeout',
      (code) => {
        const error = new RequestError('fetch failed', REQUEST as never)
        Object.assign(error, { cause: Object.assign(new Error('timeout'), { code }) })
        expect(toMfaError(error).code).toBe('stytch_timeout')
      },
    )
  })

  describe('when given a fetch error of a client that is not the SDK', () => {
    it('maps a connection refused to stytch_unavailable, naming the code', () => {
      const error = new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      })
      const mapped = toMfaError(error)
      expect(mapped.code).toBe('stytch_unavailable')
      expect(mapped.message).toContain('ECONNREFUSED')
    })

    it('maps an aborted fetch (TimeoutError) to stytch_timeout', () => {
      expect(toMfaError(new DOMException('timed out', 'TimeoutError')).code).toBe('stytch_timeout')
    })
  })

  describe('when given a ClientError from local JWT verification', () => {
    it.each([
      ['an expired JWT', 'not_signed_in', joseError('ERR_JWT_EXPIRED')],
      ['a bad signature', 'not_signed_in', joseError('ERR_JWS_SIGNATURE_VERIFICATION_FAILED')],
      ['an unknown kid', 'not_signed_in', joseError('ERR_JWKS_NO_MATCHING_KEY')],
      ['a JWKS timeout', 'stytch_timeout', joseError('ERR_JWKS_TIMEOUT')],
      ['a refused JWKS connection', 'stytch_unavailable', joseError('ECONNREFUSED')],
      ['a reset JWKS connection', 'stytch_unavailable', joseError('ECONNRESET')],
      ['a JWKS TLS failure', 'stytch_unavailable', joseError('CERT_HAS_EXPIRED')],
      ['an error without a code', 'stytch_unavailable', new TypeError('Unsupported URL protocol.')],
      ['an invalid JWKS', 'stytch_bad_response', joseError('ERR_JWKS_INVALID')],
      [
        'a JWKS answered with a non-200',
        'stytch_unavailable',
        joseError('ERR_JOSE_GENERIC', 'Expected 200 OK from the JSON Web Key Set HTTP response'),
      ],
      [
        'a JWKS that is not JSON',
        'stytch_bad_response',
        joseError('ERR_JOSE_GENERIC', 'Failed to parse the JSON Web Key Set HTTP response as JSON'),
      ],
    ])('maps jwt_invalid caused by %s to %s', (_what, code, cause) => {
      const mapped = toMfaError(new ClientError('jwt_invalid', 'Could not verify JWT', cause))
      expect(mapped.code).toBe(code)
    })

    it.each(['jwt_too_old', 'tenancy_mismatch'])('maps %s to not_signed_in', (code) => {
      expect(toMfaError(new ClientError(code, 'no')).code).toBe('not_signed_in')
    })

    it('keeps a cause without the JWT payload (phone numbers, emails)', () => {
      const cause = joseError('ERR_JWT_EXPIRED', '"exp" claim timestamp check failed')
      const mapped = toMfaError(new ClientError('jwt_invalid', 'Could not verify JWT', cause))
      expect(mapped.cause).toBeInstanceOf(Error)
      expect(JSON.stringify(mapped.cause)).not.toContain('+15555550100')
      expect((mapped.cause as Error & { cause?: unknown }).cause).toBeUndefined()
    })

    it('maps another SDK-local refusal to stytch_error', () => {
      expect(toMfaError(new ClientError('invalid_permissions', 'no')).code).toBe('stytch_error')
    })
  })

  describe('when given anything else', () => {
    it.each([
      ['a string', 'boom'],
      ['undefined', undefined],
      ['a plain Error', new Error('x')],
    ])('maps %s to stytch_unavailable', (_what, value) => {
      expect(toMfaError(value).code).toBe('stytch_unavailable')
    })
  })
})
