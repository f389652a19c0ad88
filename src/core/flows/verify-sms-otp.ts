/**
 * @module Step 2b: check the SMS code with the intermediate session (or, for step-up, the
 * session); on success the member session is stored and the login in progress is cleared.
 * Stytch's answer must be for the very member and organization the step was for.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { codeField } from '../fields.js'
import type { HandlerConfig } from '../options.js'
import { completeSecondFactor, signedIn } from './complete-second-factor.js'
import { resolveMfaTarget } from './mfa-target.js'

const bodySchema = z.object({ code: codeField })

export function verifySmsOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const target = await resolveMfaTarget(engine, req, 'sms')
        await completeSecondFactor(engine, req, target, reply, secure, {
          channel: 'sms',
          factor: 'sms',
          verdict: () =>
            port.authenticateSmsOtp({
              organizationId: target.organizationId,
              memberId: target.memberId,
              credential: target.credential,
              code: body.code,
              sessionDurationMinutes: config.sessionDurationMinutes,
            }),
        })
        return signedIn(engine, target, reply, redirect)
      },
    )
}
