/**
 * @module Discovery login, step 3: enter the organization the member picked. The choice must
 * be one of the organizations sealed from Stytch's answer to the email code; anything else is
 * refused before Stytch is asked, and nothing changes. Then the organization's second factor
 * follows, with the same steps as after `verifyEmailOtp()`.
 */
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import type { HandlerConfig } from '../options.js'
import { readStage } from '../pending-login.js'
import { enterDiscovered } from './enter-discovered.js'
import { choiceBodySchema, chosenFrom } from './organization-choice.js'

export function selectOrganizationHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      {
        respondWith: options.respondWith,
        page: config.paths.organizations,
        body: choiceBodySchema,
      },
      async ({ reply, redirect, secure, body }) => {
        const login = await readStage(req, engine, 'discovery')
        if (login === undefined) {
          throw new MfaError('login_required', 'No discovery login waits for an organization')
        }
        const chosen = chosenFrom(login.organizations, body)
        return enterDiscovered(engine, req, { reply, redirect, secure }, login, chosen)
      },
    )
}
