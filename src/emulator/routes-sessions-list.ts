/** @module `sessions.get`: a member's live sessions, for "signed in elsewhere" and admin pages. */
import { badRequest } from './errors.js'
import type { EmulatorContext, Route } from './router.js'
import { memberSessionJson } from './serialize.js'

/** `GET /v1/b2b/sessions?organization_id=…&member_id=…`. */
export function sessionListRoutes({ state }: EmulatorContext): Route[] {
  const { directory, sessions } = state
  return [
    {
      method: 'GET',
      path: '/v1/b2b/sessions',
      access: 'api',
      handle: ({ query }) => {
        const organizationId = query.get('organization_id') ?? ''
        const memberId = query.get('member_id') ?? ''
        if (organizationId === '' || memberId === '') {
          // inferred: 400 bad_request for a missing query parameter.
          throw badRequest('bad_request', '((Pass organization_id and member_id.))')
        }
        const organization = directory.organization(organizationId)
        const member = directory.member(organization, memberId)
        return {
          member_sessions: sessions
            .ofMember(member.member_id, state.now())
            .map((session) => memberSessionJson(session, organization, member)),
        }
      },
    },
  ]
}
