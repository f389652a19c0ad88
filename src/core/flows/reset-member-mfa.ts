/**
 * @module An admin removing another member's second factors. Stytch deletes a factor without
 * touching the sessions it opened, so every session of the member is revoked at Stytch too, and
 * the ones it listed are refused here at once (and, through a revocation store, everywhere)
 * instead of living on in verified JWTs for up to 5 minutes. The admin is the verified session
 * of the request, held to the guard's checks with a fresh factor and an admin role. Every call
 * names the admin's organization: Stytch finds a member of another one nowhere, the first delete
 * changes nothing and answers `forbidden`, a refusal of the admin's request rather than an
 * upstream failure, and nothing else is called.
 */
import { z } from 'zod'
import type { Engine } from '../engine.js'
import { MfaError, type MfaErrorCode } from '../errors.js'
import { parseOptions, requireMfaOptionsSchema } from '../options.js'
import type { AuthRequest } from '../ports/framework.js'
import type { MemberFactor } from '../ports/stytch.js'
import { SAFE_METHODS, assertSameSite } from '../request-guard.js'
import { readSessionTokens } from '../session-store.js'
import type { KnownSession } from '../verified-sessions.js'
import { TOLERANCE_MS } from './logout.js'
import { denialOf } from './require-mfa.js'

const inputSchema = z.strictObject({
  /** The member whose factors go; of the admin's own organization only. */
  memberId: z.string().min(1).max(200),
  /** `sms` (the MFA phone), `totp` (the authenticator app), or both. */
  factors: z
    .array(z.enum(['sms', 'totp']))
    .min(1)
    .max(2)
    .readonly(),
})

/** What `resetMemberMfa()` takes. */
export type ResetMemberMfaInput = z.input<typeof inputSchema>

/** What `resetMemberMfa()` did. */
export interface MemberMfaReset {
  readonly memberId: string
  readonly organizationId: string
  /** The factors the member had and no longer has (a factor not there is no error). */
  readonly factorsRemoved: readonly MemberFactor[]
  /** How many live sessions of the member were revoked. */
  readonly sessionsRevoked: number
}

export type ResetMemberMfa = (
  req: AuthRequest,
  input: ResetMemberMfaInput,
) => Promise<MemberMfaReset>

export function memberMfaResetter(engine: Engine): ResetMemberMfa {
  const { config, port, verifier, revocations, emit, nowMs } = engine
  const { roles, maxAge } = config.adminReset
  // The guard's own checks, built once: any second factor within `maxAge`, one of `roles`.
  const admission = parseOptions(
    requireMfaOptionsSchema,
    { maxAge, roles: [...roles] },
    'adminReset',
  )

  function refuse(req: AuthRequest, code: MfaErrorCode, admin?: KnownSession): never {
    emit({
      type: 'mfa_denied',
      code,
      memberId: admin?.memberId,
      organizationId: admin?.organizationId,
      ip: req.ip,
    })
    throw new MfaError(code)
  }

  return async function resetMemberMfa(req, input) {
    const parsed = inputSchema.safeParse(input)
    if (!parsed.success) {
      throw new MfaError(
        'invalid_request',
        'resetMemberMfa() takes { memberId, factors } with factors of "sms" and "totp"',
      )
    }
    // A state change: never on a GET a link or an image can make, never from another site.
    if (SAFE_METHODS.has(req.method)) throw new MfaError('method_not_allowed')
    assertSameSite(req, config)
    const stored = readSessionTokens(req, config)
    if (stored.state !== 'present') refuse(req, 'not_signed_in')
    const { session: admin } = await verifier.verify(stored.tokens, {
      checkWithStytch: false,
      ip: req.ip,
    })
    const denial = denialOf(admin, admission, nowMs())
    if (denial !== undefined) refuse(req, denial, admin)
    const { organizationId } = admin
    const { memberId } = parsed.data
    const factors = [...new Set(parsed.data.factors)]
    const factorsRemoved: MemberFactor[] = []
    for (const factor of factors) {
      const { deleted } = await port
        .deleteMemberFactor({ organizationId, memberId, factor })
        .catch((error: unknown) => {
          if (error instanceof MfaError && error.code === 'forbidden') {
            refuse(req, 'forbidden', admin)
          }
          throw error
        })
      if (deleted) factorsRemoved.push(factor)
    }
    const revoked = await port.revokeMemberSessions({ organizationId, memberId })
    await Promise.all(
      revoked.sessions.map((session) =>
        revocations.revoke(session.memberSessionId, session.expiresAt.getTime() + TOLERANCE_MS),
      ),
    )
    emit({
      type: 'member_mfa_reset',
      memberId,
      organizationId,
      actorMemberId: admin.memberId,
      factors,
      sessionsRevoked: revoked.sessions.length,
      requestId: revoked.requestId,
      ip: req.ip,
    })
    return { memberId, organizationId, factorsRemoved, sessionsRevoked: revoked.sessions.length }
  }
}
