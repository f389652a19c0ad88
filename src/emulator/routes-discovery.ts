/**
 * @module Discovery: an email code for no organization yet, the organizations that address may
 * enter, and exchanging the intermediate session into one of them.
 */
import { z } from 'zod'
import { STYTCH_EMAIL_LOCALES, STYTCH_SMS_LOCALES } from '../core/ports/stytch.js'
import { sessionFrom } from './credentials.js'
import { customClaimsField } from './custom-claims.js'
import { enterOrganization } from './enter-organization.js'
import { admitMember, discoveredOrganizations, discoveryFactor, provenEmail } from './discovery.js'
import { badRequest, intermediateSessionNotFound } from './errors.js'
import { rfc3339 } from './ids.js'
import type { EmulatorContext, Route } from './router.js'
import { checkEmail, checkLocale, otpMinutes, parseBody, sessionMinutes } from './schemas.js'

const optionalToken = z.string().optional()

const sendBody = z.object({
  email_address: z.string(),
  login_template_id: z.string().optional(),
  locale: z.string().optional(),
  discovery_expiration_minutes: z.number().int().optional(),
})

const authenticateBody = z.object({ email_address: z.string(), code: z.string() })

const listBody = z.object({
  intermediate_session_token: optionalToken,
  session_token: optionalToken,
  session_jwt: optionalToken,
})

const exchangeBody = z.object({
  intermediate_session_token: z.string(),
  organization_id: z.string().min(1),
  session_duration_minutes: z.number().int().optional(),
  session_custom_claims: customClaimsField,
  locale: z.string().optional(),
})

/** Discovery routes; the intermediate session they hand out names no organization yet. */
export function discoveryRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory, sessions } = state

  /** A live IST that proves an email address. */
  function intermediate(token: string) {
    const ist = sessions.intermediate(token, state.now())
    const email = provenEmail(ist)
    // inferred: an IST without an email factor cannot be used for discovery.
    if (email === undefined) throw intermediateSessionNotFound()
    return { ist, email }
  }

  return [
    {
      method: 'POST',
      path: '/v1/b2b/otps/email/discovery/send',
      access: 'api',
      handle: ({ body }) => {
        const input = parseBody(sendBody, body)
        checkLocale(input.locale, STYTCH_EMAIL_LOCALES)
        // inferred: the same 2-15 minute bounds (default 10) as organization login codes.
        const minutes = otpMinutes(input.discovery_expiration_minutes)
        checkEmail(input.email_address)
        state.sendDiscoveryEmailCode(input.email_address, minutes)
        return {}
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/otps/email/discovery/authenticate',
      access: 'api',
      handle: ({ body }) => {
        const input = parseBody(authenticateBody, body)
        const email = input.email_address.toLowerCase()
        // Discovery codes are for no organization: a code sent for one does not count here.
        state.emailOtps.consume(email, input.code, '', state.now())
        const now = state.now()
        const ist = sessions.createIntermediate('', '', discoveryFactor(email, now), now)
        return {
          intermediate_session_token: ist.token,
          email_address: email,
          discovered_organizations: discoveredOrganizations(state, email),
          intermediate_session_token_expires_at: rfc3339(ist.expires_at),
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/discovery/organizations',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(listBody, body)
        const given = [input.intermediate_session_token, input.session_token, input.session_jwt]
        const count = given.filter((value) => value !== undefined && value !== '').length
        // inferred: 400 and both types, as for sessions/authenticate.
        if (count > 1) {
          throw badRequest('too_many_session_arguments', '((Pass one IST or session.))')
        }
        if (input.intermediate_session_token) {
          const { ist, email } = intermediate(input.intermediate_session_token)
          return {
            email_address: email,
            discovered_organizations: discoveredOrganizations(state, email),
            organization_id_hint: ist.organization_id === '' ? null : ist.organization_id,
          }
        }
        const session = await sessionFrom(ctx, input)
        const organization = directory.organization(session.organization_id)
        const member = directory.member(organization, session.member_id)
        return {
          email_address: member.email_address,
          discovered_organizations: discoveredOrganizations(
            state,
            member.email_address,
            organization.organization_id,
          ),
          organization_id_hint: null,
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/discovery/intermediate_sessions/exchange',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(exchangeBody, body)
        checkLocale(input.locale, STYTCH_SMS_LOCALES)
        const minutes = sessionMinutes(input.session_duration_minutes, 60)
        const { ist, email } = intermediate(input.intermediate_session_token)
        const organization = directory.organization(input.organization_id)
        const member = admitMember(state, organization, email, true)
        return enterOrganization(ctx, {
          organization,
          member,
          provenAt: ist.primary_factor.last_authenticated_at,
          ist,
          minutes,
          claims: input.session_custom_claims,
        })
      },
    },
  ]
}
