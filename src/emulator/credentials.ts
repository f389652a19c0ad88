/** @module Resolving the IST / session a caller passes, and the session part of responses. */
import { badRequest, sessionNotFound, type EmulatorApiError } from './errors.js'
import type {
  IntermediateSessionRecord,
  MemberRecord,
  OrganizationRecord,
  SessionRecord,
} from './records.js'
import type { EmulatorContext } from './router.js'
import { memberSessionJson, type MemberSessionJson } from './serialize.js'

/** Stytch treats an empty string like a missing field. */
function given(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** The live session a JWT names (signature checked, `exp` not: Stytch semantics). */
export async function sessionFromJwt(ctx: EmulatorContext, jwt: string): Promise<SessionRecord> {
  const { sessionId, memberId } = await ctx.jwts.sessionIdOf(jwt)
  const session = ctx.state.sessions.byId(sessionId, ctx.state.now())
  if (session.member_id !== memberId) throw sessionNotFound()
  return session
}

/** Exactly one of `session_token` / `session_jwt`, resolved to a live session. */
export async function sessionFrom(
  ctx: EmulatorContext,
  input: { session_token?: string | undefined; session_jwt?: string | undefined },
): Promise<SessionRecord> {
  const token = given(input.session_token)
  const jwt = given(input.session_jwt)
  // inferred: both triggers and the 400 status.
  if (token !== undefined && jwt !== undefined) {
    throw badRequest(
      'too_many_session_arguments',
      '((Pass session_token or session_jwt, not both.))',
    )
  }
  if (token !== undefined) return ctx.state.sessions.byToken(token, ctx.state.now())
  if (jwt !== undefined) return sessionFromJwt(ctx, jwt)
  throw badRequest('no_session_arguments', '((Pass session_token or session_jwt.))')
}

export type MfaCredential =
  | { readonly kind: 'intermediate'; readonly record: IntermediateSessionRecord }
  | { readonly kind: 'session'; readonly record: SessionRecord }

export interface CredentialInput {
  readonly intermediate_session_token?: string | undefined
  readonly session_token?: string | undefined
  readonly session_jwt?: string | undefined
}

/**
 * The IST or session passed to an SMS route, checked to belong to that organization and member.
 * @param required whether the call is refused without one.
 */
export async function mfaCredential(
  ctx: EmulatorContext,
  input: CredentialInput,
  organization: OrganizationRecord,
  member: MemberRecord,
  required: boolean,
): Promise<MfaCredential | undefined> {
  const ist = given(input.intermediate_session_token)
  const token = given(input.session_token)
  const jwt = given(input.session_jwt)
  const count = [ist, token, jwt].filter((value) => value !== undefined).length
  if (count > 1) {
    // inferred: 400 too_many_session_arguments.
    throw badRequest(
      'too_many_session_arguments',
      '((Pass only one of intermediate_session_token, session_token, session_jwt.))',
    )
  }
  if (count === 0) {
    // inferred: 400 no_associated_session_passed_in.
    if (required) {
      throw badRequest(
        'no_associated_session_passed_in',
        '((This member has an active MFA factor: pass an intermediate session or a session.))',
      )
    }
    return undefined
  }
  if (ist !== undefined) {
    const record = ctx.state.sessions.intermediate(ist, ctx.state.now())
    if (record.organization_id !== organization.organization_id) {
      // inferred: 400 invalid_intermediate_session_token_for_organization.
      throw badRequest(
        'invalid_intermediate_session_token_for_organization',
        '((The intermediate session belongs to another organization.))',
      )
    }
    if (record.member_id !== member.member_id) throw memberMismatch()
    return { kind: 'intermediate', record }
  }
  const record =
    token !== undefined
      ? ctx.state.sessions.byToken(token, ctx.state.now())
      : await sessionFromJwt(ctx, jwt ?? '')
  if (
    record.organization_id !== organization.organization_id ||
    record.member_id !== member.member_id
  ) {
    throw memberMismatch()
  }
  return { kind: 'session', record }
}

/** 400 for an IST or session of another member or organization. */
export function memberMismatch(): EmulatorApiError {
  // inferred: 400 member_session_member_id_mismatch.
  return badRequest(
    'member_session_member_id_mismatch',
    '((The session does not belong to this member and organization.))',
  )
}

/** `session_token`, a fresh `session_jwt` and `member_session` for a response. */
export async function sessionFields(
  ctx: EmulatorContext,
  session: SessionRecord,
  organization: OrganizationRecord,
  member: MemberRecord,
): Promise<{ session_token: string; session_jwt: string; member_session: MemberSessionJson }> {
  return {
    session_token: session.session_token,
    session_jwt: await ctx.jwts.mint(session, organization, member, ctx.state.now()),
    member_session: memberSessionJson(session, organization, member),
  }
}
