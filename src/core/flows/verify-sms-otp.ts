/**
 * @module Step 2b: check the SMS code with the intermediate session (or, for step-up, the
 * session); on success the member session is stored and the login in progress is cleared.
 * Stytch's answer must be for the very member and organization the step was for.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { checkCode } from '../check-code.js'
import { codeField } from '../fields.js'
import { memberKey } from '../limits.js'
import type { HandlerConfig } from '../options.js'
import { clearPendingLogin } from '../pending-login.js'
import { storeNewSession } from '../session-store.js'
import { assertSmsSessionOf } from '../sms-grant.js'
import { resolveMfaTarget } from './mfa-target.js'

const bodySchema = z.object({ code: codeField })

export function verifySmsOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, verifier, limits, emit, now } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const target = await resolveMfaTarget(engine, req)
        const { memberId, organizationId } = target
        // The challenge is the intermediate session (a new login gets a new budget) or, for
        // step-up, the session; the member budget spans them all and survives resends.
        const challenge =
          target.via === 'login'
            ? target.credential.token
            : `step-up:${target.session.memberSessionId}`
        const grant = await checkCode(engine, {
          channel: 'sms',
          ip: req.ip,
          member: target,
          reserve: () => limits.reserveSmsAttempt(challenge, memberKey(target)),
          verdict: () =>
            port.authenticateSmsOtp({
              organizationId,
              memberId,
              credential: target.credential,
              code: body.code,
              sessionDurationMinutes: config.sessionDurationMinutes,
            }),
        })
        assertSmsSessionOf(target, grant)
        const at = now()
        await storeNewSession(req, config, grant, secure, at, reply)
        verifier.remember(grant)
        if (target.via === 'login') reply.cookie(clearPendingLogin(secure))
        emit({
          type: 'otp_verified',
          channel: 'sms',
          signedIn: true,
          memberId,
          organizationId,
          requestId: grant.requestId,
          ip: req.ip,
        })
        const next =
          (target.via === 'login' ? target.pending.returnTo : undefined) ?? config.paths.afterLogin
        return redirect ? reply.redirect(next) : reply.json(200, { status: 'signed_in', next })
      },
    )
}
