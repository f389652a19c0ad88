/**
 * @module Switching a signed-in member to another of their organizations. The target is checked
 * against the organizations Stytch lists for the session now, never taken from the body alone;
 * Stytch's `sessions.exchange` then gives a session there, or the organization's second-factor
 * step, which the usual MFA steps finish. Either way the old session ends here as at logout:
 * refused by its id and revoked at Stytch.
 */
import { smsCodeLocale } from '../code-locale.js'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import type { HandlerConfig } from '../options.js'
import { enterOrganization } from './enter-organization.js'
import { endSession } from './logout.js'
import { listedFor } from './member-organizations.js'
import { choiceBodySchema, chosenFrom } from './organization-choice.js'
import { signedInSession } from './signed-in.js'

function alreadyIn(): MfaError {
  return new MfaError('already_in_organization', 'The session is in that organization already')
}

export function switchOrganizationHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, emit } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.afterLogin, body: choiceBodySchema },
      async ({ reply, redirect, secure, body }) => {
        const signedIn = await signedInSession(engine, req)
        const { session, credential } = signedIn
        const { organizationSlug } = session
        if (
          body.organizationId === session.organizationId ||
          (organizationSlug !== undefined && body.organizationSlug === organizationSlug)
        ) {
          throw alreadyIn()
        }
        const listed = (await listedFor(engine, signedIn)).map((organization) => ({
          id: organization.organizationId,
          slug: organization.organizationSlug,
        }))
        const chosen = chosenFrom(listed, body)
        if (chosen.id === session.organizationId) throw alreadyIn()
        const result = await port.exchangeSession({
          organizationId: chosen.id,
          credential:
            credential.kind === 'session_token'
              ? { sessionToken: credential.token }
              : { sessionJwt: credential.token },
          sessionDurationMinutes: config.sessionDurationMinutes,
          locale: smsCodeLocale(config, req),
        })
        // Refused before the old session ends: a switch that cannot finish changes nothing here.
        if (result.kind === 'primary_required') {
          throw new MfaError('forbidden', 'The organization requires another primary method', {
            requestId: result.requestId,
          })
        }
        const revoked = await endSession(engine, session)
        return enterOrganization(engine, req, result, {
          reply,
          redirect,
          secure,
          returnTo: undefined,
          replacesSession: true,
          announce: ({ signedIn: entered, memberId, organizationId, requestId }) => {
            emit({
              type: 'organization_entered',
              via: 'switch',
              signedIn: entered,
              memberId,
              organizationId,
              fromOrganizationId: session.organizationId,
              revoked,
              requestId,
              ip: req.ip,
            })
          },
        })
      },
    )
}
