/**
 * @module The credentials a Stytch call carries, as the SDK's snake_case fields, each checked
 * locally first: a token that could never be Stytch's (empty, not cookie-safe, oversized) is
 * refused without a network call.
 */
import { MfaError } from '../core/errors.js'
import type { MfaCredential, SessionCredential } from '../core/ports/stytch.js'
import { intermediateSessionTokenSchema, sessionJwtSchema, sessionTokenSchema } from './schemas.js'

export type CredentialField =
  { intermediate_session_token: string } | { session_token: string } | { session_jwt: string }

/** A session credential that could be Stytch's, or `not_signed_in` without a network call. */
export function checked(schema: typeof sessionTokenSchema, token: string, what: string): string {
  if (schema.safeParse(token).success) return token
  throw new MfaError('not_signed_in', `The ${what} is malformed`)
}

/** The field for an intermediate session token, or `login_required` without a network call. */
export function istField(token: string): { intermediate_session_token: string } {
  if (!intermediateSessionTokenSchema.safeParse(token).success) {
    throw new MfaError('login_required', 'The intermediate session token is malformed')
  }
  return { intermediate_session_token: token }
}

/** The snake_case field for an IST or a session credential. */
export function credentialField(credential: MfaCredential): CredentialField {
  const { kind, token } = credential
  switch (kind) {
    case 'intermediate_session_token':
      return istField(token)
    case 'session_token':
      return { session_token: checked(sessionTokenSchema, token, 'session token') }
    case 'session_jwt':
      return { session_jwt: checked(sessionJwtSchema, token, 'session JWT') }
  }
}

/**
 * The field for a session credential. Checked at runtime too: JavaScript callers can pass
 * neither credential.
 */
export function sessionField(
  input: SessionCredential,
): { session_token: string } | { session_jwt: string } {
  const token: unknown = input.sessionToken
  const jwt: unknown = input.sessionJwt
  return typeof token === 'string'
    ? { session_token: checked(sessionTokenSchema, token, 'session token') }
    : {
        session_jwt: checked(sessionJwtSchema, typeof jwt === 'string' ? jwt : '', 'session JWT'),
      }
}
