import type { ServerResponse } from 'node:http'
import { B2BClient } from 'stytch'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import type { MfaCredential, StytchPort } from '../../src/core/ports/stytch.js'
import {
  closeAllFakes,
  createJwtSigner,
  FAKE_JWT,
  IST,
  JWKS_PATH,
  MEMBER_ID,
  memberJson,
  memberSessionJson,
  mfaRequiredJson,
  ORGANIZATION_ID,
  portFor,
  PROJECT_ID,
  quietStytchWarnings,
  SECRET,
  sendJson,
  SESSION_TOKEN,
  sessionGrantJson,
  startFakeStytch,
  stytchErrorBody,
  stytchPort,
  type FakeStytch,
  type JwtSigner,
  type RecordedRequest,
  unsignedJwt,
} from './helpers.js'
import { closedPortUrl } from '../helpers/processes.js'

type Route = (request: RecordedRequest, res: ServerResponse) => void

/** A fake Stytch answering by path; any other path gets Stytch's 404 shape. */
function startRoutes(routes: Record<string, Route>): Promise<FakeStytch> {
  return startFakeStytch((request, res) => {
    const route = routes[request.path.split('?')[0] ?? '']
    if (route) route(request, res)
    else sendJson(res, 404, stytchErrorBody(404, 'route_not_found'))
  })
}

const answer =
  (status: number, body: unknown): Route =>
  (_request, res) => {
    sendJson(res, status, body)
  }

async function rejection(promise: Promise<unknown>): Promise<MfaError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(MfaError)
  return error as MfaError
}

const IST_CREDENTIAL: MfaCredential = { kind: 'intermediate_session_token', token: IST }
const SMS_SEND = {
  organizationId: ORGANIZATION_ID,
  memberId: MEMBER_ID,
  credential: IST_CREDENTIAL,
}
const SMS_AUTH = { ...SMS_SEND, code: '123456', sessionDurationMinutes: 60 }

const MEMBER_GET = { organizationId: ORGANIZATION_ID, memberId: MEMBER_ID }

describe('createStytchPort()', () => {
  quietStytchWarnings()
  afterEach(closeAllFakes)

  describe('when the options are invalid', () => {
    it('throws configuration_error before any call', () => {
      expect(() => stytchPort({ projectId: PROJECT_ID, secret: '' })).toThrow(
        expect.objectContaining({ code: 'configuration_error' }) as Error,
      )
    })
  })

  describe('when Stytch answers successfully', () => {
    it('sends the email OTP with Basic auth and snake_case fields', async () => {
      const fake = await startRoutes({
        '/v1/b2b/otps/email/login_or_signup': answer(200, {
          status_code: 200,
          request_id: 'request-id-test-email',
          member_id: MEMBER_ID,
          member: { organization_id: ORGANIZATION_ID },
          organization: { organization_id: ORGANIZATION_ID },
        }),
      })
      const result = await portFor(fake).sendEmailOtp({
        organizationId: 'acme',
        emailAddress: 'alice@example.com',
        locale: 'fr',
        expirationMinutes: 5,
      })
      expect(result).toEqual({
        requestId: 'request-id-test-email',
        memberId: MEMBER_ID,
        organizationId: ORGANIZATION_ID,
      })
      const [sent] = fake.requests
      expect(sent?.method).toBe('POST')
      expect(sent?.headers.authorization).toBe(
        `Basic ${Buffer.from(`${PROJECT_ID}:${SECRET}`).toString('base64')}`,
      )
      expect(sent?.body).toEqual({
        organization_id: 'acme',
        email_address: 'alice@example.com',
        locale: 'fr',
        login_expiration_minutes: 5,
        signup_expiration_minutes: 5,
      })
    })

    it('authenticates the email OTP and returns the mfa_required variant', async () => {
      const fake = await startRoutes({
        '/v1/b2b/otps/email/authenticate': answer(200, mfaRequiredJson()),
      })
      const result = await portFor(fake).authenticateEmailOtp({
        organizationId: ORGANIZATION_ID,
        emailAddress: 'alice@example.com',
        code: '654321',
        sessionDurationMinutes: 30,
      })
      expect(result).toMatchObject({
        kind: 'mfa_required',
        smsSent: true,
        intermediateSessionToken: IST,
      })
      expect(fake.requests[0]?.body).toEqual({
        organization_id: ORGANIZATION_ID,
        email_address: 'alice@example.com',
        code: '654321',
        session_duration_minutes: 30,
      })
    })

    it.each<[string, MfaCredential, Record<string, string>]>([
      ['intermediate_session_token', IST_CREDENTIAL, { intermediate_session_token: IST }],
      [
        'session_token',
        { kind: 'session_token', token: SESSION_TOKEN },
        { session_token: SESSION_TOKEN },
      ],
      ['session_jwt', { kind: 'session_jwt', token: FAKE_JWT }, { session_jwt: FAKE_JWT }],
    ])('sends the SMS with exactly the %s field', async (_kind, credential, field) => {
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/send': answer(200, {
          request_id: 'request-id-test-sms',
          member_id: MEMBER_ID,
          member: { mfa_phone_number: '+15555550100' },
        }),
      })
      const result = await portFor(fake).sendSmsOtp({ ...SMS_SEND, credential })
      expect(result).toEqual({ requestId: 'request-id-test-sms', phoneNumber: '+15555550100' })
      expect(fake.requests[0]?.body).toEqual({
        organization_id: ORGANIZATION_ID,
        member_id: MEMBER_ID,
        ...field,
      })
    })

    it('sends mfa_phone_number and locale only when given', async () => {
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/send': answer(200, { request_id: 'r', member_id: MEMBER_ID }),
      })
      await portFor(fake).sendSmsOtp({ ...SMS_SEND, mfaPhoneNumber: '+15555550199', locale: 'es' })
      expect(fake.requests[0]?.body).toMatchObject({
        mfa_phone_number: '+15555550199',
        locale: 'es',
      })
    })

    it('authenticates the SMS OTP and returns the session grant', async () => {
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/authenticate': answer(200, sessionGrantJson()),
      })
      const grant = await portFor(fake).authenticateSmsOtp(SMS_AUTH)
      expect(grant).toMatchObject({
        sessionToken: SESSION_TOKEN,
        memberSession: { memberId: MEMBER_ID },
      })
      expect(fake.requests[0]?.body).toEqual({
        organization_id: ORGANIZATION_ID,
        member_id: MEMBER_ID,
        code: '123456',
        intermediate_session_token: IST,
        session_duration_minutes: 60,
      })
    })

    it('refuses a session Stytch returned for another member', async () => {
      const other = memberSessionJson({ member_id: 'member-test-someone-else' })
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/authenticate': answer(200, sessionGrantJson({ member_session: other })),
      })
      const error = await rejection(portFor(fake).authenticateSmsOtp(SMS_AUTH))
      expect(error.code).toBe('stytch_bad_response')
    })

    it('reads the member with organizations.members.get: whether it has a phone, not the number', async () => {
      const fake = await startRoutes({
        [`/v1/b2b/organizations/${ORGANIZATION_ID}/member`]: answer(200, memberJson()),
      })
      const member = await portFor(fake).getMember(MEMBER_GET)
      expect(member).toEqual({
        requestId: 'request-id-test-member',
        memberId: MEMBER_ID,
        organizationId: ORGANIZATION_ID,
        hasMfaPhoneNumber: true,
        mfaPhoneNumberVerified: false,
      })
      expect(fake.requests).toHaveLength(1)
      expect(fake.requests[0]?.method).toBe('GET')
      expect(fake.requests[0]?.path).toBe(
        `/v1/b2b/organizations/${ORGANIZATION_ID}/member?member_id=${MEMBER_ID}`,
      )
    })

    it.each([
      ['another member', { member_id: 'member-test-someone-else' }],
      ['a member of another organization', { organization_id: 'organization-test-other' }],
    ])('refuses a members.get answer about %s', async (_what, member) => {
      const fake = await startRoutes({
        [`/v1/b2b/organizations/${ORGANIZATION_ID}/member`]: answer(200, memberJson(member)),
      })
      const error = await rejection(portFor(fake).getMember(MEMBER_GET))
      expect(error).toMatchObject({
        code: 'stytch_bad_response',
        requestId: 'request-id-test-member',
      })
      expect(error.message).not.toContain('5555550100')
    })

    it('authenticates a session without extending it', async () => {
      const fake = await startRoutes({
        '/v1/b2b/sessions/authenticate': answer(200, sessionGrantJson()),
      })
      const grant = await portFor(fake).authenticateSession({ sessionToken: SESSION_TOKEN })
      expect(grant.memberSession.memberId).toBe(MEMBER_ID)
      expect(fake.requests[0]?.body).toEqual({ session_token: SESSION_TOKEN })
    })

    it('revokes a session by its id', async () => {
      const fake = await startRoutes({
        '/v1/b2b/sessions/revoke': answer(200, { request_id: 'r', status_code: 200 }),
      })
      await portFor(fake).revokeSession({ memberSessionId: 'member-session-test-1' })
      expect(fake.requests[0]?.body).toEqual({ member_session_id: 'member-session-test-1' })
    })
  })

  describe('when a credential could never be Stytch’s', () => {
    it.each<[string, () => (port: StytchPort) => Promise<unknown>, string]>([
      [
        'an IST with a ";"',
        () => (port) =>
          port.sendSmsOtp({
            ...SMS_SEND,
            credential: { kind: 'intermediate_session_token', token: 'a;b' },
          }),
        'login_required',
      ],
      [
        'an empty session token',
        () => (port) => port.authenticateSession({ sessionToken: '' }),
        'not_signed_in',
      ],
      [
        'neither token nor JWT (from JavaScript)',
        () => (port) => port.authenticateSession({} as never),
        'not_signed_in',
      ],
      ['nothing to revoke', () => (port) => port.revokeSession({}), 'not_signed_in'],
    ])('refuses %s without calling Stytch', async (_what, makeCall, code) => {
      const fake = await startRoutes({})
      const error = await rejection(makeCall()(portFor(fake)))
      expect(error.code).toBe(code)
      expect(fake.requests).toHaveLength(0)
    })
  })

  describe('when Stytch answers with an error', () => {
    it.each([
      [404, 'otp_code_not_found', 'otp_invalid'],
      [401, 'unable_to_auth_otp_code', 'otp_invalid'],
      [404, 'intermediate_session_not_found', 'login_required'],
      [429, 'too_many_requests', 'rate_limited'],
      [429, 'user_lock_limit_reached', 'otp_locked'],
      [401, 'unauthorized_credentials', 'stytch_error'],
      [500, 'internal_server_error', 'stytch_unavailable'],
    ])('maps %i %s to %s, keeping request_id and error_type', async (status, type, code) => {
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/authenticate': answer(status, stytchErrorBody(status, type)),
      })
      const error = await rejection(portFor(fake).authenticateSmsOtp(SMS_AUTH))
      expect(error).toMatchObject({
        code,
        requestId: `request-id-test-${type}`,
        stytchErrorType: type,
        stytchStatus: status,
      })
      expect(error.message).not.toContain('alice@example.com')
      // Never retried: a retry could find the code or the IST consumed.
      expect(fake.requests).toHaveLength(1)
    })

    it('maps a 502 HTML page to stytch_bad_response', async () => {
      const fake = await startFakeStytch((_request, res) => {
        res.writeHead(502, { 'content-type': 'text/html' })
        res.end('<html><body>502 Bad Gateway</body></html>')
      })
      const error = await rejection(portFor(fake).sendSmsOtp(SMS_SEND))
      expect(error.code).toBe('stytch_bad_response')
      expect(fake.requests).toHaveLength(1)
    })

    it('maps a 200 with malformed JSON to stytch_bad_response', async () => {
      const fake = await startFakeStytch((_request, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"session_token":')
      })
      const error = await rejection(portFor(fake).authenticateSmsOtp(SMS_AUTH))
      expect(error.code).toBe('stytch_bad_response')
    })

    it('maps a 200 with the wrong shape to stytch_bad_response, keeping request_id', async () => {
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/authenticate': answer(200, sessionGrantJson({ session_token: '' })),
      })
      const error = await rejection(portFor(fake).authenticateSmsOtp(SMS_AUTH))
      expect(error).toMatchObject({
        code: 'stytch_bad_response',
        requestId: 'request-id-test-grant',
      })
    })

    it('cuts off a body over 1 MiB and fails closed', async () => {
      const huge = { ...sessionGrantJson(), padding: 'x'.repeat(2 * 1024 * 1024) }
      const fake = await startRoutes({ '/v1/b2b/otps/sms/authenticate': answer(200, huge) })
      const error = await rejection(portFor(fake).authenticateSmsOtp(SMS_AUTH))
      expect(error.code).toBe('stytch_bad_response')
    })

    it('maps a refused connection to stytch_unavailable', async () => {
      const port = stytchPort({
        projectId: PROJECT_ID,
        secret: SECRET,
        baseUrl: await closedPortUrl(),
      })
      const error = await rejection(port.sendSmsOtp(SMS_SEND))
      expect(error.code).toBe('stytch_unavailable')
    })

    it.each([
      [404, 'member_not_found', 'stytch_error'],
      [503, 'server_unavailable', 'stytch_unavailable'],
    ])('maps members.get answering %i %s to %s, asking once', async (status, type, code) => {
      const fake = await startRoutes({
        [`/v1/b2b/organizations/${ORGANIZATION_ID}/member`]: answer(
          status,
          stytchErrorBody(status, type),
        ),
      })
      const error = await rejection(portFor(fake).getMember(MEMBER_GET))
      expect(error).toMatchObject({ code, stytchErrorType: type })
      expect(error.message).not.toContain('+15555550100')
      expect(fake.requests).toHaveLength(1)
    })

    it('never retries sms/send, even when Stytch is unavailable', async () => {
      const fake = await startRoutes({
        '/v1/b2b/otps/sms/send': answer(503, stytchErrorBody(503, 'server_unavailable')),
      })
      const error = await rejection(portFor(fake).sendSmsOtp(SMS_SEND))
      expect(error.code).toBe('stytch_unavailable')
      expect(fake.requests).toHaveLength(1)
    })
  })

  describe('when revoking a session Stytch no longer has', () => {
    it('resolves: the session is already gone', async () => {
      const fake = await startRoutes({
        '/v1/b2b/sessions/revoke': answer(404, stytchErrorBody(404, 'session_not_found')),
      })
      await expect(
        portFor(fake).revokeSession({ sessionToken: SESSION_TOKEN }),
      ).resolves.toBeUndefined()
    })

    it('still rejects on other errors', async () => {
      const fake = await startRoutes({
        '/v1/b2b/sessions/revoke': answer(500, stytchErrorBody(500, 'internal_server_error')),
      })
      const error = await rejection(portFor(fake).revokeSession({ sessionToken: SESSION_TOKEN }))
      expect(error.code).toBe('stytch_unavailable')
    })
  })
})

describe('createStytchPort() › verifySessionJwt()', () => {
  quietStytchWarnings()
  afterEach(closeAllFakes)

  let signer: JwtSigner
  let stranger: JwtSigner
  beforeAll(async () => {
    signer = await createJwtSigner('jwk-test-1')
    // Same kid, different key: a forgery that names Stytch's key.
    stranger = await createJwtSigner('jwk-test-1')
  })

  const withJwks = () => startRoutes({ [JWKS_PATH]: answer(200, signer.jwks) })

  describe('when the JWT is signed by the project key', () => {
    it('returns the member session with the JWT expiry and issue time', async () => {
      const fake = await withJwks()
      const iat = Math.floor(Date.now() / 1000) - 10
      const jwt = await signer.sign({ issuedAt: iat })
      const verified = await portFor(fake).verifySessionJwt(jwt)
      expect(verified).toMatchObject({
        jwtExpiresAt: new Date((iat + 300) * 1000),
        issuedAt: new Date(iat * 1000),
        memberSession: {
          memberId: MEMBER_ID,
          organizationId: ORGANIZATION_ID,
          organizationSlug: 'acme',
          roles: ['stytch_member'],
        },
      })
      expect(verified.memberSession.authenticationFactors).toContainEqual(
        expect.objectContaining({ type: 'otp', deliveryMethod: 'sms' }),
      )
      // The JWKS fetch is the only request, and it carries no credentials.
      expect(fake.requests.map((request) => request.path)).toEqual([JWKS_PATH])
      expect(fake.requests[0]?.headers.authorization).toBeUndefined()
    })

    it.each([
      ['an audience given as a string', () => ({ aud: PROJECT_ID })],
      [
        'the issuer named by its host, as with a custom domain',
        (host: string) => ({ iss: host.replace(/\/+$/, '') }),
      ],
    ])('accepts %s, as the SDK does', async (_what, claimsFor) => {
      const fake = await withJwks()
      const jwt = await signer.sign({ claims: claimsFor(fake.url) })
      await expect(portFor(fake).verifySessionJwt(jwt)).resolves.toMatchObject({
        memberSession: { memberId: MEMBER_ID },
      })
    })

    it('fetches the JWKS once for many JWTs', async () => {
      const fake = await withJwks()
      const port = portFor(fake)
      for (let index = 0; index < 5; index += 1) await port.verifySessionJwt(await signer.sign())
      expect(fake.requests).toHaveLength(1)
    })

    it('does the same through a B2BClient the application built', async () => {
      const fake = await withJwks()
      const client = new B2BClient({ project_id: PROJECT_ID, secret: SECRET, env: fake.url })
      const port = stytchPort({ client })
      const jwt = await signer.sign()
      await expect(port.verifySessionJwt(jwt)).resolves.toMatchObject({
        memberSession: { memberId: MEMBER_ID },
      })
      const error = await rejection(port.verifySessionJwt(await stranger.sign()))
      expect(error.code).toBe('not_signed_in')
    })

    it('honours the injected clock and the clock tolerance', async () => {
      const fake = await withJwks()
      const iat = Math.floor(Date.now() / 1000)
      const jwt = await signer.sign({ issuedAt: iat })
      const later = () => new Date((iat + 330) * 1000)
      const strict = portFor(fake, {}, later)
      expect((await rejection(strict.verifySessionJwt(jwt))).code).toBe('not_signed_in')
      const tolerant = portFor(fake, { jwtClockToleranceSeconds: 60 }, later)
      await expect(tolerant.verifySessionJwt(jwt)).resolves.toBeDefined()
    })
  })

  describe('when the header is not a Stytch RS256 JWT header', () => {
    it.each([
      ['alg none', unsignedJwt({ alg: 'none', typ: 'JWT', kid: 'jwk-test-1' })],
      ['HS256', unsignedJwt({ alg: 'HS256', typ: 'JWT', kid: 'jwk-test-1' })],
      ['RS512', unsignedJwt({ alg: 'RS512', typ: 'JWT', kid: 'jwk-test-1' })],
      ['no kid', unsignedJwt({ alg: 'RS256', typ: 'JWT' })],
      ['typ at+jwt', unsignedJwt({ alg: 'RS256', typ: 'at+jwt', kid: 'jwk-test-1' })],
      ['no typ', unsignedJwt({ alg: 'RS256', kid: 'jwk-test-1' })],
      ['a jku', unsignedJwt({ alg: 'RS256', typ: 'JWT', kid: 'k', jku: 'https://evil.example/' })],
      ['an embedded jwk', unsignedJwt({ alg: 'RS256', typ: 'JWT', kid: 'k', jwk: { kty: 'RSA' } })],
      ['an x5u', unsignedJwt({ alg: 'RS256', typ: 'JWT', kid: 'k', x5u: 'https://evil.example/' })],
      ['crit', unsignedJwt({ alg: 'RS256', typ: 'JWT', kid: 'k', crit: ['exp'] })],
      ['garbage', 'not-a-jwt'],
      ['an empty string', ''],
      ['a cookie-unsafe value', 'a.b;c.d'],
    ])('refuses %s as not_signed_in without any network call', async (_what, jwt) => {
      const fake = await withJwks()
      const error = await rejection(portFor(fake).verifySessionJwt(jwt))
      expect(error.code).toBe('not_signed_in')
      expect(fake.requests).toHaveLength(0)
    })
  })

  describe('when the JWT is not valid for this project', () => {
    it.each([
      ['signed by an unknown key', () => stranger.sign()],
      ['signed for a kid the JWKS lacks', () => stranger.sign({ header: { kid: 'jwk-unknown' } })],
      ['expired', () => signer.sign({ issuedAt: Math.floor(Date.now() / 1000) - 600 })],
      ['not valid yet', () => signer.sign({ issuedAt: Math.floor(Date.now() / 1000) + 120 })],
      [
        'carrying the signature of another JWT',
        async () => {
          const [header, payload] = (
            await signer.sign({ claims: { sub: 'member-test-other' } })
          ).split('.')
          const signature = (await signer.sign()).split('.')[2] ?? ''
          return `${header ?? ''}.${payload ?? ''}.${signature}`
        },
      ],
      ['for another project', () => signer.sign({ claims: { aud: ['project-test-other'] } })],
      [
        'from another issuer',
        () => signer.sign({ claims: { iss: 'stytch.com/project-test-other' } }),
      ],
    ])('refuses a JWT %s as not_signed_in', async (_what, makeJwt) => {
      const fake = await withJwks()
      const error = await rejection(portFor(fake).verifySessionJwt(await makeJwt()))
      expect(error.code).toBe('not_signed_in')
    })

    it('fails closed when a validly signed JWT lacks the Stytch claims', async () => {
      const fake = await withJwks()
      const jwt = await signer.sign({ claims: { 'https://stytch.com/session': undefined } })
      const error = await rejection(portFor(fake).verifySessionJwt(jwt))
      expect(error.code).toBe('stytch_bad_response')
    })
  })

  describe('when the JWKS cannot be used', () => {
    it.each<[string, string, Route]>([
      [
        'answers 500',
        'stytch_unavailable',
        answer(500, stytchErrorBody(500, 'internal_server_error')),
      ],
      [
        'answers HTML',
        'stytch_bad_response',
        (_request, res) => {
          res.writeHead(200, { 'content-type': 'text/html' })
          res.end('<html>oops</html>')
        },
      ],
      ['answers {"keys":"x"}', 'stytch_bad_response', answer(200, { keys: 'x' })],
      ['never answers', 'stytch_timeout', () => undefined],
    ])('fails closed when the JWKS %s: %s, not a logout', async (_what, code, route) => {
      const fake = await startRoutes({ [JWKS_PATH]: route })
      const port = portFor(fake, { timeoutMs: 300 })
      const error = await rejection(port.verifySessionJwt(await signer.sign()))
      expect(error.code).toBe(code)
    })

    it('fails closed when the JWKS host refuses the connection', async () => {
      const port = stytchPort({
        projectId: PROJECT_ID,
        secret: SECRET,
        baseUrl: await closedPortUrl(),
      })
      const error = await rejection(port.verifySessionJwt(await signer.sign()))
      expect(error.code).toBe('stytch_unavailable')
    })
  })
})
