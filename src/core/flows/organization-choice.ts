/**
 * @module The organizations a member may enter, as Stytch listed them (a discovery login's,
 * sealed in the login cookie; a session's, asked at switch time), as pages show them, and the
 * choice of one: an organization is chosen only from such a list, never from the body alone.
 */
import { z } from 'zod'
import { MfaError } from '../errors.js'
import { organizationField } from '../fields.js'
import type { LoginMethod } from '../mfa-methods.js'
import type { SealedOrganization } from '../pending-login.js'
import type { DiscoveredOrganization, Membership } from '../ports/stytch.js'

/** An organization the member may enter, for an organization picker or switcher. */
export interface OrganizationChoice {
  readonly organizationId: string
  readonly organizationSlug: string
  /** Its name; its slug when the list was too long for the login cookie to keep names. */
  readonly organizationName: string
  /**
   * `active`: the address is a member; `pending`: a member who has not signed in yet;
   * `invited`: invited (entering accepts the invitation); `eligible`: not a member, but may
   * join (its email domain is allowed), which entering does.
   */
  readonly membership: Membership
  /** Entering asks for a second factor first. */
  readonly mfaRequired: boolean
  /** The second factors the organization allows the member, when `mfaRequired`. */
  readonly methods: readonly LoginMethod[]
}

/** What the choice steps take: one of the two, compared exactly with Stytch's list. */
export const choiceBodySchema = z.object({
  /** The organization's id (`organization-…`). */
  organizationId: organizationField.optional(),
  /** Or its slug. */
  organizationSlug: organizationField.optional(),
})

export type ChoiceBody = z.output<typeof choiceBodySchema>

const METHOD_OF = { sms_otp: 'sms', totp: 'totp' } as const

/** A discovered organization as the login cookie keeps it. */
export function sealedOrganization(organization: DiscoveredOrganization): SealedOrganization {
  return {
    id: organization.organizationId,
    slug: organization.organizationSlug,
    name: organization.organizationName,
    membership: organization.membership,
    mfa: organization.mfaRequired,
    methods: organization.mfaRequired
      ? organization.mfaMethods.map((method) => METHOD_OF[method])
      : [],
  }
}

/** A sealed organization as pages see it. */
export function choiceOf(sealed: SealedOrganization): OrganizationChoice {
  return {
    organizationId: sealed.id,
    organizationSlug: sealed.slug,
    organizationName: sealed.name ?? sealed.slug,
    membership: sealed.membership,
    mfaRequired: sealed.mfa,
    methods: sealed.methods,
  }
}

/**
 * The organization of `choices` the body names, by id or by slug (never one compared with the
 * other: a slug is whatever an organization's admin typed, and can equal another's id).
 * @throws `invalid_request` unless exactly one of `organizationId` and `organizationSlug` is
 * given; `organization_not_available` when no organization of the list is the one named.
 */
export function chosenFrom<T extends { readonly id: string; readonly slug: string }>(
  choices: readonly T[],
  body: ChoiceBody,
): T {
  const { organizationId, organizationSlug } = body
  if ((organizationId === undefined) === (organizationSlug === undefined)) {
    throw new MfaError('invalid_request', 'Name the organization by organizationId or by slug')
  }
  const chosen = choices.find((choice) =>
    organizationId === undefined ? choice.slug === organizationSlug : choice.id === organizationId,
  )
  if (chosen === undefined) {
    throw new MfaError(
      'organization_not_available',
      'The organization chosen is not one Stytch listed for this member',
    )
  }
  return chosen
}
