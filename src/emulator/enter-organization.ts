/**
 * @module Entering an organization with an email address already proven (IST exchange,
 * `sessions/exchange`): a member session when its requirements are met, else an intermediate
 * session bound to that organization and member.
 */
import { sessionFields } from './credentials.js'
import { mergeCustomClaims } from './custom-claims.js'
import { emailFactor, primaryRequired } from './discovery.js'
import { intermediateFields, mfaPendingFields, needsMfa } from './mfa-required.js'
import type {
  FactorRecord,
  IntermediateSessionRecord,
  MemberRecord,
  OrganizationRecord,
} from './records.js'
import type { EmulatorContext } from './router.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import type { EmulatorState } from './state.js'

export interface EnterInput {
  readonly organization: OrganizationRecord
  readonly member: MemberRecord
  /** When the email was proven (ms). */
  readonly provenAt: number
  /** An IST to bind (discovery), or undefined to create one when one is needed. */
  readonly ist: IntermediateSessionRecord | undefined
  readonly minutes: number
  readonly claims: Record<string, unknown> | undefined
}

/**
 * Enters the organization with the proven email: a member session when its requirements are
 * met, else an intermediate session bound to this organization and member. A passed IST is then
 * returned again, not consumed (Stytch: "The intermediate_session_token will not be consumed and
 * instead will be returned in the response"), and consumed once a session is made.
 */
export async function enterOrganization(ctx: EmulatorContext, input: EnterInput) {
  const { state } = ctx
  const { organization, member } = input
  // inferred: claims are checked even when an intermediate session makes Stytch ignore them.
  const claims = mergeCustomClaims({}, input.claims)
  const factor = emailFactor(member.email_address, member.email_id, input.provenAt)
  const head = {
    member_id: member.member_id,
    member: memberJsonIn(organization, member),
    organization: organizationJson(organization),
  }
  const primary = primaryRequired(organization, member)
  if (primary !== null || needsMfa(organization, member)) {
    const ist = bind(state, input, factor)
    if (primary === null) return { ...head, ...mfaPendingFields(state, organization, member, ist) }
    return {
      ...head,
      ...intermediateFields(ist, { mfa_required: null, primary_required: primary }),
    }
  }
  const now = state.now()
  if (input.ist) state.sessions.consumeIntermediate(input.ist)
  const session = state.sessions.create(
    organization.organization_id,
    member.member_id,
    [factor],
    input.minutes,
    now,
  )
  session.custom_claims = claims
  return {
    ...head,
    member_authenticated: true,
    ...(await sessionFields(ctx, session, organization, member)),
    intermediate_session_token: '',
    mfa_required: null,
    primary_required: null,
  }
}

/**
 * Binds the passed IST to the organization and member, or creates one bound to them. An IST
 * bound already is bound again: Stytch documents that the IST an exchange answers with "can
 * also be used with the Exchange Intermediate Session endpoint … to join a different
 * Organization".
 */
function bind(
  state: EmulatorState,
  input: EnterInput,
  factor: FactorRecord,
): IntermediateSessionRecord {
  const { organization, member, ist } = input
  if (!ist) {
    return state.sessions.createIntermediate(
      organization.organization_id,
      member.member_id,
      factor,
      state.now(),
    )
  }
  // inferred: it then continues only in the organization it was exchanged into last.
  ist.organization_id = organization.organization_id
  ist.member_id = member.member_id
  ist.primary_factor = factor
  return ist
}
