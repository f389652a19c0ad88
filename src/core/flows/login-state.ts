/**
 * @module What the app's pages need to show the login in progress: which step, the
 * organizations a discovery login may enter, which second factors the organization allows and
 * the member has, whether a code was sent and to which (masked) phone, whether a factor must be
 * enrolled first. No secrets but the member's own authenticator secret while an enrolment waits
 * for its first code.
 */
import type { Engine } from '../engine.js'
import { MfaError } from '../errors.js'
import { allowedMethods, defaultMethod, enrolledMethods, type LoginMethod } from '../mfa-methods.js'
import type { AuthRequest } from '../ports/framework.js'
import { readPendingLogin } from '../pending-login.js'
import { sealedEnrolment } from './enrol-totp.js'
import { resolveMfaTarget } from './mfa-target.js'
import { choiceOf, type OrganizationChoice } from './organization-choice.js'

/** The login in progress, for rendering pages. */
export interface LoginState {
  /**
   * `none`: no login in progress; `email`: code emailed; `organizations`: a discovery login
   * waits for the member to pick an organization; `mfa`: the second-factor step.
   */
  readonly stage: 'none' | 'email' | 'organizations' | 'mfa'
  /**
   * The login is a discovery login (no organization named yet): at stage `email` the code goes
   * to `verifyDiscoveryEmailOtp()`, not `verifyEmailOtp()`; at stage `organizations` the choice
   * goes to `selectOrganization()`.
   */
  readonly discovery: boolean
  /**
   * Stage `organizations`: the organizations Stytch listed for the address, in its order, the
   * only ones `selectOrganization()` enters. Empty otherwise, or when the address may enter
   * none.
   */
  readonly organizations: readonly OrganizationChoice[]
  /** The second factors the organization allows this member: `sms`, `totp`. */
  readonly methods: readonly LoginMethod[]
  /** Those of them the member has: a phone on file, an authenticator app. */
  readonly enrolled: readonly LoginMethod[]
  /** The member's default second factor, when allowed. */
  readonly defaultMethod: LoginMethod | undefined
  /**
   * The member has none of the allowed factors: no session exists until one is enrolled (an
   * authenticator app, or a phone when `phoneEnrollment.enabled`).
   */
  readonly needsEnrolment: boolean
  /**
   * An authenticator app created by `enrolTotp()` and waiting for its first code: its base32
   * secret, for a page that draws the QR code itself. Show it to this member only. Also at
   * stage `none`, for a signed-in member adding an app: only to the session that asked for it.
   */
  readonly totpSecret: string | undefined
  /** The masked phone the SMS goes to, e.g. `+1 ••••••0123`. */
  readonly phoneNumber: string | undefined
  /** When the last SMS was sent, if one was. */
  readonly smsSentAt: Date | undefined
  /** When a new SMS may be asked for (the cooldown after the last one). */
  readonly resendAvailableAt: Date | undefined
  /** SMS is allowed and the member has no phone yet: the page asks for one (if enabled). */
  readonly needsPhone: boolean
  /** The app lets members enrol a phone during login. */
  readonly enrollmentAllowed: boolean
  /** When the login in progress expires. */
  readonly expiresAt: Date | undefined
}

export async function readLoginState(engine: Engine, req: AuthRequest): Promise<LoginState> {
  const enrollmentAllowed = engine.config.phoneEnrollment.enabled
  const pending = await readPendingLogin(req, engine)
  const empty = {
    stage: 'none',
    discovery: false,
    organizations: [],
    methods: [],
    enrolled: [],
    defaultMethod: undefined,
    needsEnrolment: false,
    totpSecret: undefined,
    phoneNumber: undefined,
    smsSentAt: undefined,
    resendAvailableAt: undefined,
    needsPhone: false,
    enrollmentAllowed,
    expiresAt: undefined,
  } as const
  if (pending.state !== 'present') return empty
  const { login, expiresAt } = pending
  // A signed-in member's enrolment is no login, and its secret is only for the session it is
  // bound to: a copy of this cookie beside another session (or none) shows nothing.
  if (login.stage === 'totp_enrolment') {
    const secret = (await signedInEnrolment(engine, req))?.secret
    return secret === undefined ? empty : { ...empty, totpSecret: secret, expiresAt }
  }
  if (login.stage === 'email') return { ...empty, stage: 'email', expiresAt }
  if (login.stage === 'discovery_email') {
    return { ...empty, stage: 'email', discovery: true, expiresAt }
  }
  if (login.stage === 'discovery') {
    const organizations = login.organizations.map(choiceOf)
    return { ...empty, stage: 'organizations', discovery: true, organizations, expiresAt }
  }
  const methods = allowedMethods(login)
  const enrolled = enrolledMethods(login)
  return {
    stage: 'mfa',
    discovery: false,
    organizations: [],
    methods,
    enrolled,
    defaultMethod: defaultMethod(login),
    needsEnrolment: enrolled.length === 0,
    totpSecret: login.totpEnrolment?.secret,
    phoneNumber: login.phoneHint,
    smsSentAt: login.smsSentAt === undefined ? undefined : new Date(login.smsSentAt),
    resendAvailableAt:
      login.smsSentAt === undefined
        ? undefined
        : new Date(login.smsSentAt + engine.limits.smsCooldownSeconds * 1000),
    needsPhone: !login.hasPhone && methods.includes('sms'),
    enrollmentAllowed,
    expiresAt,
  }
}

/** The app a signed-in member is adding, if this request's session is the one that asked. */
async function signedInEnrolment(engine: Engine, req: AuthRequest) {
  try {
    return await sealedEnrolment(engine, req, await resolveMfaTarget(engine, req))
  } catch (error) {
    // No session, or one that no longer verifies: a page to render all the same, without it.
    if (error instanceof MfaError) return undefined
    throw error
  }
}
