import type { Member, MemberSession, Organization } from 'stytch'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { MemberJson, MemberSessionJson, OrganizationJson } from '../../src/emulator/index.js'
import { ACME, stytchError, useEmulatorHarness } from '../helpers/emulator.js'

const harness = useEmulatorHarness()

describe('the JSON types of the emulator', () => {
  it("are assignable to the SDK's Member, Organization and MemberSession", () => {
    expectTypeOf<MemberJson>().toExtend<Member>()
    expectTypeOf<OrganizationJson>().toExtend<Organization>()
    expectTypeOf<MemberSessionJson>().toExtend<MemberSession>()
  })
})

describe('POST /v1/b2b/organizations', () => {
  it('creates an organization with Stytch’s fields and defaults', async () => {
    const { organization, status_code: status } = await harness.client.organizations.create({
      organization_name: 'Gamma Inc',
      organization_slug: 'gamma',
      mfa_policy: 'REQUIRED_FOR_ALL',
    })
    expect(status).toBe(200)
    expect(organization).toMatchObject({
      organization_name: 'Gamma Inc',
      organization_slug: 'gamma',
      mfa_policy: 'REQUIRED_FOR_ALL',
      mfa_methods: 'ALL_ALLOWED',
      allowed_mfa_methods: [],
      email_jit_provisioning: 'NOT_ALLOWED',
      email_allowed_domains: [],
    })
    expect(organization.organization_id).toMatch(/^organization-test-[0-9a-f-]{36}$/)
  })

  it('derives a slug from the name when none is given', async () => {
    const { organization } = await harness.client.organizations.create({
      organization_name: 'Delta Corp',
    })
    expect(organization.organization_slug).toBe('delta-corp')
  })

  it('answers 400 organization_slug_already_used for a taken slug', async () => {
    const error = await stytchError(
      harness.client.organizations.create({
        organization_name: 'Again',
        organization_slug: 'acme',
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'organization_slug_already_used' })
  })

  it('answers 400 invalid_organization_slug for a slug with spaces', async () => {
    const error = await stytchError(
      harness.client.organizations.create({ organization_name: 'X', organization_slug: 'a b' }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_organization_slug' })
  })

  it('answers 400 bad_request without organization_name', async () => {
    const error = await stytchError(harness.client.organizations.create({} as never))
    expect(error).toMatchObject({ status_code: 400, error_type: 'bad_request' })
    expect(error.error_message).toMatch(/^\(\(organization_name: .*\)\)$/)
  })
})

describe('GET /v1/b2b/organizations/{organization_id}', () => {
  it('finds an organization by id or by slug', async () => {
    const bySlug = await harness.client.organizations.get({ organization_id: ACME.slug })
    const byId = await harness.client.organizations.get({
      organization_id: bySlug.organization.organization_id,
    })
    expect(byId.organization).toEqual(bySlug.organization)
  })

  it('answers 404 organization_not_found for an unknown one', async () => {
    const error = await stytchError(harness.client.organizations.get({ organization_id: 'nope' }))
    expect(error).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
  })
})

describe('POST /v1/b2b/organizations/{organization_id}/members', () => {
  it('creates an active member with the stytch_member role and its own roles', async () => {
    const response = await harness.client.organizations.members.create({
      organization_id: ACME.slug,
      email_address: 'Carol@Acme.test',
      name: 'Carol',
      mfa_phone_number: '+12025550177',
      roles: ['editor'],
    })
    expect(response.member).toMatchObject({
      member_id: response.member_id,
      email_address: 'carol@acme.test',
      status: 'active',
      name: 'Carol',
      mfa_phone_number: '+12025550177',
      mfa_phone_number_verified: false,
      mfa_enrolled: false,
      is_breakglass: false,
      roles: [
        { role_id: 'stytch_member', sources: [{ type: 'direct_assignment' }] },
        { role_id: 'editor', sources: [{ type: 'direct_assignment' }] },
      ],
    })
    expect(response.organization.organization_slug).toBe(ACME.slug)
  })

  it('creates a pending member with create_member_as_pending', async () => {
    const { member } = await harness.client.organizations.members.create({
      organization_id: ACME.slug,
      email_address: 'dave@acme.test',
      create_member_as_pending: true,
    })
    expect(member.status).toBe('pending')
  })

  it('answers 400 duplicate_member_email for an existing email', async () => {
    const error = await stytchError(
      harness.client.organizations.members.create({
        organization_id: ACME.slug,
        email_address: ACME.admin.email,
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'duplicate_member_email' })
  })

  it('answers 400 invalid_phone_number for a number that is not E.164', async () => {
    const error = await stytchError(
      harness.client.organizations.members.create({
        organization_id: ACME.slug,
        email_address: 'eve@acme.test',
        mfa_phone_number: '555-0100',
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_phone_number' })
  })
})

describe('GET /v1/b2b/organizations/{organization_id}/member', () => {
  it('finds a member by email_address or member_id', async () => {
    const byEmail = await harness.client.organizations.members.get({
      organization_id: ACME.slug,
      email_address: ACME.admin.email,
    })
    const byId = await harness.client.organizations.members.get({
      organization_id: ACME.slug,
      member_id: byEmail.member_id,
    })
    expect(byId.member).toEqual(byEmail.member)
    expect(byId.member.name).toBe('Ada Admin')
  })

  it('serves mfa_phone_number and mfa_phone_number_verified as Stytch does', async () => {
    const get = (email: string) =>
      harness.client.organizations.members.get({ organization_id: ACME.slug, email_address: email })
    const [admin, verified, newcomer] = await Promise.all([
      get(ACME.admin.email),
      get(ACME.verified.email),
      get(ACME.newcomer.email),
    ])
    expect(admin.member).toMatchObject({
      mfa_phone_number: ACME.admin.phone,
      mfa_phone_number_verified: false,
    })
    expect(verified.member).toMatchObject({
      mfa_phone_number: ACME.verified.phone,
      mfa_phone_number_verified: true,
    })
    // The SDK types `mfa_phone_number` as a required string: no phone is ''.
    expect(newcomer.member).toMatchObject({
      mfa_phone_number: '',
      mfa_phone_number_verified: false,
    })
  })

  it('answers 404 member_not_found for a member of another organization', async () => {
    const { member_id: memberId } = await harness.client.organizations.members.get({
      organization_id: ACME.slug,
      email_address: ACME.admin.email,
    })
    const error = await stytchError(
      harness.client.organizations.members.get({ organization_id: 'beta', member_id: memberId }),
    )
    expect(error).toMatchObject({ status_code: 404, error_type: 'member_not_found' })
  })

  it('answers 400 invalid_member_get_fields without member_id or email_address', async () => {
    const error = await stytchError(
      harness.client.organizations.members.get({ organization_id: ACME.slug }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'invalid_member_get_fields' })
  })
})

describe('PUT /v1/b2b/organizations/{organization_id}/members/{member_id}', () => {
  it('updates name, roles, mfa_enrolled and the phone (which becomes unverified)', async () => {
    const { member_id: memberId } = await harness.client.organizations.members.get({
      organization_id: ACME.slug,
      email_address: ACME.verified.email,
    })
    const { member } = await harness.client.organizations.members.update({
      organization_id: ACME.slug,
      member_id: memberId,
      name: 'Vera',
      roles: ['auditor'],
      mfa_enrolled: false,
      mfa_phone_number: '+12025550166',
    })
    expect(member).toMatchObject({
      name: 'Vera',
      mfa_enrolled: false,
      mfa_phone_number: '+12025550166',
      mfa_phone_number_verified: false,
    })
    expect(member.roles.map((role) => role.role_id)).toEqual(['stytch_member', 'auditor'])
  })

  it("answers 400 duplicate_member_phone_number for another member's phone", async () => {
    const { member_id: memberId } = await harness.client.organizations.members.get({
      organization_id: ACME.slug,
      email_address: ACME.newcomer.email,
    })
    const error = await stytchError(
      harness.client.organizations.members.update({
        organization_id: ACME.slug,
        member_id: memberId,
        mfa_phone_number: ACME.admin.phone,
      }),
    )
    expect(error).toMatchObject({ status_code: 400, error_type: 'duplicate_member_phone_number' })
  })
})

describe('createOrganization() and createMember() in code', () => {
  it('create what the HTTP routes then serve', async () => {
    const organization: Organization = harness.emulator.createOrganization({
      organization_name: 'Epsilon',
      organization_slug: 'epsilon',
      mfa_policy: 'REQUIRED_FOR_ALL',
    })
    const member: Member = harness.emulator.createMember('epsilon', {
      email_address: 'zoe@epsilon.test',
      mfa_phone_number: '+12025550155',
    })
    const fetched = await harness.client.organizations.members.get({
      organization_id: organization.organization_id,
      member_id: member.member_id,
    })
    expect(fetched.member).toEqual(member)
  })

  it('throw the same errors as the routes', () => {
    expect(() =>
      harness.emulator.createMember('acme', { email_address: ACME.admin.email }),
    ).toThrow(expect.objectContaining({ status: 400, errorType: 'duplicate_member_email' }))
  })
})
