/**
 * @module Who a second-factor step is for, and what proves it to Stytch: the intermediate
 * session of a login in progress (sealed cookie), or, for step-up, the verified member session.
 * Never ids from the body or the query.
 */
import type { Engine } from '../engine.js'
import { assertMethodAllowed, type LoginMethod } from '../mfa-methods.js'
import type { AuthRequest } from '../ports/framework.js'
import { readPendingLogin, type PendingMfa } from '../pending-login.js'
import type { MemberSession, MfaCredential } from '../ports/stytch.js'
import { memberSessionOf } from '../verified-sessions.js'
import { signedInSession } from './signed-in.js'

export type MfaTarget =
  | {
      readonly via: 'login'
      readonly memberId: string
      readonly organizationId: string
      readonly credential: MfaCredential
      readonly pending: PendingMfa
      readonly pendingExpiresAt: Date
    }
  | {
      readonly via: 'step_up'
      readonly memberId: string
      readonly organizationId: string
      readonly credential: MfaCredential
      readonly session: MemberSession
    }

/**
 * @param method the second factor the step uses: a login whose organization does not allow it
 *   is refused (`mfa_method_not_allowed`) before anything else. A step-up is the session's own.
 */
export async function resolveMfaTarget(
  engine: Engine,
  req: AuthRequest,
  method?: LoginMethod,
): Promise<MfaTarget> {
  const pending = await readPendingLogin(req, engine)
  if (pending.state === 'present' && pending.login.stage === 'mfa') {
    const login = pending.login
    if (method !== undefined) assertMethodAllowed(login, method)
    return {
      via: 'login',
      memberId: login.memberId,
      organizationId: login.organizationId,
      credential: { kind: 'intermediate_session_token', token: login.intermediateSessionToken },
      pending: login,
      pendingExpiresAt: pending.expiresAt,
    }
  }
  // Without either, the login is what must start again.
  const { session, credential } = await signedInSession(engine, req, 'login_required')
  return {
    via: 'step_up',
    memberId: session.memberId,
    organizationId: session.organizationId,
    credential,
    session: memberSessionOf(session),
  }
}
