/** @module Audit events: what happened, to whom, with Stytch's request id; never a secret. */
import { debuglog } from 'node:util'
import type { MfaErrorCode } from './errors.js'

const log = debuglog('stytch-b2b-mfa')

interface EventBase {
  /** Member id, when known. */
  readonly memberId?: string | undefined
  /** Organization id, when known. */
  readonly organizationId?: string | undefined
  /** Stytch's `request_id` of the call behind the event, when there was one. */
  readonly requestId?: string | undefined
  /** Client IP as the framework sees it (after `trust proxy` / `app.proxy`). */
  readonly ip?: string | undefined
}

/** Every event the library reports through `onEvent`. */
export type MfaEvent =
  | (EventBase & { readonly type: 'otp_sent'; readonly channel: 'email' | 'sms' })
  | (EventBase & {
      readonly type: 'otp_verified'
      readonly channel: 'email' | 'sms'
      /** True when the member is now signed in with MFA (or the org needs none). */
      readonly signedIn: boolean
    })
  | (EventBase & {
      readonly type: 'otp_failed'
      readonly channel: 'email' | 'sms'
      readonly code: MfaErrorCode
    })
  | (EventBase & { readonly type: 'mfa_denied'; readonly code: MfaErrorCode })
  | (EventBase & { readonly type: 'request_refused'; readonly code: MfaErrorCode })
  | (EventBase & { readonly type: 'session_refreshed' })
  | (EventBase & {
      readonly type: 'logout'
      /**
       * Stytch confirmed the revocation. When false for a signed-in session, the session is
       * refused here (and through a revocation store everywhere) until it lapses, and the revoke
       * is tried again until Stytch confirms (`session_revoked`).
       */
      readonly revoked: boolean
      /** A verified session was signed out (false: the cookies named no live session). */
      readonly signedIn: boolean
    })
  /** Stytch confirmed a revocation it had failed at logout. */
  | (EventBase & { readonly type: 'session_revoked' })
  /** A revocation Stytch never confirmed was given up (too many waiting); still refused here. */
  | (EventBase & { readonly type: 'revoke_abandoned' })

export type EmitEvent = (event: MfaEvent) => void

/**
 * Wraps the app's hook so a throwing hook can never break a sign-in or open a guard: its error
 * is written to the debug log (`NODE_DEBUG=stytch-b2b-mfa`) and dropped.
 */
export function createEmitter(hook: ((event: MfaEvent) => void) | undefined): EmitEvent {
  return (event) => {
    log('%s %s', event.type, JSON.stringify(event))
    if (hook === undefined) return
    try {
      hook(event)
    } catch (error) {
      log('onEvent hook threw: %s', error instanceof Error ? error.message : String(error))
    }
  }
}
