/**
 * @module The end every second-factor step shares (SMS code, authenticator app, recovery
 * code): one attempt from the code budgets, Stytch's verdict, a session checked to be the
 * member's and to carry the factor, stored, and the login in progress cleared.
 */
import { checkCode } from '../check-code.js'
import type { Engine } from '../engine.js'
import type { CodeChannel } from '../events.js'
import { memberKey } from '../limits.js'
import { clearPendingLogin } from '../pending-login.js'
import type { AuthRequest, Reply } from '../ports/framework.js'
import type { SessionGrant } from '../ports/stytch.js'
import type { ReplyBuilder } from '../reply.js'
import type { SecondFactor } from '../second-factor.js'
import { storeNewSession } from '../session-store.js'
import { assertFactorSessionOf } from '../sms-grant.js'
import type { MfaTarget } from './mfa-target.js'

export interface SecondFactorCheck<G extends SessionGrant> {
  readonly channel: CodeChannel
  readonly factor: SecondFactor
  /** Asks Stytch with the code; rejects with `otp_invalid` for a wrong one. */
  readonly verdict: () => Promise<G>
  /** A step-up that also ends a sealed enrolment: its cookie is cleared too. */
  readonly clearsPending?: boolean
}

/**
 * Every kind of code of one member shares the budgets: the challenge (the intermediate session,
 * or the session for step-up) and the member's failures across resends and new logins, so
 * switching between SMS, app and recovery codes buys no extra guesses.
 */
export async function completeSecondFactor<G extends SessionGrant>(
  engine: Engine,
  req: AuthRequest,
  target: MfaTarget,
  reply: ReplyBuilder,
  secure: boolean,
  check: SecondFactorCheck<G>,
): Promise<G> {
  const { config, verifier, limits, emit, now } = engine
  const challenge =
    target.via === 'login' ? target.credential.token : `step-up:${target.session.memberSessionId}`
  const grant = await checkCode(engine, {
    channel: check.channel,
    ip: req.ip,
    member: target,
    reserve: () => limits.reserveSmsAttempt(challenge, memberKey(target)),
    verdict: check.verdict,
  })
  assertFactorSessionOf(target, grant, check.factor)
  await storeNewSession(req, config, grant, secure, now(), reply)
  verifier.remember(grant)
  if (target.via === 'login' || check.clearsPending === true) {
    reply.cookie(clearPendingLogin(secure))
  }
  emit({
    type: 'otp_verified',
    channel: check.channel,
    signedIn: true,
    memberId: target.memberId,
    organizationId: target.organizationId,
    requestId: grant.requestId,
    ip: req.ip,
  })
  return grant
}

/**
 * The answer once signed in: browsers go to the login's `returnTo`, else `paths.afterLogin`;
 * JSON says where, with `extra` (what only this answer may carry).
 */
export function signedIn(
  engine: Engine,
  target: MfaTarget,
  reply: ReplyBuilder,
  redirect: boolean,
  extra: Readonly<Record<string, unknown>> = {},
): Reply {
  const returnTo = target.via === 'login' ? target.pending.returnTo : undefined
  const next = returnTo ?? engine.config.paths.afterLogin
  return redirect ? reply.redirect(next) : reply.json(200, { status: 'signed_in', next, ...extra })
}
