/**
 * @module Sign in (or step up) with one of the recovery codes given at authenticator-app
 * enrolment, when the app is lost. Each code works once; the answer says how many are left and
 * that the member should set up an app again.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { recoveryCodeField } from '../fields.js'
import type { HandlerConfig } from '../options.js'
import { completeSecondFactor, signedIn } from './complete-second-factor.js'
import { resolveMfaTarget } from './mfa-target.js'

const bodySchema = z.object({ recoveryCode: recoveryCodeField })

export function recoverWithCodeHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        // Recovery codes stand in for the authenticator app: they follow its rule.
        const target = await resolveMfaTarget(engine, req, 'totp')
        const grant = await completeSecondFactor(engine, req, target, reply, secure, {
          channel: 'recovery_code',
          factor: 'recovery_code',
          verdict: () =>
            port.recoverWithRecoveryCode({
              organizationId: target.organizationId,
              memberId: target.memberId,
              credential: target.credential,
              recoveryCode: body.recoveryCode,
              sessionDurationMinutes: config.sessionDurationMinutes,
            }),
        })
        return signedIn(engine, target, reply, redirect, {
          recoveryCodesRemaining: grant.recoveryCodesRemaining,
          reenrolTotp: true,
        })
      },
    )
}
