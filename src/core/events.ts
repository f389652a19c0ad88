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

/** The Stytch calls the library makes, as the SDK names them (`upstream_failed` events). */
export type StytchOperation =
  | 'otps.email.login_or_signup'
  | 'otps.email.authenticate'
  | 'otps.sms.send'
  | 'otps.sms.authenticate'
  | 'organizations.members.get'
  | 'sessions.authenticate'
  /** Local verification of a session JWT; it fails upstream only when the JWKS cannot be used. */
  | 'sessions.authenticate_jwt_local'
  | 'sessions.revoke'
  | 'totps.create'
  | 'totps.authenticate'
  | 'recovery_codes.recover'
  | 'recovery_codes.rotate'
  /** `organizations.members.deleteMFAPhoneNumber` or `.deleteTOTP`. */
  | 'organizations.members.delete_mfa_factor'
  /** `sessions.get` then `sessions.revoke` by `member_id`. */
  | 'sessions.revoke_member'
  | 'rbac.policy'
  | 'rbac.organizations.get_org_policy'
  | 'otps.email.discovery.send'
  | 'otps.email.discovery.authenticate'
  | 'discovery.organizations.list'
  | 'discovery.intermediate_sessions.exchange'
  | 'sessions.exchange'

/** How a code reached (or was made by) the member: `totp` is an authenticator app. */
export type CodeChannel = 'email' | 'sms' | 'totp' | 'recovery_code'

/** Every event the library reports through `onEvent`. */
export type MfaEvent =
  | (EventBase & { readonly type: 'otp_sent'; readonly channel: 'email' | 'sms' })
  | (EventBase & {
      readonly type: 'otp_verified'
      readonly channel: CodeChannel
      /** True when the member is now signed in with MFA (or the org needs none). */
      readonly signedIn: boolean
    })
  | (EventBase & {
      readonly type: 'otp_failed'
      readonly channel: CodeChannel
      readonly code: MfaErrorCode
    })
  /** The member confirmed a new authenticator app with its first code. */
  | (EventBase & { readonly type: 'totp_enrolled' })
  /** The member's recovery codes were replaced; the old ones stopped working. */
  | (EventBase & { readonly type: 'recovery_codes_rotated' })
  /**
   * An admin removed second factors of a member (`memberId`, `organizationId`) and ended every
   * session of that member.
   */
  | (EventBase & {
      readonly type: 'member_mfa_reset'
      /** The admin who asked, from the verified session. */
      readonly actorMemberId: string
      /** The factors asked to be removed; the member may not have had each. */
      readonly factors: readonly ('sms' | 'totp')[]
      /** How many live sessions of the member were revoked. */
      readonly sessionsRevoked: number
    })
  /**
   * The member entered an organization (`organizationId`) chosen after a discovery login
   * (`via: 'discovery'`) or switched to from a session (`via: 'switch'`). `signedIn` is false
   * when the organization's second factor comes next.
   */
  | (EventBase & {
      readonly type: 'organization_entered'
      readonly via: 'discovery' | 'switch'
      readonly signedIn: boolean
      /** `via: 'switch'`: the organization of the session that ended here. */
      readonly fromOrganizationId?: string | undefined
      /**
       * `via: 'switch'`: Stytch confirmed the old session's revocation (else it is refused here
       * and the revoke is tried again, as at logout).
       */
      readonly revoked?: boolean | undefined
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
  /**
   * A Stytch call failed for a reason that is not the user's: Stytch refused the project id and
   * secret, could not be reached, did not answer in time, failed, or answered with something the
   * library could not trust. Once per call, however many requests waited on it.
   */
  | (EventBase & {
      readonly type: 'upstream_failed'
      readonly operation: StytchOperation
      /** `stytch_error`, `stytch_unavailable`, `stytch_timeout` or `stytch_bad_response`. */
      readonly code: MfaErrorCode
      /** Stytch's `error_type`, when Stytch answered with one (`unauthorized_credentials`…). */
      readonly stytchErrorType?: string | undefined
      /** Stytch's HTTP status, when Stytch answered with an error. */
      readonly stytchStatus?: number | undefined
      /** Set on the startup check of the project id and secret (`selfCheck`). */
      readonly selfCheck?: true | undefined
    })

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
