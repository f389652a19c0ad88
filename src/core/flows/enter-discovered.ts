/**
 * @module Entering the organization a discovery login chose: its intermediate session is
 * claimed for that one choice (a copy of the login cookie, or a second choice, finds it spent),
 * then exchanged at Stytch into that organization, whose answer must be about it.
 */
import { smsCodeLocale } from '../code-locale.js'
import type { Engine, FlowContext } from '../engine.js'
import type { PendingDiscovery, SealedOrganization } from '../pending-login.js'
import type { AuthRequest, Reply } from '../ports/framework.js'
import { enterOrganization } from './enter-organization.js'
import { refusesInput } from './input-refusal.js'

export async function enterDiscovered(
  engine: Engine,
  req: AuthRequest,
  flow: Omit<FlowContext<unknown>, 'body'>,
  login: Pick<PendingDiscovery, 'intermediateSessionToken' | 'returnTo'>,
  chosen: SealedOrganization,
): Promise<Reply> {
  const { config, port, limits, emit } = engine
  const giveBack = await limits.claimDiscovery(login.intermediateSessionToken)
  let result
  try {
    result = await port.exchangeIntermediateSession({
      intermediateSessionToken: login.intermediateSessionToken,
      organizationId: chosen.id,
      sessionDurationMinutes: config.sessionDurationMinutes,
      locale: smsCodeLocale(config, req),
    })
  } catch (error) {
    // Stytch refused the choice (a 4xx): nothing was bound, and another choice may follow. After
    // a timeout or a 5xx it may have been: the claim stays, and the login starts again.
    if (refusesInput(error)) await giveBack()
    throw error
  }
  return enterOrganization(engine, req, result, {
    ...flow,
    returnTo: login.returnTo,
    announce: ({ signedIn, memberId, organizationId, requestId }) => {
      emit({
        type: 'organization_entered',
        via: 'discovery',
        signedIn,
        memberId,
        organizationId,
        requestId,
        ip: req.ip,
      })
    },
  })
}
