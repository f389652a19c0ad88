/**
 * @module Discovery login, step 1: an email code for an address alone, for no organization yet.
 * Answered and counted like the organization's email step, so it tells no more about who is a
 * member: Stytch sends a discovery code to any address.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { emailField, returnToField } from '../fields.js'
import type { HandlerConfig } from '../options.js'
import { emailSendHandler } from './email-code.js'

const bodySchema = z.object({ email: emailField, returnTo: returnToField })

export function sendDiscoveryEmailOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  return emailSendHandler(engine, options, {
    body: bodySchema,
    send: (body, locale) => engine.port.sendDiscoveryEmailOtp({ emailAddress: body.email, locale }),
    stage: (_body, sent) => ({ stage: 'discovery_email', ...sent }),
  })
}
