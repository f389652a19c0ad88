/**
 * @module The intermediate session passed to a primary authenticate of an organization (email
 * OTP): Stytch adds the new factor to it, so it must be one this member may continue.
 */
import { memberMismatch } from './credentials.js'
import { provenEmail } from './discovery.js'
import { badRequest } from './errors.js'
import type {
  IntermediateSessionRecord,
  MemberRecord,
  OrganizationRecord,
  SessionRecord,
} from './records.js'
import type { EmulatorState } from './state.js'

/**
 * A live IST bound to this organization and member, or a discovery IST (bound to none yet) that
 * proves this member's email address.
 * @throws 404 `intermediate_session_not_found`; 400 `too_many_session_arguments` next to a
 * session; 400 `invalid_intermediate_session_token_for_organization` when bound to another
 * organization; 400 `member_session_member_id_mismatch` for another member or address.
 */
export function intermediateForPrimary(
  state: EmulatorState,
  token: string,
  organization: OrganizationRecord,
  member: MemberRecord,
  session: SessionRecord | undefined,
): IntermediateSessionRecord {
  // inferred: every refusal's status and type below (the types exist in Stytch's error list).
  if (session) {
    throw badRequest(
      'too_many_session_arguments',
      '((Pass an intermediate session or a session, not both.))',
    )
  }
  const ist = state.sessions.intermediate(token, state.now())
  if (ist.organization_id === '') {
    if (provenEmail(ist) !== member.email_address) throw memberMismatch()
    return ist
  }
  if (ist.organization_id !== organization.organization_id) {
    throw badRequest(
      'invalid_intermediate_session_token_for_organization',
      '((The intermediate session belongs to another organization.))',
    )
  }
  if (ist.member_id !== member.member_id) throw memberMismatch()
  return ist
}
