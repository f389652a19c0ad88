/**
 * @module The core's Stytch port implemented over the official `stytch` SDK: the only file that
 * loads the SDK.
 */
import {
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose'
import { B2BClient } from 'stytch'
import { MfaError } from '../core/errors.js'
import { checked, credentialField, sessionField } from './credentials.js'
import { createDeadlineAgent, withDeadline } from './deadline.js'
import { discoveryCalls } from './discovery-calls.js'
import { isClientErrorLike, toMfaError } from './map-error.js'
import { memberAdminCalls } from './member-admin.js'
import type { MemberSession, StytchPort, VerifiedJwt } from '../core/ports/stytch.js'
import { createClaimsOf } from './jwt-claims.js'
import { organizationRbacPolicySchema, rbacPolicySchema } from './rbac-schemas.js'
import { STYTCH_LIVE_URL, STYTCH_TEST_URL, type StytchConfig } from './options.js'
import {
  getMemberSchema,
  memberSessionSchema,
  parsePrimaryAuth,
  parseResponse,
  recoveryCodesSchema,
  recoveryGrantSchema,
  sendEmailOtpSchema,
  sendSmsOtpSchema,
  sessionGrantSchema,
  sessionJwtSchema,
  totpRegistrationSchema,
} from './schemas.js'

/**
 * The cheap, local part of JWT verification, before any JWKS fetch: Stytch signs RS256 with a
 * `kid` and `typ: JWT`. Key-carrying headers (`jku`, `jwk`, `x5u`, `x5c`) and `crit` never
 * appear in Stytch's JWTs, so their presence alone refuses the token.
 */
function checkJwtHeader(jwt: string): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters
  try {
    header = decodeProtectedHeader(checked(sessionJwtSchema, jwt, 'session JWT'))
  } catch {
    throw new MfaError('not_signed_in', 'The session JWT is malformed')
  }
  const foreign = ['jku', 'jwk', 'x5u', 'x5c', 'crit'].some((key) => key in header)
  const kidOk = typeof header.kid === 'string' && header.kid !== ''
  if (header.alg !== 'RS256' || header.typ !== 'JWT' || !kidOk || foreign) {
    throw new MfaError('not_signed_in', 'The session JWT header is not a Stytch RS256 JWT header')
  }
  return header
}

/** Seconds since the epoch (a JWT `NumericDate`) as a `Date`, or a bad-response error. */
function numericDate(value: unknown, claim: string): Date {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000)
  throw new MfaError('stytch_bad_response', `The verified session JWT has no numeric "${claim}"`)
}

function verifiedJwt(memberSession: MemberSession, payload: JWTPayload): VerifiedJwt {
  return {
    memberSession,
    jwtExpiresAt: numericDate(payload.exp, 'exp'),
    issuedAt: numericDate(payload.iat, 'iat'),
  }
}

const SESSION_CLAIM = 'https://stytch.com/session'
const ORGANIZATION_CLAIM = 'https://stytch.com/organization'

/**
 * The member session a verified JWT carries, read from Stytch's claims as the SDK's
 * `authenticateJwtLocal` reads them, then checked like any Stytch answer.
 */
function memberSessionOfClaims(payload: JWTPayload): MemberSession {
  const session = payload[SESSION_CLAIM]
  const organization = payload[ORGANIZATION_CLAIM]
  if (
    typeof session !== 'object' ||
    session === null ||
    typeof organization !== 'object' ||
    organization === null
  ) {
    throw new MfaError('stytch_bad_response', 'The session JWT lacks Stytch claims')
  }
  const claims = session as Record<string, unknown>
  const org = organization as Record<string, unknown>
  return parseResponse(
    memberSessionSchema,
    {
      member_session_id: claims.id,
      member_id: payload.sub,
      organization_id: org.organization_id,
      organization_slug: org.slug,
      started_at: claims.started_at,
      expires_at: claims.expires_at,
      authentication_factors: claims.authentication_factors,
      roles: claims.roles,
    },
    'session JWT',
  )
}

/** A session for anyone but the member whose code this was must never be stored. */
function sessionOf<G extends { readonly memberSession: MemberSession; readonly requestId: string }>(
  input: { readonly memberId: string; readonly organizationId: string },
  grant: G,
  what: string,
): G {
  const { memberId, organizationId } = grant.memberSession
  if (memberId !== input.memberId || organizationId !== input.organizationId) {
    throw new MfaError(
      'stytch_bad_response',
      `Stytch's ${what} returned a session for another member or organization`,
      { requestId: grant.requestId },
    )
  }
  return grant
}

/** How the SDK's warning about an `env` that is neither Stytch test nor live begins. */
const CUSTOM_ENV_WARNING = "[Stytch] Warning: Using a custom 'env' value"

/**
 * The SDK client for the credentials. Stytch's own hosts go in `env`; any other https origin in
 * `custom_base_url`, which the SDK takes without a word. The SDK refuses http there, so an http
 * origin (the emulator) can only go in `env`, where the SDK warns on every construction: that one
 * message, and nothing else, is held back while the client is built (synchronously). Each client
 * gets a config object of its own: the SDK writes into it.
 */
function createClient(config: Extract<StytchConfig, { secret: string }>): B2BClient {
  const common = {
    project_id: config.projectId,
    secret: config.secret,
    dispatcher: createDeadlineAgent(config.timeoutMs),
  }
  const { baseUrl } = config
  if (baseUrl === STYTCH_TEST_URL || baseUrl === STYTCH_LIVE_URL) {
    return new B2BClient({ ...common, env: baseUrl })
  }
  if (baseUrl.startsWith('https://')) return new B2BClient({ ...common, custom_base_url: baseUrl })
  /* eslint-disable no-console -- the one place the SDK's console is touched, and put back */
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith(CUSTOM_ENV_WARNING)) return
    warn.apply(console, args)
  }
  try {
    return new B2BClient({ ...common, env: baseUrl })
  } finally {
    console.warn = warn
  }
  /* eslint-enable no-console */
}

/**
 * Builds the Stytch port over a `B2BClient`, from options checked by `stytchOptionsSchema`.
 * Every call gets the `timeoutMs` deadline, is never retried (a retried send costs an SMS and
 * kills the first code; a retried authenticate may find its IST or code consumed), and rejects
 * with an `MfaError` only (see `toMfaError` for the mapping). `now` checks JWT expiry and dates
 * an intermediate session Stytch gave no expiry.
 */
export function createStytchPort(
  config: StytchConfig,
  now: () => Date = () => new Date(),
): StytchPort {
  const client = 'client' in config ? config.client : createClient(config)
  // With credentials the project and its host are known, so JWTs are checked here; a client
  // the application built keeps them to itself, and its own check is used.
  const claimsOf =
    'client' in config
      ? undefined
      : createClaimsOf({
          projectId: config.projectId,
          baseUrl: config.baseUrl,
          clockToleranceSeconds: config.jwtClockToleranceSeconds,
          timeoutMs: config.timeoutMs,
        })

  async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(request, config.timeoutMs, what)
    } catch (error) {
      throw toMfaError(error)
    }
  }

  return {
    async sendEmailOtp(input) {
      const body = await call('otps.email.login_or_signup', () =>
        client.otps.email.loginOrSignup({
          organization_id: input.organizationId,
          email_address: input.emailAddress,
          ...(input.locale === undefined ? {} : { locale: input.locale }),
          ...(input.expirationMinutes === undefined
            ? {}
            : {
                login_expiration_minutes: input.expirationMinutes,
                signup_expiration_minutes: input.expirationMinutes,
              }),
        }),
      )
      return parseResponse(sendEmailOtpSchema, body, 'otps.email.login_or_signup')
    },

    async authenticateEmailOtp(input) {
      const body = await call('otps.email.authenticate', () =>
        client.otps.email.authenticate({
          organization_id: input.organizationId,
          email_address: input.emailAddress,
          code: input.code,
          session_duration_minutes: input.sessionDurationMinutes,
          ...(input.locale === undefined ? {} : { locale: input.locale }),
        }),
      )
      return parsePrimaryAuth(body, now())
    },

    async sendSmsOtp(input) {
      const credential = credentialField(input.credential)
      const body = await call('otps.sms.send', () =>
        client.otps.sms.send({
          organization_id: input.organizationId,
          member_id: input.memberId,
          ...credential,
          ...(input.mfaPhoneNumber === undefined ? {} : { mfa_phone_number: input.mfaPhoneNumber }),
          ...(input.locale === undefined ? {} : { locale: input.locale }),
        }),
      )
      return parseResponse(sendSmsOtpSchema, body, 'otps.sms.send')
    },

    async getMember(input) {
      const body = await call('organizations.members.get', () =>
        client.organizations.members.get({
          organization_id: input.organizationId,
          member_id: input.memberId,
        }),
      )
      const member = parseResponse(getMemberSchema, body, 'organizations.members.get')
      // Whether a phone may be bound is decided from this answer: it must be about this member.
      if (member.memberId !== input.memberId || member.organizationId !== input.organizationId) {
        throw new MfaError(
          'stytch_bad_response',
          "Stytch's organizations.members.get returned another member or organization",
          { requestId: member.requestId },
        )
      }
      return member
    },

    async authenticateSmsOtp(input) {
      const credential = credentialField(input.credential)
      const body = await call('otps.sms.authenticate', () =>
        client.otps.sms.authenticate({
          organization_id: input.organizationId,
          member_id: input.memberId,
          code: input.code,
          ...credential,
          session_duration_minutes: input.sessionDurationMinutes,
        }),
      )
      return sessionOf(
        input,
        parseResponse(sessionGrantSchema, body, 'otps.sms.authenticate'),
        'otps.sms.authenticate',
      )
    },

    async authenticateSession(input) {
      const credential = sessionField(input)
      // No `session_duration_minutes`: checking a session must not extend it.
      const body = await call('sessions.authenticate', () =>
        client.sessions.authenticate(credential),
      )
      return parseResponse(sessionGrantSchema, body, 'sessions.authenticate')
    },

    async verifySessionJwt(sessionJwt): Promise<VerifiedJwt> {
      const header = checkJwtHeader(sessionJwt)
      if (claimsOf !== undefined) {
        const payload = await call('sessions.jwks', () => claimsOf(sessionJwt, header, now()))
        return verifiedJwt(memberSessionOfClaims(payload), payload)
      }
      const session: unknown = await call('sessions.authenticateJwtLocal', () =>
        client.sessions
          .authenticateJwtLocal({
            session_jwt: sessionJwt,
            clock_tolerance_seconds: config.jwtClockToleranceSeconds,
            current_date: now(),
          })
          .catch((error: unknown) => {
            // Past the signature check the SDK reads Stytch's claims unguarded: a TypeError
            // there means a validly signed JWT without them.
            if (isClientErrorLike(error)) throw error
            throw new MfaError('stytch_bad_response', 'The session JWT lacks Stytch claims')
          }),
      )
      // Decoded only now that the signature is verified: exp and iat are the JWT's own.
      return verifiedJwt(
        parseResponse(memberSessionSchema, session, 'session JWT'),
        decodeJwt(sessionJwt),
      )
    },

    async revokeSession(input) {
      const target =
        input.memberSessionId !== undefined
          ? { member_session_id: input.memberSessionId }
          : input.sessionToken !== undefined
            ? { session_token: input.sessionToken }
            : input.sessionJwt !== undefined
              ? { session_jwt: input.sessionJwt }
              : undefined
      if (target === undefined) throw new MfaError('not_signed_in', 'No session to revoke')
      try {
        // The response (`request_id` only) is not read: nothing depends on it.
        await call('sessions.revoke', () => client.sessions.revoke(target))
      } catch (error) {
        // Already revoked or expired at Stytch: the goal of a revoke is reached.
        if (error instanceof MfaError && error.stytchErrorType === 'session_not_found') return
        throw error
      }
    },

    async getRbacPolicy() {
      const body = await call('rbac.policy', () => client.rbac.policy())
      return parseResponse(rbacPolicySchema, body, 'rbac.policy')
    },

    async getOrganizationRbacPolicy(input) {
      const body = await call('rbac.organizations.getOrgPolicy', () =>
        client.rbac.organizations.getOrgPolicy({ organization_id: input.organizationId }),
      )
      return parseResponse(organizationRbacPolicySchema, body, 'rbac.organizations.getOrgPolicy')
    },

    async createTotp(input) {
      const credential = credentialField(input.credential)
      const body = await call('totps.create', () =>
        client.totps.create({
          organization_id: input.organizationId,
          member_id: input.memberId,
          expiration_minutes: input.expirationMinutes,
          ...credential,
        }),
      )
      return parseResponse(totpRegistrationSchema, body, 'totps.create')
    },

    async authenticateTotp(input) {
      const credential = credentialField(input.credential)
      const body = await call('totps.authenticate', () =>
        client.totps.authenticate({
          organization_id: input.organizationId,
          member_id: input.memberId,
          code: input.code,
          ...credential,
          session_duration_minutes: input.sessionDurationMinutes,
        }),
      )
      const grant = parseResponse(sessionGrantSchema, body, 'totps.authenticate')
      return sessionOf(input, grant, 'totps.authenticate')
    },

    async recoverWithRecoveryCode(input) {
      const credential = credentialField(input.credential)
      const body = await call('recovery_codes.recover', () =>
        client.recoveryCodes.recover({
          organization_id: input.organizationId,
          member_id: input.memberId,
          recovery_code: input.recoveryCode,
          ...credential,
          session_duration_minutes: input.sessionDurationMinutes,
        }),
      )
      const grant = parseResponse(recoveryGrantSchema, body, 'recovery_codes.recover')
      return sessionOf(input, grant, 'recovery_codes.recover')
    },

    async rotateRecoveryCodes(input) {
      const body = await call('recovery_codes.rotate', () =>
        client.recoveryCodes.rotate({
          organization_id: input.organizationId,
          member_id: input.memberId,
        }),
      )
      return parseResponse(recoveryCodesSchema, body, 'recovery_codes.rotate')
    },

    ...memberAdminCalls(client, call),
    ...discoveryCalls(client, call, now),
  }
}
