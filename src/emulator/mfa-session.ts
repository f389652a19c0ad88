/**
 * @module A second factor's attempt (TOTP, recovery code) from its checks to its end: the
 * intermediate session becomes a member session, or the step-up session gains the factor.
 */
import { mergeCustomClaims } from './custom-claims.js'
import { badRequest } from './errors.js'
import { checkMfaMethodAllowed, type MfaMethod } from './mfa-policy.js'
import {
  mfaCredential,
  sessionFields,
  type CredentialInput,
  type MfaCredential,
} from './credentials.js'
import type { FactorRecord, MemberRecord, OrganizationRecord, SessionRecord } from './records.js'
import type { EmulatorContext } from './router.js'
import { sessionMinutes } from './schemas.js'
import { refreshSession } from './state-sessions.js'

/** The IST or session that every second-factor authenticate needs (exactly one). */
async function requiredCredential(
  ctx: EmulatorContext,
  input: CredentialInput,
  organization: OrganizationRecord,
  member: MemberRecord,
): Promise<MfaCredential> {
  const credential = await mfaCredential(ctx, input, organization, member, true)
  if (!credential) throw new Error('unreachable: a required credential was not returned')
  return credential
}

/** Factors that prove a second factor (email is the first). */
const SECOND_FACTORS: ReadonlySet<FactorRecord['kind']> = new Set([
  'sms_otp',
  'totp',
  'recovery_code',
])

/** The request fields every second-factor authenticate shares. */
export interface AttemptInput extends CredentialInput {
  readonly organization_id: string
  readonly member_id: string
  readonly session_duration_minutes?: number | undefined
  readonly session_custom_claims?: Record<string, unknown> | undefined
}

/**
 * The checks every second-factor authenticate makes before it looks at the code, in order:
 * duration, organization and member, the organization's methods, the credential, the custom
 * claims, the user lock.
 */
export async function beginAttempt(ctx: EmulatorContext, input: AttemptInput, method: MfaMethod) {
  const minutes =
    input.session_duration_minutes === undefined
      ? undefined
      : sessionMinutes(input.session_duration_minutes, 60)
  const organization = ctx.state.directory.organization(input.organization_id)
  const member = ctx.state.directory.member(organization, input.member_id)
  checkMfaMethodAllowed(organization, member, method)
  const credential = await requiredCredential(ctx, input, organization, member)
  const customClaims = claimsAfter(credential, input.session_custom_claims)
  ctx.state.locks.check(member, ctx.state.now())
  return { minutes, organization, member, credential, customClaims }
}

/** Whether a session already carries a second factor. */
function hasSecondFactor(session: SessionRecord): boolean {
  return session.factors.some((factor) => SECOND_FACTORS.has(factor.kind))
}

/**
 * The proof a member with an active second factor needs before adding another: a session that
 * carries a second factor. An IST alone would let a stolen first factor enrol a new app.
 */
export function checkMayAddFactor(credential: MfaCredential | undefined): void {
  if (credential?.kind === 'session' && hasSecondFactor(credential.record)) return
  // inferred: 400 insufficient_factors (type exists); Stytch asks for "an intermediate session
  // token, session token, or session JWT with the existing MFA factor on it".
  throw badRequest(
    'insufficient_factors',
    '((The member has an MFA factor: pass a session that carries it to add another.))',
  )
}

/**
 * The session's `custom_claims` once `session_custom_claims` are merged in, worked out before
 * anything changes so that refused claims leave the IST, the code and the session as they were.
 */
function claimsAfter(
  credential: MfaCredential,
  claims: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return mergeCustomClaims(
    credential.kind === 'session' ? credential.record.custom_claims : {},
    claims,
  )
}

/**
 * Applies a passed factor: an IST is consumed into a new session of its primary factor and this
 * one; a session gains (or refreshes) it, extended only when `minutes` is given.
 * @param customClaims from {@link claimsAfter}.
 */
export async function completeSecondFactor(
  ctx: EmulatorContext,
  credential: MfaCredential,
  organization: OrganizationRecord,
  member: MemberRecord,
  factor: FactorRecord,
  minutes: number | undefined,
  customClaims: Record<string, unknown>,
) {
  const { sessions } = ctx.state
  const now = ctx.state.now()
  let session: SessionRecord
  if (credential.kind === 'intermediate') {
    sessions.consumeIntermediate(credential.record)
    session = sessions.create(
      organization.organization_id,
      member.member_id,
      [credential.record.primary_factor, factor],
      minutes ?? 60,
      now,
    )
  } else {
    session = credential.record
    refreshSession(session, factor, minutes, now)
  }
  session.custom_claims = customClaims
  return sessionFields(ctx, session, organization, member)
}
