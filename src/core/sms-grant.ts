/**
 * @module What a second-factor grant must be before it is stored: a session for the very member
 * and organization the step was for, carrying the factor just passed. Anything else fails closed.
 */
import { MfaError } from './errors.js'
import { secondFactorSeen, type SecondFactor } from './second-factor.js'
import type { MemberSession } from './ports/stytch.js'

interface Member {
  readonly memberId: string
  readonly organizationId: string
}

interface Grant {
  readonly memberSession: MemberSession
  readonly requestId?: string | undefined
}

/** Throws `stytch_bad_response` unless `grant` is a session of `member` carrying `factor`. */
export function assertFactorSessionOf(member: Member, grant: Grant, factor: SecondFactor): void {
  const session = grant.memberSession
  const factors = session.authenticationFactors.map((known) => ({
    type: known.type,
    deliveryMethod: known.deliveryMethod,
    lastAuthenticatedAtMs: known.lastAuthenticatedAt?.getTime(),
    phoneNumber: undefined,
    emailAddress: undefined,
  }))
  if (
    session.memberId !== member.memberId ||
    session.organizationId !== member.organizationId ||
    !secondFactorSeen(factors, [factor]).present
  ) {
    throw new MfaError(
      'stytch_bad_response',
      `Stytch returned a session for another member or without the ${factor} factor`,
      { requestId: grant.requestId },
    )
  }
}

/** Throws `stytch_bad_response` unless `grant` is an SMS-factor session of `member`. */
export function assertSmsSessionOf(member: Member, grant: Grant): void {
  assertFactorSessionOf(member, grant, 'sms')
}
