/**
 * @module zod schemas of Stytch's discovery answers (the organizations an address may enter) and
 * of the exchanges into one organization.
 */
import { z } from 'zod'
import type {
  DiscoveredOrganization,
  DiscoveredOrganizations,
  DiscoveryResult,
  Membership,
  PrimaryAuthResult,
} from '../core/ports/stytch.js'
import {
  DEFAULT_IST_LIFETIME_MS,
  id,
  intermediateSessionTokenSchema,
  mfaMemberSchema,
  mfaOptionsOf,
  mfaOrganizationSchema,
  optionalDate,
  optionalText,
  parsePrimaryAuth,
  parseResponse,
  requestId,
} from './schemas.js'

/** Stytch's `membership.type`s, by the port's names; any other type is left out. */
const MEMBERSHIP_OF: Readonly<Record<string, Membership>> = {
  active_member: 'active',
  pending_member: 'pending',
  invited_member: 'invited',
  eligible_to_join_by_email_domain: 'eligible',
  eligible_to_join_by_oauth_tenant: 'eligible',
}

/**
 * One `discovered_organizations[]` entry, or `undefined` for one an email code cannot enter:
 * another primary method first (`primary_required`), or a membership of an unknown kind.
 */
const discoveredOrganizationSchema = z
  .object({
    member_authenticated: z.boolean(),
    organization: mfaOrganizationSchema.extend({
      organization_id: id,
      organization_slug: z.string().min(1).max(200),
      organization_name: z.string().max(500),
    }),
    membership: z.object({ type: z.string(), member: mfaMemberSchema.nullish() }),
    primary_required: z.object({ allowed_auth_methods: z.array(z.string()) }).nullish(),
    mfa_required: z
      .object({
        member_options: z
          .object({ mfa_phone_number: optionalText, totp_registration_id: optionalText })
          .nullish(),
      })
      .nullish(),
  })
  .transform((entry): DiscoveredOrganization | undefined => {
    const membership = MEMBERSHIP_OF[entry.membership.type]
    if (membership === undefined || entry.primary_required) return undefined
    const { organization } = entry
    const options = mfaOptionsOf(
      entry.membership.member,
      organization,
      entry.mfa_required?.member_options,
    )
    return {
      organizationId: organization.organization_id,
      organizationSlug: organization.organization_slug,
      organizationName: organization.organization_name,
      membership,
      // Not signed in at once and no other primary method asked: the second factor is next.
      mfaRequired: !entry.member_authenticated,
      mfaMethods: options.allowedMethods,
    }
  })

const organizationsSchema = z
  .array(discoveredOrganizationSchema)
  .max(1000)
  .transform((entries) =>
    entries.filter((entry): entry is DiscoveredOrganization => entry !== undefined),
  )

/** `otps/email/discovery/send`: nothing but `request_id`, as there is no member yet. */
export const discoverySendSchema = z
  .object({ request_id: requestId })
  .transform((body) => ({ requestId: body.request_id }))

/** `otps/email/discovery/authenticate`. */
const discoverySchema = z.object({
  request_id: requestId,
  intermediate_session_token: intermediateSessionTokenSchema,
  intermediate_session_token_expires_at: optionalDate,
  discovered_organizations: organizationsSchema,
})

/** `discovery/organizations`. */
export const discoveredOrganizationsSchema = z
  .object({ request_id: requestId, discovered_organizations: organizationsSchema })
  .transform((body): DiscoveredOrganizations => ({
    requestId: body.request_id,
    organizations: body.discovered_organizations,
  }))

/**
 * Reads an `otps/email/discovery/authenticate` body. An intermediate session without an expiry
 * from Stytch gets `now` + 10 minutes.
 */
export function parseDiscovery(body: unknown, now: Date): DiscoveryResult {
  const parsed = parseResponse(discoverySchema, body, 'otps.email.discovery.authenticate')
  return {
    requestId: parsed.request_id,
    intermediateSessionToken: parsed.intermediate_session_token,
    intermediateSessionExpiresAt:
      parsed.intermediate_session_token_expires_at ??
      new Date(now.getTime() + DEFAULT_IST_LIFETIME_MS),
    organizations: parsed.discovered_organizations,
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

/**
 * Reads an exchange's body (`what`), which names the organization only inside `organization`,
 * as an email authentication's (where it is at the top level too).
 */
export function parseExchange(body: unknown, now: Date, what: string): PrimaryAuthResult {
  const organization = isObject(body) ? body.organization : undefined
  const named =
    isObject(body) && body.organization_id === undefined && isObject(organization)
      ? { ...body, organization_id: organization.organization_id }
      : body
  return parsePrimaryAuth(named, now, what)
}
