/**
 * @module The member session a request carries, verified, with the credential that proves it
 * to Stytch: the session token when stored, else the JWT. Never ids from the body or the query.
 */
import type { Engine } from '../engine.js'
import { MfaError, type MfaErrorCode } from '../errors.js'
import type { AuthRequest } from '../ports/framework.js'
import type { MfaCredential } from '../ports/stytch.js'
import { readSessionTokens } from '../session-store.js'
import type { KnownSession } from '../verified-sessions.js'

export interface SignedIn {
  readonly session: KnownSession
  readonly credential: Extract<MfaCredential, { kind: 'session_token' | 'session_jwt' }>
}

/**
 * @param absent the code when the request carries no session at all.
 * @throws `absent`; `not_signed_in` for a session signed out or refused.
 */
export async function signedInSession(
  engine: Engine,
  req: AuthRequest,
  absent: MfaErrorCode = 'not_signed_in',
): Promise<SignedIn> {
  const stored = readSessionTokens(req, engine.config)
  if (stored.state !== 'present') throw new MfaError(absent, 'No member session')
  const { session } = await engine.verifier.verify(stored.tokens, {
    checkWithStytch: false,
    ip: req.ip,
  })
  const { sessionToken, sessionJwt } = stored.tokens
  return {
    session,
    credential:
      sessionToken !== undefined
        ? { kind: 'session_token', token: sessionToken }
        : { kind: 'session_jwt', token: sessionJwt ?? '' },
  }
}
