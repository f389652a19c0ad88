/** @module Organizations and their members. */
import { badRequest, memberNotFound, organizationNotFound } from './errors.js'
import { newId } from './ids.js'
import { mergeMetadata, newMemberProfile, newOrganizationProfile } from './profile.js'
import type { MemberRecord, OrganizationRecord } from './records.js'
import { checkEmail, checkPhoneNumber, checkSlug } from './schemas.js'
import type { SeedMember, SeedOrganization } from './types.js'

/** An organization to create; the slug may be left out over HTTP. */
export type OrganizationInput = Omit<SeedOrganization, 'members' | 'organization_slug'> & {
  organization_slug?: string | undefined
}

/** Fields `PUT …/members/{member_id}` may change. */
export interface MemberPatch {
  name?: string | undefined
  is_breakglass?: boolean | undefined
  mfa_phone_number?: string | undefined
  mfa_enrolled?: boolean | undefined
  roles?: string[] | undefined
  default_mfa_method?: string | undefined
  /** Merged at the top level; a `null` value deletes the key. */
  trusted_metadata?: Record<string, unknown> | undefined
  untrusted_metadata?: Record<string, unknown> | undefined
  external_id?: string | undefined
}

function slugFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug.length >= 2 ? slug : `org-${slug}`
}

/** Organizations and members; every method enforces the API's rules (duplicates, formats). */
export class Directory {
  private readonly organizations = new Map<string, OrganizationRecord>()
  private readonly members = new Map<string, MemberRecord>()

  constructor(private readonly now: () => number) {}

  clear(): void {
    this.organizations.clear()
    this.members.clear()
  }

  createOrganization(input: OrganizationInput): OrganizationRecord {
    // inferred: a missing slug is derived from the name.
    const slug = input.organization_slug ?? slugFrom(input.organization_name)
    checkSlug(slug)
    const taken = [...this.organizations.values()].some(
      (organization) => organization.organization_slug.toLowerCase() === slug.toLowerCase(),
    )
    // inferred: 400 organization_slug_already_used.
    if (taken) throw badRequest('organization_slug_already_used', '((organization_slug is taken))')
    const id = input.organization_id ?? newId('organization')
    if (this.organizations.has(id)) {
      throw badRequest('bad_request', '((organization_id is taken))')
    }
    const profile = newOrganizationProfile(input)
    const externalId = profile.organization_external_id
    if (externalId !== '' && this.byExternalId(externalId)) {
      // inferred: 400 organization_external_id_already_used.
      throw badRequest('organization_external_id_already_used', '((External id is taken.))')
    }
    const now = this.now()
    const organization: OrganizationRecord = {
      organization_id: id,
      organization_name: input.organization_name,
      organization_slug: slug,
      mfa_policy: input.mfa_policy ?? 'OPTIONAL',
      mfa_methods: input.mfa_methods ?? 'ALL_ALLOWED',
      allowed_mfa_methods: [...(input.allowed_mfa_methods ?? [])],
      email_jit_provisioning: input.email_jit_provisioning ?? 'NOT_ALLOWED',
      email_allowed_domains: (input.email_allowed_domains ?? []).map((d) => d.toLowerCase()),
      ...profile,
      custom_roles: structuredClone(input.custom_roles ?? []),
      created_at: now,
      updated_at: now,
    }
    this.organizations.set(id, organization)
    return organization
  }

  /** By id, slug or external id (Stytch accepts all three), else 404 `organization_not_found`. */
  organization(idOrSlug: string): OrganizationRecord {
    const byId = this.organizations.get(idOrSlug)
    if (byId) return byId
    const wanted = idOrSlug.toLowerCase()
    for (const organization of this.organizations.values()) {
      if (organization.organization_slug.toLowerCase() === wanted) return organization
    }
    const byExternalId = this.byExternalId(idOrSlug)
    if (byExternalId) return byExternalId
    throw organizationNotFound()
  }

  /** Every organization, in creation order. */
  allOrganizations(): OrganizationRecord[] {
    return [...this.organizations.values()]
  }

  private byExternalId(externalId: string): OrganizationRecord | undefined {
    if (externalId === '') return undefined
    return this.allOrganizations().find((o) => o.organization_external_id === externalId)
  }

  /** A member of that organization by id or external id, else 404 `member_not_found`. */
  member(organization: OrganizationRecord, memberId: string): MemberRecord {
    const member = this.members.get(memberId) ?? this.memberByExternalId(organization, memberId)
    if (member?.organization_id !== organization.organization_id) throw memberNotFound()
    return this.unlockIfDue(member)
  }

  /** Every member of every organization, in creation order. */
  allMembers(): MemberRecord[] {
    return [...this.members.values()].map((member) => this.unlockIfDue(member))
  }

  /** A member whose lock has run out is unlocked the moment anyone looks at it. */
  private unlockIfDue(member: MemberRecord): MemberRecord {
    if (member.lock && this.now() >= member.lock.expires_at) member.lock = undefined
    return member
  }

  private memberByExternalId(organization: OrganizationRecord, externalId: string) {
    if (externalId === '') return undefined
    return this.allMembers().find(
      (member) =>
        member.organization_id === organization.organization_id &&
        member.external_id === externalId,
    )
  }

  memberByEmail(organization: OrganizationRecord, email: string): MemberRecord | undefined {
    const wanted = email.toLowerCase()
    for (const member of this.members.values()) {
      if (
        member.organization_id === organization.organization_id &&
        member.email_address === wanted
      ) {
        return this.unlockIfDue(member)
      }
    }
    return undefined
  }

  createMember(organization: OrganizationRecord, input: SeedMember): MemberRecord {
    checkEmail(input.email_address)
    if (this.memberByEmail(organization, input.email_address)) {
      // inferred: 400 duplicate_member_email.
      throw badRequest('duplicate_member_email', '((A member with this email already exists.))')
    }
    const phone = input.mfa_phone_number ?? ''
    if (phone !== '') this.checkPhoneFree(organization, phone, undefined)
    const id = input.member_id ?? newId('member')
    if (this.members.has(id)) throw badRequest('bad_request', '((member_id is taken))')
    const profile = newMemberProfile(input)
    this.checkExternalIdFree(organization, profile.external_id, undefined)
    const now = this.now()
    const member: MemberRecord = {
      organization_id: organization.organization_id,
      member_id: id,
      email_address: input.email_address.toLowerCase(),
      email_id: newId('member-email'),
      status: input.status ?? 'active',
      name: input.name ?? '',
      is_breakglass: input.is_breakglass ?? false,
      mfa_enrolled: input.mfa_enrolled ?? false,
      mfa_phone_number: phone,
      phone_id: phone === '' ? '' : newId('mfa-phone-number'),
      mfa_phone_number_verified: phone !== '' && (input.mfa_phone_number_verified ?? false),
      roles: [...(input.roles ?? [])],
      default_mfa_method: phone === '' ? '' : 'sms_otp',
      totp_registration_id: '',
      ...profile,
      created_at: now,
      updated_at: now,
    }
    this.members.set(id, member)
    return member
  }

  updateMember(member: MemberRecord, patch: MemberPatch): MemberRecord {
    const phone = patch.mfa_phone_number
    if (phone !== undefined && phone !== member.mfa_phone_number) {
      // An empty string removes the phone (Stytch has a separate delete route for that).
      if (phone !== '')
        this.checkPhoneFree(this.organization(member.organization_id), phone, member)
      this.setPhone(member, phone)
    }
    if (patch.name !== undefined) member.name = patch.name
    if (patch.is_breakglass !== undefined) member.is_breakglass = patch.is_breakglass
    if (patch.mfa_enrolled !== undefined) member.mfa_enrolled = patch.mfa_enrolled
    if (patch.roles !== undefined) member.roles = [...patch.roles]
    if (patch.default_mfa_method !== undefined) member.default_mfa_method = patch.default_mfa_method
    if (patch.trusted_metadata) {
      member.trusted_metadata = mergeMetadata(member.trusted_metadata, patch.trusted_metadata)
    }
    if (patch.untrusted_metadata) {
      member.untrusted_metadata = mergeMetadata(member.untrusted_metadata, patch.untrusted_metadata)
    }
    if (patch.external_id !== undefined) {
      this.checkExternalIdFree(this.organization(member.organization_id), patch.external_id, member)
      member.external_id = patch.external_id
    }
    member.updated_at = this.now()
    return member
  }

  /** Links a new (unverified) phone to the member, after the checks of {@link checkPhoneFree}. */
  enrolPhone(member: MemberRecord, phone: string): void {
    this.checkPhoneFree(this.organization(member.organization_id), phone, member)
    this.setPhone(member, phone)
    member.updated_at = this.now()
  }

  private setPhone(member: MemberRecord, phone: string): void {
    member.mfa_phone_number = phone
    member.phone_id = phone === '' ? '' : newId('mfa-phone-number')
    member.mfa_phone_number_verified = false
    // inferred: a removed phone hands the default to the authenticator app, if there is one.
    if (phone !== '' && member.default_mfa_method !== 'totp') member.default_mfa_method = 'sms_otp'
    else if (phone === '') member.default_mfa_method = member.totp_registration_id ? 'totp' : ''
  }

  private checkExternalIdFree(
    organization: OrganizationRecord,
    externalId: string,
    self: MemberRecord | undefined,
  ): void {
    const holder = this.memberByExternalId(organization, externalId)
    if (holder && holder !== self) {
      // inferred: 400 duplicate_member_external_id.
      throw badRequest('duplicate_member_external_id', '((A member has this external_id.))')
    }
  }

  private checkPhoneFree(
    organization: OrganizationRecord,
    phone: string,
    self: MemberRecord | undefined,
  ): void {
    checkPhoneNumber(phone)
    for (const other of this.members.values()) {
      if (
        other !== self &&
        other.organization_id === organization.organization_id &&
        other.mfa_phone_number === phone
      ) {
        // inferred: 400 duplicate_member_phone_number.
        throw badRequest(
          'duplicate_member_phone_number',
          'A member with the specified phone number already exists for this organization.',
        )
      }
    }
  }
}
