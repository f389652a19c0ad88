/**
 * The reports page: behind `requireMfa({ permission })`, so only members whose roles grant
 * `read` on `reports` in the project's RBAC policy see it (the demo seed's policy grants it to
 * the role `reports_reader`, which only the admin has). The library checks the permission
 * locally against the policy it keeps: no Stytch call per request.
 */
import type { MemberSession } from 'stytch-b2b-mfa'
import { meOf } from './pages.js'
import { page, type Answer } from './render.js'

/** The permission the page needs: an action on a resource of the RBAC policy. */
export const REPORTS_PERMISSION = { resource: 'reports', action: 'read' } as const

/** `/admin/reports`, for the member `requireMfa({ permission })` admitted. */
export function reportsPage(member: MemberSession | undefined): Answer {
  const me = meOf(member)
  return page('reports', {
    title: 'Reports',
    signedIn: true,
    permission: REPORTS_PERMISSION,
    roles: me.roles,
    organization: me.organizationSlug ?? me.organizationId,
  })
}
