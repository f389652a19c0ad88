/**
 * @module The end of every way into an organization (an email code, a discovery choice, a
 * switch): Stytch's answer becomes a stored member session, or the sealed second-factor step
 * with the intermediate session, member and organization Stytch named, which the SMS,
 * authenticator and recovery steps then finish.
 */
import type { Engine } from '../engine.js'
import { MfaError } from '../errors.js'
import { memberKey } from '../limits.js'
import { allowedMethods, defaultMethod, enrolledMethods } from '../mfa-methods.js'
import { clearPendingLogin, pendingLoginCookie, type PendingMfa } from '../pending-login.js'
import { maskPhoneNumber } from '../phone.js'
import type { AuthRequest, Reply } from '../ports/framework.js'
import type { PrimaryAuthResult } from '../ports/stytch.js'
import type { ReplyBuilder } from '../reply.js'
import { clearSessionTokens, storeNewSession } from '../session-store.js'

/** Who entered, as the step's event names them. */
export interface Entered {
  readonly signedIn: boolean
  readonly memberId: string
  readonly organizationId: string
  readonly requestId: string
}

export interface Entering {
  readonly reply: ReplyBuilder
  readonly redirect: boolean
  readonly secure: boolean
  /** Where a browser lands once signed in; `paths.afterLogin` when absent. */
  readonly returnTo: string | undefined
  /** The session the request carries is forgotten before the second-factor step (a switch). */
  readonly replacesSession?: boolean
  /** Reports the entry with the step's own event. */
  readonly announce: (entered: Entered) => void
}

/** The longest a second-factor step waits, whatever Stytch gives its intermediate session. */
const MFA_STEP_MS = 10 * 60_000

/**
 * What the second-factor step's pages need, as `loginState()` says it: the methods, whether a
 * code went out, and to which (masked) phone.
 */
function mfaStepAnswer(pending: PendingMfa, smsSent: boolean, next: string) {
  const methods = allowedMethods(pending)
  const enrolled = enrolledMethods(pending)
  return {
    status: 'mfa_required',
    next,
    smsSent,
    phoneNumber: pending.phoneHint ?? null,
    needsPhone: !pending.hasPhone && methods.includes('sms'),
    methods,
    enrolled,
    defaultMethod: defaultMethod(pending) ?? null,
    needsEnrolment: enrolled.length === 0,
  }
}

/**
 * Finishes a step with Stytch's answer about entering an organization. Another primary method
 * first (`primary_required`) is refused with `forbidden`: this library signs in by email code.
 */
export async function enterOrganization(
  engine: Engine,
  req: AuthRequest,
  result: PrimaryAuthResult,
  entering: Entering,
): Promise<Reply> {
  const { config, sealer, verifier, limits, now } = engine
  const { reply, redirect, secure, returnTo } = entering
  const at = now()
  switch (result.kind) {
    case 'primary_required':
      throw new MfaError('forbidden', 'The organization requires another primary sign-in method', {
        requestId: result.requestId,
      })
    case 'authenticated': {
      // With a server-side session this regenerates it; cookies are replaced by the new ones.
      await storeNewSession(req, config, result, secure, at, reply)
      verifier.remember(result)
      reply.cookie(clearPendingLogin(secure))
      const { memberId, organizationId } = result.memberSession
      entering.announce({ signedIn: true, memberId, organizationId, requestId: result.requestId })
      const next = returnTo ?? config.paths.afterLogin
      return redirect ? reply.redirect(next) : reply.json(200, { status: 'signed_in', next })
    }
    case 'mfa_required': {
      if (result.smsSent) {
        await limits.smsSentByStytch(memberKey(result), result.memberPhoneNumber)
      }
      if (entering.replacesSession === true) {
        await clearSessionTokens(req, config, reply, { regenerate: true })
      }
      const expiresAt = new Date(
        Math.min(result.intermediateSessionExpiresAt.getTime(), at.getTime() + MFA_STEP_MS),
      )
      const pending: PendingMfa = {
        stage: 'mfa',
        intermediateSessionToken: result.intermediateSessionToken,
        memberId: result.memberId,
        organizationId: result.organizationId,
        smsSentAt: result.smsSent ? at.getTime() : undefined,
        phoneHint: await maskPhoneNumber(result.memberPhoneNumber),
        hasPhone: result.memberPhoneNumber !== undefined,
        returnTo,
        methods: [...result.mfa.allowedMethods],
        hasTotp: result.mfa.hasTotp,
        defaultMethod: result.mfa.defaultMethod,
      }
      reply.cookie(await pendingLoginCookie(sealer, pending, expiresAt, secure, at))
      entering.announce({
        signedIn: false,
        memberId: result.memberId,
        organizationId: result.organizationId,
        requestId: result.requestId,
      })
      return redirect
        ? reply.redirect(config.paths.mfa)
        : reply.json(200, mfaStepAnswer(pending, result.smsSent, config.paths.mfa))
    }
  }
}
