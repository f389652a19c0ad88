/**
 * @module Checking a code the visitor typed: one attempt reserved from its budget before Stytch
 * sees the code, Stytch's verdict on it, and an `otp_failed` event for every refusal.
 */
import { MfaError } from './errors.js'
import type { CodeChannel, EmitEvent } from './events.js'
import type { Attempt, Limits } from './limits.js'

export interface CodeCheck<T> {
  readonly channel: CodeChannel
  readonly ip: string | undefined
  /** Who the code was for, when the step knows (the SMS step always does). */
  readonly member?: { readonly memberId: string; readonly organizationId: string }
  /** Takes the attempt from the budget; refuses with `otp_locked` when it is spent. */
  readonly reserve: () => Promise<Attempt>
  /** Asks Stytch; rejects with `otp_invalid` for a wrong code. */
  readonly verdict: () => Promise<T>
}

/**
 * Stytch's answer for a code within the attempt budget. Every `MfaError` on the way (a wrong
 * code, a lockout, Stytch down) is reported as `otp_failed` before it is rethrown: a lockout
 * is a failed attempt like any other for whoever watches the events.
 */
export async function checkCode<T>(
  engine: { readonly limits: Limits; readonly emit: EmitEvent },
  check: CodeCheck<T>,
): Promise<T> {
  const { limits, emit } = engine
  try {
    // Inside the try: a lockout reaches the audit events too.
    const attempt = await check.reserve()
    return await limits.judge(attempt, check.verdict)
  } catch (error) {
    if (error instanceof MfaError) {
      emit({
        type: 'otp_failed',
        channel: check.channel,
        code: error.code,
        ...(check.member === undefined
          ? {}
          : { memberId: check.member.memberId, organizationId: check.member.organizationId }),
        requestId: error.requestId,
        ip: check.ip,
      })
    }
    throw error
  }
}
