/**
 * @module `organizations.update`: name, slug, MFA policy and methods, email provisioning.
 * Sessions that exist keep working whatever the new policy says, as at Stytch.
 */
import { badRequest } from './errors.js'
import type { OrganizationRecord } from './records.js'
import type { EmulatorContext, Route } from './router.js'
import { checkSlug, parseBody } from './schemas.js'
import { updateOrganizationBody } from './schemas-mfa.js'
import { organizationJson } from './serialize.js'
import type { Directory } from './state-directory.js'

/** A slug no other organization uses (any case). */
function checkSlugFree(directory: Directory, self: OrganizationRecord, slug: string): void {
  checkSlug(slug)
  let other: OrganizationRecord | undefined
  try {
    other = directory.organization(slug)
  } catch {
    return
  }
  if (other !== self && other.organization_slug.toLowerCase() === slug.toLowerCase()) {
    // inferred: 400 organization_slug_already_used, as on create.
    throw badRequest('organization_slug_already_used', '((organization_slug is taken))')
  }
}

/** `PUT /v1/b2b/organizations/{organization_id}`; fields left out keep their value. */
export function organizationUpdateRoutes({ state }: EmulatorContext): Route[] {
  const { directory } = state
  return [
    {
      method: 'PUT',
      path: '/v1/b2b/organizations/:organization_id',
      access: 'api',
      handle: ({ params, body }) => {
        const organization = directory.organization(params.organization_id ?? '')
        const input = parseBody(updateOrganizationBody, body)
        if (input.organization_slug !== undefined) {
          checkSlugFree(directory, organization, input.organization_slug)
        }
        const methods = input.mfa_methods ?? organization.mfa_methods
        const allowed = input.allowed_mfa_methods ?? organization.allowed_mfa_methods
        if (methods === 'RESTRICTED' && allowed.length === 0) {
          // inferred: the status (the type exists; Stytch documents the rule).
          throw badRequest(
            'allowed_mfa_methods_required_for_restricted',
            '((mfa_methods RESTRICTED needs at least one allowed_mfa_methods entry.))',
          )
        }
        if (input.organization_name !== undefined) {
          organization.organization_name = input.organization_name
        }
        if (input.organization_slug !== undefined) {
          organization.organization_slug = input.organization_slug
        }
        if (input.mfa_policy !== undefined) organization.mfa_policy = input.mfa_policy
        organization.mfa_methods = methods
        organization.allowed_mfa_methods = [...allowed]
        if (input.email_jit_provisioning !== undefined) {
          organization.email_jit_provisioning = input.email_jit_provisioning
        }
        if (input.email_allowed_domains !== undefined) {
          organization.email_allowed_domains = input.email_allowed_domains.map((domain) =>
            domain.toLowerCase(),
          )
        }
        organization.updated_at = state.now()
        return { organization: organizationJson(organization) }
      },
    },
  ]
}
