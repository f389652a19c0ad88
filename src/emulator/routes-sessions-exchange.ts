/**
 * @module `sessions/exchange`: a member session of one organization becomes one of another
 * organization the same email address belongs to, or an intermediate session there when that
 * organization asks for MFA (or another primary method) the session cannot carry over.
 */
import { z } from 'zod'
import { STYTCH_SMS_LOCALES } from '../core/ports/stytch.js'
import { sessionFrom } from './credentials.js'
import { customClaimsField } from './custom-claims.js'
import { enterOrganization } from './enter-organization.js'
import { admitMember } from './discovery.js'
import type { EmulatorContext, Route } from './router.js'
import { checkLocale, parseBody, sessionMinutes } from './schemas.js'

const exchangeBody = z.object({
  organization_id: z.string().min(1),
  session_token: z.string().optional(),
  session_jwt: z.string().optional(),
  session_duration_minutes: z.number().int().optional(),
  session_custom_claims: customClaimsField,
  locale: z.string().optional(),
})

export function sessionExchangeRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory } = state
  return [
    {
      method: 'POST',
      path: '/v1/b2b/sessions/exchange',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(exchangeBody, body)
        checkLocale(input.locale, STYTCH_SMS_LOCALES)
        const minutes = sessionMinutes(input.session_duration_minutes, 60)
        const session = await sessionFrom(ctx, input)
        const from = directory.organization(session.organization_id)
        const email = directory.member(from, session.member_id).email_address
        const emailFactor = session.factors.find((factor) => factor.kind === 'email_otp')
        const organization = directory.organization(input.organization_id)
        const member = admitMember(state, organization, email, false)
        // inferred: the email factor carries over (same address, proven at the same time);
        // second factors belong to the old member and do not, so MFA is asked again.
        return enterOrganization(ctx, {
          organization,
          member,
          provenAt: emailFactor?.last_authenticated_at ?? session.started_at,
          ist: undefined,
          minutes,
          claims: input.session_custom_claims,
        })
      },
    },
  ]
}
