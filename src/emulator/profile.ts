/**
 * @module The organization and member fields the emulator stores and returns without acting on
 * them (metadata, external ids, logo, invite and auth settings, implicit roles): their request
 * schemas, defaults, checks and Stytch's top-level merge of metadata.
 */
import { z } from 'zod'
import { badRequest } from './errors.js'
import type { SeedMember, SeedOrganization } from './types.js'

/** Stytch's metadata limits (docs "Metadata restrictions"). */
const METADATA_MAX_KEYS = 20
const METADATA_MAX_BYTES = 4096

const metadata = z.record(z.string(), z.unknown())

/** The primary methods `allowed_auth_methods` may name. */
export const AUTH_METHODS = [
  'sso',
  'magic_link',
  'email_otp',
  'password',
  'google_oauth',
  'microsoft_oauth',
  'slack_oauth',
  'github_oauth',
  'hubspot_oauth',
] as const

/** Request and seed fields of an organization beyond its name, slug and MFA settings. */
export const organizationProfileShape = {
  organization_logo_url: z.string().optional(),
  organization_external_id: z.string().optional(),
  trusted_metadata: metadata.optional(),
  email_invites: z.enum(['ALL_ALLOWED', 'RESTRICTED', 'NOT_ALLOWED']).optional(),
  auth_methods: z.enum(['ALL_ALLOWED', 'RESTRICTED']).optional(),
  allowed_auth_methods: z.array(z.enum(AUTH_METHODS)).optional(),
  rbac_email_implicit_role_assignments: z
    .array(z.strictObject({ domain: z.string().min(1), role_id: z.string().min(1) }))
    .optional(),
}

/** Request and seed fields of a member beyond its identity and MFA settings. */
export const memberProfileShape = {
  trusted_metadata: metadata.optional(),
  untrusted_metadata: metadata.optional(),
  external_id: z.string().optional(),
}

type OrganizationProfileInput = Pick<
  SeedOrganization,
  | 'organization_logo_url'
  | 'organization_external_id'
  | 'trusted_metadata'
  | 'email_invites'
  | 'auth_methods'
  | 'allowed_auth_methods'
  | 'rbac_email_implicit_role_assignments'
  | 'email_jit_provisioning'
  | 'email_allowed_domains'
>

type MemberProfileInput = Pick<
  SeedMember,
  'trusted_metadata' | 'untrusted_metadata' | 'external_id'
>

/** At most 20 top-level keys and 4 KB of JSON, as Stytch allows. */
export function checkMetadata(value: Record<string, unknown>): Record<string, unknown> {
  // inferred: 400 and both types (they exist in Stytch's error list).
  if (Object.keys(value).length > METADATA_MAX_KEYS) {
    throw badRequest('metadata_too_many_keys', '((Metadata may have at most 20 top-level keys.))')
  }
  if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) {
    throw badRequest('metadata_too_large', '((Metadata may not exceed 4 KB.))')
  }
  return structuredClone(value)
}

/**
 * Stytch's metadata update: merged at the top level only; a key set to `null` is deleted.
 * The result is checked against the limits.
 */
export function mergeMetadata(
  existing: Readonly<Record<string, unknown>>,
  patch: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...existing }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(merged, key)
    else merged[key] = value
  }
  return checkMetadata(merged)
}

/** The stored form of a new organization's profile fields, with Stytch's defaults. */
export function newOrganizationProfile(input: OrganizationProfileInput) {
  const authMethods = input.auth_methods ?? 'ALL_ALLOWED'
  const allowed = [...(input.allowed_auth_methods ?? [])]
  if (authMethods === 'RESTRICTED' && allowed.length === 0) {
    // inferred: 400 (the type exists in Stytch's error list).
    throw badRequest(
      'allowed_auth_methods_required_for_restricted',
      '((auth_methods RESTRICTED needs allowed_auth_methods.))',
    )
  }
  return {
    organization_logo_url: input.organization_logo_url ?? '',
    organization_external_id: input.organization_external_id ?? '',
    trusted_metadata: checkMetadata(input.trusted_metadata ?? {}),
    // Stytch: "If no auth-setting params are passed, email_invites defaults to ALL_ALLOWED,
    // else NOT_ALLOWED". inferred: which parameters count as auth settings.
    email_invites:
      input.email_invites ?? (authSettingsGiven(input) ? 'NOT_ALLOWED' : 'ALL_ALLOWED'),
    auth_methods: authMethods,
    allowed_auth_methods: allowed,
    rbac_email_implicit_role_assignments: (input.rbac_email_implicit_role_assignments ?? []).map(
      ({ domain, role_id }) => ({ domain: domain.toLowerCase(), role_id }),
    ),
  }
}

/** Whether settings that flip the `email_invites` default were given. */
function authSettingsGiven(input: OrganizationProfileInput): boolean {
  return [
    input.auth_methods,
    input.allowed_auth_methods,
    input.email_jit_provisioning,
    input.email_allowed_domains,
  ].some((value) => value !== undefined)
}

/** The stored form of a new member's profile fields. */
export function newMemberProfile(input: MemberProfileInput) {
  return {
    trusted_metadata: checkMetadata(input.trusted_metadata ?? {}),
    untrusted_metadata: checkMetadata(input.untrusted_metadata ?? {}),
    external_id: input.external_id ?? '',
  }
}

/** An external id, when set, is shown; Stytch leaves the field out otherwise. */
export function externalIdJson<K extends string>(
  key: K,
  value: string,
): Partial<Record<K, string>> {
  return value === '' ? {} : ({ [key]: value } as Record<K, string>)
}
