/**
 * @module The discovery calls (an email code for no organization, the organizations an address
 * or a session may enter) and the two exchanges into one of them. An exchange's answer must be
 * about the organization asked for, or it is refused.
 */
import type { B2BClient } from 'stytch'
import { MfaError } from '../core/errors.js'
import type { PrimaryAuthResult, StytchPort } from '../core/ports/stytch.js'
import { credentialField, istField, sessionField } from './credentials.js'
import {
  discoveredOrganizationsSchema,
  discoverySendSchema,
  parseDiscovery,
  parseExchange,
} from './discovery-schemas.js'
import { parseResponse } from './schemas.js'

type Call = <T>(what: string, request: () => Promise<T>) => Promise<T>

type Calls =
  | 'sendDiscoveryEmailOtp'
  | 'authenticateDiscoveryEmailOtp'
  | 'listDiscoveredOrganizations'
  | 'exchangeIntermediateSession'
  | 'exchangeSession'

/** The organization Stytch says it answered for, when the answer names one. */
function organizationOf(result: PrimaryAuthResult): string | undefined {
  switch (result.kind) {
    case 'authenticated':
      return result.memberSession.organizationId
    case 'mfa_required':
      return result.organizationId
    case 'primary_required':
      return undefined
  }
}

/** A session or an MFA step in another organization than the one chosen must never be used. */
function inOrganization(
  organizationId: string,
  result: PrimaryAuthResult,
  what: string,
): PrimaryAuthResult {
  const answered = organizationOf(result)
  if (answered !== undefined && answered !== organizationId) {
    throw new MfaError(
      'stytch_bad_response',
      `Stytch's ${what} answered for another organization`,
      {
        requestId: result.requestId,
      },
    )
  }
  return result
}

/** The port's discovery methods over `client`, each call made through `call`. */
export function discoveryCalls(
  client: B2BClient,
  call: Call,
  now: () => Date,
): Pick<StytchPort, Calls> {
  return {
    async sendDiscoveryEmailOtp(input) {
      const body = await call('otps.email.discovery.send', () =>
        client.otps.email.discovery.send({
          email_address: input.emailAddress,
          ...(input.locale === undefined ? {} : { locale: input.locale }),
        }),
      )
      return parseResponse(discoverySendSchema, body, 'otps.email.discovery.send')
    },

    async authenticateDiscoveryEmailOtp(input) {
      const body = await call('otps.email.discovery.authenticate', () =>
        client.otps.email.discovery.authenticate({
          email_address: input.emailAddress,
          code: input.code,
        }),
      )
      return parseDiscovery(body, now())
    },

    async listDiscoveredOrganizations(input) {
      const credential = credentialField(input.credential)
      const body = await call('discovery.organizations.list', () =>
        client.discovery.organizations.list(credential),
      )
      return parseResponse(discoveredOrganizationsSchema, body, 'discovery.organizations.list')
    },

    async exchangeIntermediateSession(input) {
      const what = 'discovery.intermediate_sessions.exchange'
      const ist = istField(input.intermediateSessionToken)
      const body = await call(what, () =>
        client.discovery.intermediateSessions.exchange({
          ...ist,
          organization_id: input.organizationId,
          session_duration_minutes: input.sessionDurationMinutes,
          ...(input.locale === undefined ? {} : { locale: input.locale }),
        }),
      )
      return inOrganization(input.organizationId, parseExchange(body, now(), what), what)
    },

    async exchangeSession(input) {
      const what = 'sessions.exchange'
      const credential = sessionField(input.credential)
      const body = await call(what, () =>
        client.sessions.exchange({
          organization_id: input.organizationId,
          ...credential,
          session_duration_minutes: input.sessionDurationMinutes,
          ...(input.locale === undefined ? {} : { locale: input.locale }),
        }),
      )
      return inOrganization(input.organizationId, parseExchange(body, now(), what), what)
    },
  }
}
