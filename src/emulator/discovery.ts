/**
 * @module Which organizations an email address may enter (discovery), as which member, and what
 * each still asks for. Shared by the discovery routes and `sessions/exchange`.
 */
import { badRequest, memberNotFound } from './errors.js'
import { newId } from './ids.js'
import { mfaRequiredJson, needsMfa } from './mfa-required.js'
import type {
  FactorRecord,
  IntermediateSessionRecord,
  MemberRecord,
  OrganizationRecord,
} from './records.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import type { EmulatorState } from './state.js'

type Membership =
  | { readonly type: 'active_member' | 'pending_member' | 'invited_member'; member: MemberRecord }
  | { readonly type: 'eligible_to_join_by_email_domain'; domain: string }

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase()
}

/**
 * The email factor of a member, proven at `at` (ms). A discovery IST holds one for the address
 * alone until it is exchanged into an organization.
 */
export function emailFactor(email: string, emailId: string, at: number): FactorRecord {
  return {
    kind: 'email_otp',
    email_id: emailId,
    email_address: email.toLowerCase(),
    created_at: at,
    last_authenticated_at: at,
  }
}

/** A new discovery email factor for an address that is no member yet. */
export function discoveryFactor(email: string, at: number): FactorRecord {
  return emailFactor(email, newId('email'), at)
}

/** The address an IST's email factor proves, or undefined when it holds none. */
export function provenEmail(ist: IntermediateSessionRecord): string | undefined {
  return ist.primary_factor.kind === 'email_otp' ? ist.primary_factor.email_address : undefined
}

/**
 * How the address relates to the organization: a member (by status), or eligible to join by
 * its email domain. Stytch lists an organization for an unknown address when it provisions
 * members by email (`RESTRICTED`), the domain is allowed, and (inferred: these three together)
 * another member with a verified address at that domain exists, "to prevent phishing attacks".
 */
export function membershipOf(
  state: EmulatorState,
  organization: OrganizationRecord,
  email: string,
): Membership | undefined {
  const member = state.directory.memberByEmail(organization, email)
  if (member) return { type: `${member.status}_member`, member }
  const domain = domainOf(email)
  const eligible =
    organization.email_jit_provisioning === 'RESTRICTED' &&
    organization.email_allowed_domains.includes(domain) &&
    state.directory
      .allMembers()
      .some(
        (other) =>
          other.organization_id === organization.organization_id &&
          other.status === 'active' &&
          domainOf(other.email_address) === domain,
      )
  return eligible ? { type: 'eligible_to_join_by_email_domain', domain } : undefined
}

/**
 * `primary_required` when the organization restricts primary methods to ones other than email
 * OTP; breakglass members are exempt, as Stytch documents for `auth_methods`.
 */
export function primaryRequired(
  organization: OrganizationRecord,
  member: MemberRecord | undefined,
): { allowed_auth_methods: string[] } | null {
  if (member?.is_breakglass === true) return null
  if (organization.auth_methods !== 'RESTRICTED') return null
  if (organization.allowed_auth_methods.includes('email_otp')) return null
  return { allowed_auth_methods: [...organization.allowed_auth_methods] }
}

/**
 * `discovered_organizations`: every organization the address is a member of or may join, in
 * creation order. `signedInTo` is the organization of a session the caller holds (its
 * requirements are met already); with a session Stytch lists only `active_member`,
 * `pending_member` and `invited_member`, the ones `sessions/exchange` can enter.
 */
export function discoveredOrganizations(state: EmulatorState, email: string, signedInTo?: string) {
  return state.directory.allOrganizations().flatMap((organization) => {
    const membership = membershipOf(state, organization, email)
    if (!membership) return []
    if (signedInTo !== undefined && !('member' in membership)) return []
    const member = 'member' in membership ? membership.member : undefined
    const inside = organization.organization_id === signedInTo
    const primary = inside ? null : primaryRequired(organization, member)
    const mfa =
      inside || primary !== null
        ? false
        : member
          ? needsMfa(organization, member)
          : organization.mfa_policy === 'REQUIRED_FOR_ALL'
    return [
      {
        member_authenticated: primary === null && !mfa,
        organization: organizationJson(organization),
        membership: member
          ? { type: membership.type, details: null, member: memberJsonIn(organization, member) }
          : { type: membership.type, details: { domain: domainOf(email) }, member: null },
        primary_required: primary,
        // No secondary authentication is initiated during discovery (Stytch's `mfa.d.ts`).
        mfa_required: mfa
          ? member
            ? mfaRequiredJson(organization, member, false)
            : { member_options: null, secondary_auth_initiated: null }
          : null,
      },
    ]
  })
}

/**
 * The member the address is, or becomes, in the organization: a pending or invited member turns
 * active (the email is proven); an eligible address is provisioned when `joinByDomain` (IST
 * exchange; `sessions/exchange` "cannot create a new member via domain matching").
 * @throws 400 (IST exchange) or 404 `member_not_found` (session exchange) when the address may
 * not enter the organization.
 */
export function admitMember(
  state: EmulatorState,
  organization: OrganizationRecord,
  email: string,
  joinByDomain: boolean,
): MemberRecord {
  const membership = membershipOf(state, organization, email)
  if (membership && 'member' in membership) {
    membership.member.status = 'active'
    membership.member.updated_at = state.now()
    return membership.member
  }
  // inferred: every refusal below (status and type; the types exist in Stytch's error list).
  if (!joinByDomain) throw memberNotFound()
  if (membership) return state.directory.createMember(organization, { email_address: email })
  throw badRequest(
    organization.email_jit_provisioning === 'RESTRICTED'
      ? 'invalid_email_for_jit_provisioning'
      : 'email_jit_provisioning_not_allowed',
    '((This email address is not a member of the organization and may not join it.))',
  )
}
