/** @module Helpers for the Stytch adapter tests: a raw fake Stytch, fixtures, a JWT signer. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose'
import { afterAll, beforeAll, vi } from 'vitest'
import { parseOptions } from '../../src/core/options.js'
import type { StytchPort } from '../../src/core/ports/stytch.js'
import { stytchOptionsSchema, type StytchOptions } from '../../src/stytch/options.js'
import { createStytchPort } from '../../src/stytch/sdk-adapter.js'
import { listenOnLoopback } from '../helpers/processes.js'

/** The port for `stytch` options as an application writes them, checked as the factory does. */
export function stytchPort(options: StytchOptions, now?: () => Date): StytchPort {
  return createStytchPort(parseOptions(stytchOptionsSchema, options, 'stytch'), now)
}

/** The port the adapter builds for the test project on `fake` (1 s deadline unless given). */
export function portFor(
  fake: FakeStytch,
  options: { timeoutMs?: number; jwtClockToleranceSeconds?: number } = {},
  now?: () => Date,
): StytchPort {
  return stytchPort(
    { projectId: PROJECT_ID, secret: SECRET, baseUrl: fake.url, timeoutMs: 1000, ...options },
    now,
  )
}

export const PROJECT_ID = 'project-test-11111111-2222-3333-4444-555555555555'
export const SECRET = 'secret-test-not-a-real-secret-0123456789abcdef'
export const MEMBER_ID = 'member-test-11111111-aaaa-bbbb-cccc-000000000001'
export const ORGANIZATION_ID = 'organization-test-11111111-aaaa-bbbb-cccc-000000000001'
export const SESSION_TOKEN = 'mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q'
export const IST = 'ist-SeMbGmSxFqTqxLb9J6YJiRFJzeGnm4m1YvJeHkp5YQGh'
export const JWKS_PATH = `/v1/b2b/sessions/jwks/${PROJECT_ID}`

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage['headers']
  readonly body: unknown
}

export interface FakeStytch {
  readonly url: string
  readonly requests: RecordedRequest[]
  /** The server side of every connection Stytch's clients opened. */
  sockets(): Socket[]
  close(): Promise<void>
}

type Handler = (request: RecordedRequest, res: ServerResponse) => void

/** How to close each fake still listening. */
const openFakes = new Set<() => Promise<void>>()

/** A raw HTTP server on 127.0.0.1:0 that records every request and lets `handler` answer. */
export async function startFakeStytch(handler: Handler): Promise<FakeStytch> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      }
      requests.push(recorded)
      handler(recorded, res)
    })
  })
  const sockets: Socket[] = []
  server.on('connection', (socket) => sockets.push(socket))
  const listening = await listenOnLoopback(server)
  const close = () => {
    openFakes.delete(close)
    return listening.close()
  }
  openFakes.add(close)
  return { url: `${listening.origin}/`, requests, sockets: () => [...sockets], close }
}

/** Closes every fake server still open (call from `afterEach`). */
export async function closeAllFakes(): Promise<void> {
  await Promise.all([...openFakes].map((close) => close()))
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/** A Stytch error body (reference §2.1); its message deliberately contains user data. */
export function stytchErrorBody(status: number, type: string) {
  return {
    status_code: status,
    request_id: `request-id-test-${type}`,
    error_type: type,
    error_message: 'Something about alice@example.com and +15555550100.',
    error_url: `https://stytch.com/docs/api/errors/${String(status)}#${type}`,
  }
}

export function memberSessionJson(overrides: Record<string, unknown> = {}) {
  return {
    member_session_id: 'member-session-test-11111111-0000-0000-0000-000000000001',
    member_id: MEMBER_ID,
    organization_id: ORGANIZATION_ID,
    organization_slug: 'acme',
    started_at: '2024-01-09T07:41:52Z',
    last_accessed_at: '2024-01-09T07:45:00Z',
    expires_at: '2030-01-09T08:41:52Z',
    authentication_factors: [
      {
        type: 'email_otp',
        delivery_method: 'email',
        last_authenticated_at: '2024-01-09T07:41:00Z',
        email_factor: { email_id: 'email-test-1', email_address: 'alice@example.com' },
      },
      {
        type: 'otp',
        delivery_method: 'sms',
        last_authenticated_at: '2024-01-09T07:41:52Z',
        phone_number_factor: { phone_id: 'phone-number-test-1', phone_number: '+15555550100' },
      },
    ],
    roles: ['stytch_member'],
    custom_claims: {},
    ...overrides,
  }
}

/** A cookie-safe stand-in for a session JWT (the adapter does not verify JWTs it is given). */
export const FAKE_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtIn0.c2lnbmF0dXJl'

/** `otps/sms/authenticate` / `sessions/authenticate` success. */
export function sessionGrantJson(overrides: Record<string, unknown> = {}) {
  return {
    status_code: 200,
    request_id: 'request-id-test-grant',
    member_id: MEMBER_ID,
    session_token: SESSION_TOKEN,
    session_jwt: FAKE_JWT,
    member_session: memberSessionJson(),
    member: { member_id: MEMBER_ID, organization_id: ORGANIZATION_ID },
    organization: { organization_id: ORGANIZATION_ID },
    ...overrides,
  }
}

/** `otps/email/authenticate` when the member must pass MFA (reference §3.14, row 2). */
export function mfaRequiredJson(overrides: Record<string, unknown> = {}) {
  return {
    status_code: 200,
    request_id: 'request-id-test-mfa',
    member_id: MEMBER_ID,
    organization_id: ORGANIZATION_ID,
    method_id: 'email-test-1',
    member_authenticated: false,
    session_token: '',
    session_jwt: '',
    member_session: null,
    intermediate_session_token: IST,
    intermediate_session_token_expires_at: '2030-01-09T07:51:52Z',
    mfa_required: {
      member_options: { mfa_phone_number: '+15555550100', totp_registration_id: '' },
      secondary_auth_initiated: 'sms_otp',
    },
    primary_required: null,
    member: { member_id: MEMBER_ID, mfa_phone_number: '+15555550100' },
    organization: { organization_id: ORGANIZATION_ID },
    ...overrides,
  }
}

/** `otps/email/authenticate` when the member is fully signed in (reference §3.14, row 1). */
export function authenticatedJson(overrides: Record<string, unknown> = {}) {
  return {
    ...sessionGrantJson(),
    organization_id: ORGANIZATION_ID,
    member_authenticated: true,
    intermediate_session_token: '',
    mfa_required: null,
    primary_required: null,
    ...overrides,
  }
}

/** `organizations.members.get` success for a member whose phone is not verified yet. */
export function memberJson(member: Record<string, unknown> = {}) {
  return {
    status_code: 200,
    request_id: 'request-id-test-member',
    member_id: MEMBER_ID,
    member: {
      member_id: MEMBER_ID,
      organization_id: ORGANIZATION_ID,
      email_address: 'alice@example.com',
      mfa_phone_number: '+15555550100',
      mfa_phone_number_verified: false,
      ...member,
    },
    organization: { organization_id: ORGANIZATION_ID },
  }
}

/** Hides the SDK's one `[Stytch] Warning` per client built with a custom `env`, only in tests. */
export function quietStytchWarnings(): void {
  beforeAll(() => {
    const original = console.warn.bind(console)
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('[Stytch] Warning')) return
      original(...args)
    })
  })
  afterAll(() => {
    vi.restoreAllMocks()
  })
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A JWT with any header, signed with garbage: for the header checks that run before any key. */
export function unsignedJwt(header: Record<string, unknown>, payload: JWTPayload = {}): string {
  const signature = Buffer.from('signature').toString('base64url')
  return `${base64url(header)}.${base64url(payload)}.${signature}`
}

export interface JwtSigner {
  readonly kid: string
  readonly jwks: { keys: JWK[] }
  sign(options?: {
    claims?: Record<string, unknown>
    header?: Record<string, unknown>
    issuedAt?: number
    lifetimeSeconds?: number
  }): Promise<string>
}

/** An RS256 key pair and JWKS, signing Stytch-shaped session JWTs (reference §4.2). */
export async function createJwtSigner(kid = 'jwk-test-1'): Promise<JwtSigner> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  return {
    kid,
    jwks: { keys: [jwk] },
    async sign({ claims = {}, header = {}, issuedAt, lifetimeSeconds = 300 } = {}) {
      const iat = issuedAt ?? Math.floor(Date.now() / 1000)
      const session = memberSessionJson()
      return new SignJWT({
        sub: MEMBER_ID,
        aud: [PROJECT_ID],
        iss: `stytch.com/${PROJECT_ID}`,
        'https://stytch.com/session': {
          id: session.member_session_id,
          started_at: session.started_at,
          last_accessed_at: session.last_accessed_at,
          expires_at: session.expires_at,
          attributes: { ip_address: '', user_agent: '' },
          authentication_factors: session.authentication_factors,
          roles: session.roles,
        },
        'https://stytch.com/organization': { organization_id: ORGANIZATION_ID, slug: 'acme' },
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT', ...header })
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + lifetimeSeconds)
        .sign(privateKey)
    },
  }
}
