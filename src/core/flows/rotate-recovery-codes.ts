/**
 * @module New recovery codes for a signed-in member, whose session passed a second factor
 * within `maxAge`; the old codes stop working. Stytch's rotate call takes only ids, so the
 * library is what stands between a session cookie and a fresh set of codes: the ids come from
 * the verified session, and the factor must be fresh.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import type { RotateRecoveryCodesConfig } from '../options.js'
import { SECOND_FACTORS, secondFactorSeen } from '../second-factor.js'
import { readSessionTokens } from '../session-store.js'

export function rotateRecoveryCodesHandler(
  engine: Engine,
  options: RotateRecoveryCodesConfig,
): Handler {
  const { config, port, verifier, emit, nowMs } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: z.object({}) },
      async ({ reply }) => {
        const stored = readSessionTokens(req, config)
        if (stored.state !== 'present') throw new MfaError('not_signed_in')
        const { session } = await verifier.verify(stored.tokens, {
          checkWithStytch: false,
          ip: req.ip,
        })
        const seen = secondFactorSeen(session.factors, SECOND_FACTORS)
        if (!seen.present) throw new MfaError('mfa_required')
        if (seen.lastAtMs === undefined || nowMs() - seen.lastAtMs > options.maxAge * 1000) {
          throw new MfaError('mfa_stale')
        }
        const { memberId, organizationId } = session
        const rotated = await port.rotateRecoveryCodes({ organizationId, memberId })
        emit({
          type: 'recovery_codes_rotated',
          memberId,
          organizationId,
          requestId: rotated.requestId,
          ip: req.ip,
        })
        // JSON for browsers too: the new codes exist only in this answer, and a redirect would
        // lose them while the old ones no longer work.
        return reply.json(200, {
          status: 'recovery_codes_rotated',
          recoveryCodes: rotated.recoveryCodes,
        })
      },
    )
}
