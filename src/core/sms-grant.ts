/**
 * @module What an SMS grant must be before it is stored: a session for the very member and
 * organization the step was for, carrying the SMS factor. Anything else fails closed.
 */
import { MfaError } from './errors.js'
import { hasSmsFactor } from './sms-factor.js'
import type { MemberSession } from './ports/stytch.js'

interface Member {
  readonly memberId: string
  readonly organizationId: string
}

/** Throws `stytch_bad_response` unless `grant` is an SMS-factor session of `member`. */
export function assertSmsSessionOf(
  member: Member,
  grant: { readonly memberSession: MemberSession; readonly requestId?: string | undefined },
): void {
  const session = grant.memberSession
  if (
    session.memberId !== member.memberId ||
    session.organizationId !== member.organizationId ||
    !hasSmsFactor(session)
  ) {
    throw new MfaError(
      'stytch_bad_response',
      'Stytch returned a session for another member or without the SMS factor',
      { requestId: grant.requestId },
    )
  }
}
