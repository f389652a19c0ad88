/**
 * @module Step 1a: send an email code. The answer is the same whether or not the address
 * belongs to a member (no enumeration); what Stytch said goes to the audit hook only.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { emailField, organizationField, returnToField } from '../fields.js'
import type { HandlerConfig } from '../options.js'
import { emailSendHandler } from './email-code.js'

const bodySchema = z.object({
  email: emailField,
  organization: organizationField,
  returnTo: returnToField,
})

export function sendEmailOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  return emailSendHandler(engine, options, {
    body: bodySchema,
    send: (body, locale) =>
      engine.port.sendEmailOtp({
        organizationId: body.organization,
        emailAddress: body.email,
        locale,
      }),
    stage: (body, sent) => ({ stage: 'email', organization: body.organization, ...sent }),
  })
}
