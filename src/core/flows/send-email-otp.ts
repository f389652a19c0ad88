/**
 * @module Step 1a: send an email code. The answer is the same whether or not the address
 * belongs to a member (no enumeration); what Stytch said goes to the audit hook only.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { refusesInput } from './input-refusal.js'
import { emailField, organizationField, returnToField } from '../fields.js'
import { emailCodeLocale } from '../code-locale.js'
import type { HandlerConfig } from '../options.js'
import { newEmailChallenge, pendingLoginCookie } from '../pending-login.js'
import { safeReturnTo } from '../return-to.js'

const bodySchema = z.object({
  email: emailField,
  organization: organizationField,
  returnTo: returnToField,
})

/** Email codes live 10 minutes at Stytch by default; the pending cookie lives as long. */
const EMAIL_STEP_SECONDS = 10 * 60

export function sendEmailOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, sealer, limits, emit, now } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.login, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const locale = emailCodeLocale(config, req)
        // Counted per address whether or not it is a member: the limit reveals nothing either.
        await limits.beforeEmailSend(body.email, req.ip)
        try {
          const sent = await port.sendEmailOtp({
            organizationId: body.organization,
            emailAddress: body.email,
            locale,
          })
          emit({
            type: 'otp_sent',
            channel: 'email',
            memberId: sent.memberId,
            organizationId: sent.organizationId,
            requestId: sent.requestId,
            ip: req.ip,
          })
        } catch (error) {
          // Whether a member exists must not show: Stytch refusing the address reads as sent.
          if (!refusesInput(error)) throw error
          emit({
            type: 'otp_failed',
            channel: 'email',
            code: error.code,
            requestId: error.requestId,
            ip: req.ip,
          })
        }
        const started = now()
        reply.cookie(
          await pendingLoginCookie(
            sealer,
            {
              stage: 'email',
              organization: body.organization,
              email: body.email,
              challenge: newEmailChallenge(),
              returnTo: safeReturnTo(body.returnTo),
            },
            new Date(started.getTime() + EMAIL_STEP_SECONDS * 1000),
            secure,
            started,
          ),
        )
        return redirect
          ? reply.redirect(config.paths.emailCode)
          : reply.json(200, { status: 'email_sent', next: config.paths.emailCode })
      },
    )
}
