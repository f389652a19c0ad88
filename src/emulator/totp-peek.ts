/**
 * @module What a test reads off a member's authenticator app: the code it shows now, and the
 * recovery codes not used yet. Used by the `Emulator` methods and `/__emulator/` routes.
 */
import type { MemberRecord } from './records.js'
import type { EmulatorState } from './state.js'
import { activeRecoveryCodes, totpCodeAt, type TotpRegistrationRecord } from './state-totps.js'

/**
 * A member by id, or by email address (any case) optionally within one organization (id or
 * slug).
 * @throws Error when none or several match.
 */
export function memberFor(
  state: EmulatorState,
  member: string,
  organization?: string,
): MemberRecord {
  const scope = organization === undefined ? undefined : state.directory.organization(organization)
  const wanted = member.toLowerCase()
  const found = state.directory
    .allMembers()
    .filter(
      (candidate) => scope === undefined || candidate.organization_id === scope.organization_id,
    )
    .filter((candidate) => candidate.member_id === member || candidate.email_address === wanted)
  if (found.length === 1 && found[0]) return found[0]
  throw new Error(
    found.length === 0
      ? `no member ${member}${organization === undefined ? '' : ` in ${organization}`}`
      : `${member} is a member of several organizations: name one`,
  )
}

function registrationOf(state: EmulatorState, member: MemberRecord): TotpRegistrationRecord {
  const registration = state.totps.find(member.member_id, state.now())
  if (!registration) throw new Error(`member ${member.member_id} has no TOTP registration`)
  return registration
}

/** The code the member's authenticator app shows on the emulator clock (pending apps too). */
export function currentTotpCode(state: EmulatorState, member: MemberRecord): string {
  return totpCodeAt(registrationOf(state, member), state.now())
}

/** The member's unused recovery codes. */
export function unusedRecoveryCodes(state: EmulatorState, member: MemberRecord): string[] {
  return activeRecoveryCodes(registrationOf(state, member))
}
