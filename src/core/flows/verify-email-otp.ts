/**
 * @module Step 1b: check the email code. Either the member is signed in (organizations without
 * MFA), or Stytch's intermediate session is sealed in the pending cookie for the SMS step —
 * nothing that any route accepts as signed in exists yet.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import { codeField, emailField, organizationField } from '../fields.js'
import { emailCodeLocale } from '../code-locale.js'
import type { HandlerConfig } from '../options.js'
import { readStage } from '../pending-login.js'
import { checkEmailCode } from './email-code.js'
import { enterOrganization } from './enter-organization.js'

const bodySchema = z.object({
  code: codeField,
  email: emailField.optional(),
  organization: organizationField.optional(),
})

export function verifyEmailOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, emit } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.emailCode, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const started = await readStage(req, engine, 'email')
        const email = body.email ?? started?.email
        const organization = body.organization ?? started?.organization
        if (email === undefined || organization === undefined) {
          throw new MfaError(
            'login_required',
            'No email step in progress and no email/organization in the body',
          )
        }
        const result = await checkEmailCode(engine, req, {
          email,
          started,
          verdict: () =>
            port.authenticateEmailOtp({
              organizationId: organization,
              emailAddress: email,
              code: body.code,
              sessionDurationMinutes: config.sessionDurationMinutes,
              locale: emailCodeLocale(config, req),
            }),
        })
        return enterOrganization(engine, req, result, {
          reply,
          redirect,
          secure,
          returnTo: started?.returnTo,
          announce: ({ signedIn, memberId, organizationId, requestId }) => {
            emit({
              type: 'otp_verified',
              channel: 'email',
              signedIn,
              memberId,
              organizationId,
              requestId,
              ip: req.ip,
            })
          },
        })
      },
    )
}
