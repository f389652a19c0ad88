/**
 * @module The guard. It admits a request only when every condition holds: a member session
 * verified now, a second factor the route accepts on it, fresh enough when `maxAge` is set, of
 * an allowed organization and role, with the permissions the route needs. Anything else —
 * missing, invalid, error, timeout — denies.
 */
import type { Engine, Handler } from '../engine.js'
import { MfaError, type MfaErrorCode } from '../errors.js'
import type { AuthRequest, Reply } from '../ports/framework.js'
import type { RequireMfaConfig } from '../options.js'
import { ReplyBuilder, admit, wantsRedirect, withQuery } from '../reply.js'
import { permissionCheckOf, type PermissionCheck } from '../rbac-policy.js'
import { SAFE_METHODS, assertSameSite } from '../request-guard.js'
import { safeReturnTo } from '../return-to.js'
import {
  clearSessionTokens,
  readSessionTokens,
  storeRefreshedSession,
  type SessionTokens,
} from '../session-store.js'
import { secondFactorSeen } from '../second-factor.js'
import { memberSessionOf, type KnownSession } from '../verified-sessions.js'

/** Why `session` may not pass, or `undefined` when it may. */
export function denialOf(
  session: KnownSession,
  options: RequireMfaConfig,
  nowMs: number,
  permissions?: PermissionCheck,
): MfaErrorCode | undefined {
  if (session.expiresAtMs <= nowMs) return 'not_signed_in'
  const seen = secondFactorSeen(session.factors, options.factors)
  if (!seen.present) return 'mfa_required'
  if (options.maxAge !== undefined) {
    const at = seen.lastAtMs
    if (at === undefined || nowMs - at > options.maxAge * 1000) return 'mfa_stale'
  }
  const { organizations, organizationSlugs, roles } = options
  // Ids with ids, slugs with slugs: a slug is whatever an organization's admin typed, so one
  // can equal another organization's id.
  if (
    (organizations !== undefined || organizationSlugs !== undefined) &&
    organizations?.includes(session.organizationId) !== true &&
    (session.organizationSlug === undefined ||
      organizationSlugs?.includes(session.organizationSlug) !== true)
  ) {
    return 'forbidden'
  }
  if (roles !== undefined && !session.roles.some((role) => roles.includes(role))) return 'forbidden'
  return permissions?.denialOf(session, nowMs)
}

export function requireMfaHandler(engine: Engine, options: RequireMfaConfig): Handler {
  const { config, verifier, emit, now, nowMs } = engine
  const permissions = permissionCheckOf(engine, options.permission)

  function deny(
    req: AuthRequest,
    error: MfaError,
    session?: KnownSession,
    reply = new ReplyBuilder(),
  ): Reply {
    emit({
      type: 'mfa_denied',
      code: error.code,
      memberId: session?.memberId,
      organizationId: session?.organizationId,
      requestId: error.requestId,
      ip: req.ip,
    })
    if (!wantsRedirect(req, options.respondWith ?? config.respondWith)) return reply.problem(error)
    const returnTo = req.method === 'GET' ? safeReturnTo(req.url) : undefined
    if (error.code === 'not_signed_in') {
      return reply.redirect(withQuery(config.paths.login, { returnTo }))
    }
    if (error.code === 'mfa_required' || error.code === 'mfa_stale') {
      return reply.redirect(withQuery(config.paths.mfa, { returnTo, error: error.code }))
    }
    // Forbidden and upstream trouble: a redirect would loop; the app's error page answers.
    return reply.error(error)
  }

  /** Asks the verifier (a JWT not verified here yet, an expired one, or strict mode). */
  async function verifyThenDecide(
    req: AuthRequest,
    reply: ReplyBuilder,
    tokens: SessionTokens,
  ): Promise<Reply> {
    let verified
    try {
      verified = await verifier.verify(tokens, {
        checkWithStytch: options.checkWithStytch,
        ip: req.ip,
      })
    } catch (error) {
      const denial =
        error instanceof MfaError
          ? error
          : new MfaError('stytch_unavailable', undefined, { cause: error })
      // Only a definite "no such session" signs the member out; an outage must not.
      if (denial.code === 'not_signed_in')
        await clearSessionTokens(req, config, reply, { regenerate: false })
      return deny(req, denial, undefined, reply)
    }
    const { session, refreshed } = verified
    const at = now()
    if (refreshed !== undefined) {
      storeRefreshedSession(req, config, refreshed, at, reply)
      emit({
        type: 'session_refreshed',
        memberId: session.memberId,
        organizationId: session.organizationId,
        requestId: refreshed.requestId,
        ip: req.ip,
      })
    }
    if (permissions !== undefined) await permissions.load(session.organizationId, at.getTime())
    const code = denialOf(session, options, at.getTime(), permissions)
    if (code !== undefined) return deny(req, new MfaError(code), session, reply)
    return reply.next(memberSessionOf(session))
  }

  /**
   * Not `async`, and no reply builder unless one is needed: nearly every request is a safe
   * method with a JWT this instance verified, still inside its window, admitted at once.
   */
  return function requireMfa(req) {
    // An admin POST (PUT, DELETE…) from another site rides on the member's SameSite=Lax cookies
    // from a sibling subdomain, or on any cookie without Fetch Metadata: refused before anything
    // else, like the flow routes refuse it.
    if (!SAFE_METHODS.has(req.method)) {
      try {
        assertSameSite(req, config)
      } catch (error) {
        if (!(error instanceof MfaError)) throw error
        return deny(req, error)
      }
    }
    let stored
    try {
      stored = readSessionTokens(req, config, verifier.recentCookieReads)
    } catch (error) {
      if (error instanceof MfaError) return new ReplyBuilder().error(error)
      throw error
    }
    if (stored.state === 'duplicate') {
      emit({ type: 'request_refused', code: 'not_signed_in', ip: req.ip })
    }
    if (stored.state !== 'present') return deny(req, new MfaError('not_signed_in'))
    if (!options.checkWithStytch) {
      // Remembered: the same checks as after verify(), without a promise.
      const at = nowMs()
      const known = verifier.recall(stored.tokens, at)
      // A policy not fetched yet for the organization is waited for on the path below.
      if (known !== undefined && (permissions?.ready(known.organizationId, at) ?? true)) {
        const code = denialOf(known, options, at, permissions)
        return code === undefined
          ? admit(memberSessionOf(known))
          : deny(req, new MfaError(code), known)
      }
    }
    return verifyThenDecide(req, new ReplyBuilder(), stored.tokens)
  }
}
