/**
 * Core requests built by hand: the flow handlers of `createCore()` called without a framework (a
 * real code path, with the real Stytch port against the emulator), and how a reply reads.
 */
import type { AuthRequest, Reply } from '../../../src/core/ports/framework.js'
import { isMfaError } from '../../../src/core/errors.js'
import { authRequest, type AuthRequestInit } from '../../helpers/auth-request.js'

/** A request from the suite's client address to a route under `/auth`. */
export function coreRequest(init: AuthRequestInit = {}): AuthRequest {
  return authRequest({ url: '/auth/x', ip: '203.0.113.7', ...init })
}

/** The HTTP status an adapter would send for a reply (`admitted` for a guard's `next`). */
export function replyStatus(reply: Reply): number | 'admitted' {
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      return 'admitted'
    case 'respond':
      return outcome.status
    case 'redirect':
      return 303
    case 'error':
      return isMfaError(outcome.error) ? outcome.error.status : 500
  }
}

/** The `Location` of a reply, if it redirects. */
export function replyLocation(reply: Reply): string | undefined {
  return reply.outcome.kind === 'redirect' ? reply.outcome.location : undefined
}
