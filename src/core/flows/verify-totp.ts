/**
 * @module Check a code of the member's authenticator app with the intermediate session (or, for
 * step-up, the session). It completes MFA, and it confirms an enrolment begun by
 * `enrolTotp()`: then, and only then, the recovery codes sealed at creation are answered, once.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { codeField } from '../fields.js'
import type { HandlerConfig } from '../options.js'
import { completeSecondFactor, signedIn } from './complete-second-factor.js'
import { sealedEnrolment } from './enrol-totp.js'
import { resolveMfaTarget } from './mfa-target.js'

const bodySchema = z.object({ code: codeField })

export function verifyTotpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, emit } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const target = await resolveMfaTarget(engine, req, 'totp')
        const enrolment = await sealedEnrolment(engine, req, target)
        const grant = await completeSecondFactor(engine, req, target, reply, secure, {
          channel: 'totp',
          factor: 'totp',
          clearsPending: enrolment !== undefined,
          verdict: () =>
            port.authenticateTotp({
              organizationId: target.organizationId,
              memberId: target.memberId,
              credential: target.credential,
              code: body.code,
              sessionDurationMinutes: config.sessionDurationMinutes,
            }),
        })
        if (enrolment !== undefined) {
          emit({
            type: 'totp_enrolled',
            memberId: target.memberId,
            organizationId: target.organizationId,
            requestId: grant.requestId,
            ip: req.ip,
          })
        }
        // The codes exist nowhere else: a redirect drops them (see how-it-works.md).
        return signedIn(
          engine,
          target,
          reply,
          redirect,
          enrolment === undefined ? {} : { recoveryCodes: enrolment.recoveryCodes },
        )
      },
    )
}
