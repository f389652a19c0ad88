/**
 * @module Upstream failures, observed in one place: the Stytch port itself. Every flow step,
 * the guard's verifier, logout and the background revoke retries reach Stytch through it, so a
 * failure is reported once per call (a refresh shared by many requests is one failure), as an
 * `upstream_failed` event for the audit trail and as a line in the operators' log.
 */
import { MfaError, type MfaErrorCode } from './errors.js'
import type { EmitEvent, StytchOperation } from './events.js'
import { refusesInput } from './flows/input-refusal.js'
import type { OperatorLog } from './logger.js'
import { STYTCH_CREDENTIAL_ERROR_TYPES, type StytchPort } from './ports/stytch.js'

const OPERATION_OF: Readonly<Record<keyof StytchPort, StytchOperation>> = {
  sendEmailOtp: 'otps.email.login_or_signup',
  authenticateEmailOtp: 'otps.email.authenticate',
  sendSmsOtp: 'otps.sms.send',
  getMember: 'organizations.members.get',
  authenticateSmsOtp: 'otps.sms.authenticate',
  authenticateSession: 'sessions.authenticate',
  verifySessionJwt: 'sessions.authenticate_jwt_local',
  revokeSession: 'sessions.revoke',
  createTotp: 'totps.create',
  authenticateTotp: 'totps.authenticate',
  recoverWithRecoveryCode: 'recovery_codes.recover',
  rotateRecoveryCodes: 'recovery_codes.rotate',
  getRbacPolicy: 'rbac.policy',
  getOrganizationRbacPolicy: 'rbac.organizations.get_org_policy',
  deleteMemberFactor: 'organizations.members.delete_mfa_factor',
  revokeMemberSessions: 'sessions.revoke_member',
  sendDiscoveryEmailOtp: 'otps.email.discovery.send',
  authenticateDiscoveryEmailOtp: 'otps.email.discovery.authenticate',
  listDiscoveredOrganizations: 'discovery.organizations.list',
  exchangeIntermediateSession: 'discovery.intermediate_sessions.exchange',
  exchangeSession: 'sessions.exchange',
}

/** The steps that take an email address as typed. */
const EMAIL_OPERATIONS: ReadonlySet<StytchOperation> = new Set([
  'otps.email.login_or_signup',
  'otps.email.authenticate',
  'otps.email.discovery.send',
  'otps.email.discovery.authenticate',
])

/** Codes that say something is wrong between the library and Stytch, not with the user. */
const UPSTREAM_CODES: ReadonlySet<MfaErrorCode> = new Set([
  'stytch_error',
  'stytch_bad_response',
  'stytch_unavailable',
  'stytch_timeout',
])

/** A failed call as events and logs carry it: Stytch's words about itself, filtered. */
export interface UpstreamFailure {
  readonly operation: StytchOperation
  readonly code: MfaErrorCode
  readonly stytchErrorType: string | undefined
  readonly stytchStatus: number | undefined
  readonly requestId: string | undefined
  readonly memberId?: string | undefined
  readonly organizationId?: string | undefined
}

/**
 * Only identifier-shaped values pass: these come from whatever answered (Stytch, or a proxy in
 * front of it) and go to logs.
 */
function word(value: string | undefined): string | undefined {
  return value !== undefined && /^[\w.-]{1,100}$/.test(value) ? value : undefined
}

/**
 * Stytch refused the project id and secret themselves. By type only during requests: a 401 of
 * another type there may come from a token the client sent. On the startup check no token is
 * involved, so any 401 says it.
 */
export function refusedCredentials(failure: UpstreamFailure, selfCheck = false): boolean {
  if (
    failure.stytchErrorType !== undefined &&
    STYTCH_CREDENTIAL_ERROR_TYPES.has(failure.stytchErrorType)
  ) {
    return true
  }
  return failure.stytchStatus === 401 && (selfCheck || failure.stytchErrorType === undefined)
}

/**
 * The failure `error` is, or `undefined` when it is about the request (a wrong code, an unknown
 * session, an email address Stytch refuses: the user's doing, reported by the flows).
 */
export function upstreamFailure(
  operation: StytchOperation,
  error: unknown,
): UpstreamFailure | undefined {
  if (!(error instanceof MfaError)) {
    // Only a port of the app's own breaks the port's contract; the guard counts it an outage.
    return {
      operation,
      code: 'stytch_unavailable',
      stytchErrorType: undefined,
      stytchStatus: undefined,
      requestId: undefined,
    }
  }
  if (!UPSTREAM_CODES.has(error.code)) return undefined
  const email = EMAIL_OPERATIONS.has(operation)
  // The email steps take the organization and address as typed: Stytch's 4xx there (no such
  // organization, an address it will not email) is the typist's, answered as if sent.
  if (email && refusesInput(error)) return undefined
  return {
    operation,
    code: error.code,
    stytchErrorType: word(error.stytchErrorType),
    stytchStatus: error.stytchStatus,
    requestId: word(error.requestId),
  }
}

/** One log line for a failure, with a hint for the newcomer who meets it first. */
export function describeFailure(failure: UpstreamFailure, selfCheck = false): string {
  const during = selfCheck ? 'at the startup check' : 'during a request'
  const said = [
    failure.stytchStatus === undefined ? undefined : String(failure.stytchStatus),
    failure.stytchErrorType,
    failure.requestId === undefined ? undefined : `request_id ${failure.requestId}`,
  ].filter((part) => part !== undefined)
  const details = said.length === 0 ? '' : ` (${said.join(', ')})`
  if (refusedCredentials(failure, selfCheck)) {
    return `stytch-b2b-mfa: Stytch refused the project id and secret ${during}${details}: check STYTCH_PROJECT_ID / STYTCH_SECRET (the stytch option's projectId and secret)`
  }
  const hint: Readonly<Record<string, string>> = {
    stytch_timeout: 'no answer within the stytch option timeoutMs',
    stytch_unavailable:
      failure.stytchStatus === undefined
        ? 'Stytch could not be reached: check the network and the stytch option baseUrl'
        : 'Stytch failed',
    stytch_bad_response: 'Stytch answered with something the library could not trust',
    stytch_error: 'Stytch refused the call',
  }
  const why = hint[failure.code] ?? failure.code
  return `stytch-b2b-mfa: Stytch call ${failure.operation} failed ${during} with ${failure.code}${details}: ${why}`
}

/** Ids the port was given from the sealed login or the verified session, never from input. */
function idsOf(input: unknown): { memberId?: string; organizationId?: string } {
  if (typeof input !== 'object' || input === null) return {}
  const { memberId, organizationId } = input as { memberId?: unknown; organizationId?: unknown }
  // The email steps carry an organization as typed and no member: nothing to name there.
  if (typeof memberId !== 'string' || typeof organizationId !== 'string') return {}
  return { memberId, organizationId }
}

/** Reports a failure: an event each time, a log line once per kind a minute. */
export function reportFailure(
  emit: EmitEvent,
  log: OperatorLog,
  failure: UpstreamFailure,
  selfCheck = false,
): void {
  emit({
    type: 'upstream_failed',
    operation: failure.operation,
    code: failure.code,
    stytchErrorType: failure.stytchErrorType,
    stytchStatus: failure.stytchStatus,
    requestId: failure.requestId,
    memberId: failure.memberId,
    organizationId: failure.organizationId,
    ...(selfCheck ? { selfCheck: true } : {}),
  })
  if (selfCheck) {
    const line = describeFailure(failure, true)
    if (refusedCredentials(failure, true)) log.error(line)
    else log.warn(line)
    return
  }
  // A wrong secret fails every call whatever it is: one line a minute says it all.
  const kind = refusedCredentials(failure)
    ? 'credentials'
    : `${failure.operation} ${failure.code} ${failure.stytchErrorType ?? ''}`
  log.errorOncePer(kind, describeFailure(failure))
}

/**
 * The port, reporting each upstream failure of a call before passing it on unchanged. A call
 * that succeeds costs nothing more than the `catch` handler on its promise.
 */
export function observePort(port: StytchPort, report: (failure: UpstreamFailure) => void) {
  function observed<K extends keyof StytchPort>(name: K): StytchPort[K] {
    const operation = OPERATION_OF[name]
    const method = port[name] as (input: unknown) => Promise<unknown>
    return ((input: unknown) =>
      method.call(port, input).catch((error: unknown) => {
        const failure = upstreamFailure(operation, error)
        if (failure !== undefined) report({ ...failure, ...idsOf(input) })
        throw error
      })) as StytchPort[K]
  }
  const names = Object.keys(OPERATION_OF) as (keyof StytchPort)[]
  return Object.fromEntries(names.map((name) => [name, observed(name)])) as unknown as StytchPort
}

/** Ids no organization or member has: the check must find nothing, and change nothing. */
const NO_ORGANIZATION = 'organization-test-00000000-0000-4000-8000-000000000000'
const NO_MEMBER = 'member-test-00000000-0000-4000-8000-000000000000'

/**
 * Starts the startup check of the project id and secret: a member lookup with made-up ids,
 * which reads nothing that exists and sends nothing. Stytch authenticates the call before it
 * looks for the member, so a 401 means the credentials, and "not found" means they are fine.
 * It runs in the background: it never delays or fails startup or a request.
 */
export function startSelfCheck(port: StytchPort, emit: EmitEvent, log: OperatorLog): Promise<void> {
  const operation: StytchOperation = 'organizations.members.get'
  return Promise.resolve()
    .then(() => port.getMember({ organizationId: NO_ORGANIZATION, memberId: NO_MEMBER }))
    .then(
      () => undefined,
      (error: unknown) => {
        const failure = upstreamFailure(operation, error)
        // An error about the lookup itself (no such organization) is the expected answer.
        if (failure === undefined) return
        if (failure.code === 'stytch_error' && !refusedCredentials(failure, true)) return
        reportFailure(emit, log, failure, true)
      },
    )
    .catch(() => undefined)
}
