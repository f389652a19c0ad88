/** @module Member sessions: authenticate, revoke, and the unauthenticated JWKS. */
import { sessionFields, sessionFrom, sessionFromJwt } from './credentials.js'
import { mergeCustomClaims } from './custom-claims.js'
import { EmulatorApiError, badRequest } from './errors.js'
import { jwk } from './jwt.js'
import type { SessionRecord } from './records.js'
import type { EmulatorContext, Route } from './router.js'
import {
  parseBody,
  sessionMinutes,
  sessionsAuthenticateBody,
  sessionsRevokeBody,
} from './schemas.js'
import { memberJsonIn, organizationJson } from './serialize.js'

/** Session routes; the JWKS route is the only `/v1/` route without auth. */
export function sessionRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory, sessions } = state
  return [
    {
      method: 'POST',
      path: '/v1/b2b/sessions/authenticate',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(sessionsAuthenticateBody, body)
        const minutes =
          input.session_duration_minutes === undefined
            ? undefined
            : sessionMinutes(input.session_duration_minutes, 60)
        const session = await sessionFrom(ctx, input)
        const organization = directory.organization(session.organization_id)
        const member = directory.member(organization, session.member_id)
        // inferred: a refused check or bad claims leave the session untouched.
        const check = input.authorization_check
        const verdict = check && state.rbac.authorize(organization, member, check)
        const claims = mergeCustomClaims(session.custom_claims, input.session_custom_claims)
        const now = state.now()
        // Without session_duration_minutes the session keeps its expiry (Stytch semantics).
        if (minutes !== undefined) session.expires_at = now + minutes * 60_000
        session.last_accessed_at = now
        session.custom_claims = claims
        const fields = await sessionFields(ctx, session, organization, member)
        return {
          member_session: fields.member_session,
          session_token: fields.session_token,
          session_jwt: fields.session_jwt,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
          ...(verdict && { verdict }),
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/sessions/revoke',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(sessionsRevokeBody, body)
        const { member_session_id, session_token, session_jwt, member_id } = input
        const passed = [member_session_id, session_token, session_jwt, member_id].filter(
          (value) => value !== undefined && value !== '',
        )
        // inferred: 400 and both types.
        if (passed.length === 0) {
          throw badRequest(
            'no_session_revoke_arguments',
            '((Pass one of member_session_id, session_token, session_jwt, member_id.))',
          )
        }
        if (passed.length > 1) {
          throw badRequest('too_many_session_revoke_arguments', '((Pass only one argument.))')
        }
        const now = state.now()
        if (member_id) {
          sessions.revokeMember(member_id)
          return {}
        }
        // inferred: revoking an unknown, revoked or expired session is 404 session_not_found.
        let session: SessionRecord
        if (member_session_id) session = sessions.byId(member_session_id, now)
        else if (session_token) session = sessions.byToken(session_token, now)
        else session = await sessionFromJwt(ctx, session_jwt ?? '')
        sessions.revoke(session)
        return {}
      },
    },
    {
      method: 'GET',
      path: '/v1/b2b/sessions/jwks/:project_id',
      access: 'public',
      handle: ({ params }) => {
        if (params.project_id !== ctx.projectId) {
          // inferred: 404 project_not_found.
          throw new EmulatorApiError(404, 'project_not_found', '((Unknown project id.))')
        }
        return { keys: [jwk(ctx.signingKey)] }
      },
    },
  ]
}
