/**
 * @module What the app's pages need to show the login in progress: which step, whether a code
 * was sent and to which (masked) phone, whether a phone must be enrolled. No secrets.
 */
import type { Engine } from '../engine.js'
import type { AuthRequest } from '../ports/framework.js'
import { readPendingLogin } from '../pending-login.js'

/** The login in progress, for rendering pages. */
export interface LoginState {
  /** `none`: no login in progress; `email`: code emailed; `mfa`: the SMS step. */
  readonly stage: 'none' | 'email' | 'mfa'
  /** The masked phone the SMS goes to, e.g. `+1 ••••••0123`. */
  readonly phoneNumber: string | undefined
  /** When the last SMS was sent, if one was. */
  readonly smsSentAt: Date | undefined
  /** When a new SMS may be asked for (the cooldown after the last one). */
  readonly resendAvailableAt: Date | undefined
  /** The member has no phone yet: the page asks for one (if enrolment is enabled). */
  readonly needsPhone: boolean
  /** The app lets members enrol a phone during login. */
  readonly enrollmentAllowed: boolean
  /** When the login in progress expires. */
  readonly expiresAt: Date | undefined
}

export async function readLoginState(engine: Engine, req: AuthRequest): Promise<LoginState> {
  const enrollmentAllowed = engine.config.phoneEnrollment.enabled
  const pending = await readPendingLogin(req, engine)
  if (pending.state !== 'present') {
    return {
      stage: 'none',
      phoneNumber: undefined,
      smsSentAt: undefined,
      resendAvailableAt: undefined,
      needsPhone: false,
      enrollmentAllowed,
      expiresAt: undefined,
    }
  }
  const { login, expiresAt } = pending
  if (login.stage === 'email') {
    return {
      stage: 'email',
      phoneNumber: undefined,
      smsSentAt: undefined,
      resendAvailableAt: undefined,
      needsPhone: false,
      enrollmentAllowed,
      expiresAt,
    }
  }
  return {
    stage: 'mfa',
    phoneNumber: login.phoneHint,
    smsSentAt: login.smsSentAt === undefined ? undefined : new Date(login.smsSentAt),
    resendAvailableAt:
      login.smsSentAt === undefined
        ? undefined
        : new Date(login.smsSentAt + engine.limits.smsCooldownSeconds * 1000),
    needsPhone: !login.hasPhone,
    enrollmentAllowed,
    expiresAt,
  }
}
