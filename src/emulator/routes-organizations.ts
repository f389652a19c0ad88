/** @module Organizations and members: create, get, update. */
import { badRequest, memberNotFound } from './errors.js'
import type { EmulatorContext, Route } from './router.js'
import { createMemberBody, createOrganizationBody, parseBody, updateMemberBody } from './schemas.js'
import { memberJsonIn, organizationJson } from './serialize.js'

/** Organization and member routes; `{organization_id}` takes an id or a slug. */
export function organizationRoutes({ state }: EmulatorContext): Route[] {
  const { directory } = state
  return [
    {
      method: 'POST',
      path: '/v1/b2b/organizations',
      access: 'api',
      handle: ({ body }) => {
        const organization = directory.createOrganization(parseBody(createOrganizationBody, body))
        return { organization: organizationJson(organization) }
      },
    },
    {
      method: 'GET',
      path: '/v1/b2b/organizations/:organization_id',
      access: 'api',
      handle: ({ params }) => ({
        organization: organizationJson(directory.organization(params.organization_id ?? '')),
      }),
    },
    {
      method: 'POST',
      path: '/v1/b2b/organizations/:organization_id/members',
      access: 'api',
      handle: ({ params, body }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const input = parseBody(createMemberBody, body)
        const member = directory.createMember(organization, {
          email_address: input.email_address,
          name: input.name,
          status: input.create_member_as_pending === true ? 'pending' : 'active',
          is_breakglass: input.is_breakglass,
          mfa_phone_number: input.mfa_phone_number,
          mfa_enrolled: input.mfa_enrolled,
          roles: input.roles,
          trusted_metadata: input.trusted_metadata,
          untrusted_metadata: input.untrusted_metadata,
          external_id: input.external_id,
        })
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
    {
      method: 'GET',
      path: '/v1/b2b/organizations/:organization_id/member',
      access: 'api',
      handle: ({ params, query }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const memberId = query.get('member_id')
        const email = query.get('email_address')
        let member
        if (memberId !== null && memberId !== '') {
          member = directory.member(organization, memberId)
        } else if (email !== null && email !== '') {
          member = directory.memberByEmail(organization, email)
          if (!member) throw memberNotFound()
        } else {
          // inferred: 400 invalid_member_get_fields.
          throw badRequest(
            'invalid_member_get_fields',
            '((Pass member_id or email_address to get a member.))',
          )
        }
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
    {
      method: 'PUT',
      path: '/v1/b2b/organizations/:organization_id/members/:member_id',
      access: 'api',
      handle: ({ params, body }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const member = directory.member(organization, params.member_id ?? '')
        directory.updateMember(member, parseBody(updateMemberBody, body))
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
  ]
}
