/**
 * Session JWTs with Stytch's B2B claims, signed by the emulator's key (valid), a foreign key or
 * none, with any claim or header changed: the raw material of the JWT cases (I1–I12).
 */
import type { Emulator } from '../../../src/emulator/index.js'
import { ADMIN } from './seed.js'
import { MEMBER, ORG } from './seed.js'

export type FactorKind = 'sms' | 'email' | 'impersonated' | 'trusted_auth_token' | 'totp'

export interface JwtOptions {
  readonly memberId?: string
  readonly organizationId?: string
  readonly slug?: string
  /** @default ['email', 'sms'] */
  readonly factors?: readonly FactorKind[]
  /** Age of every factor, in seconds. @default 0 */
  readonly factorAgeSeconds?: number
  /** @default ['stytch_member', 'stytch_admin'] */
  readonly roles?: readonly string[]
  /** @default a session id the emulator does not know */
  readonly sessionId?: string
  /** `iat`, `nbf` and `exp` relative to the emulator clock, in seconds. */
  readonly iat?: number
  readonly nbf?: number
  /** @default 300 */
  readonly exp?: number
  /** The Stytch session's own expiry, relative to now. @default 3600 */
  readonly sessionExpiresIn?: number
  /** Claims and header fields to set (a value `undefined` removes the claim). */
  readonly claims?: Readonly<Record<string, unknown>>
  readonly header?: Readonly<Record<string, unknown>>
  readonly key?: 'emulator' | 'foreign' | 'none'
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function factor(kind: FactorKind, at: string): Record<string, unknown> {
  const base = { last_authenticated_at: at, created_at: at, updated_at: at }
  switch (kind) {
    case 'sms':
      return {
        type: 'otp',
        delivery_method: 'sms',
        ...base,
        phone_number_factor: {
          phone_id: 'mfa-phone-number-test-crafted',
          phone_number: ADMIN.phone,
        },
      }
    case 'email':
      return {
        type: 'email_otp',
        delivery_method: 'email',
        ...base,
        email_factor: { email_id: 'member-email-test-crafted', email_address: ADMIN.email },
      }
    case 'impersonated':
      return { type: 'impersonated', delivery_method: 'impersonation', ...base }
    case 'trusted_auth_token':
      return { type: 'trusted_auth_token', delivery_method: 'trusted_token_exchange', ...base }
    case 'totp':
      return { type: 'totp', delivery_method: 'authenticator_app', ...base }
  }
}

/** The payload Stytch would sign for these options, before `claims` overrides. */
export function jwtPayload(emulator: Emulator, options: JwtOptions = {}): Record<string, unknown> {
  const nowMs = emulator.now().getTime()
  const now = Math.floor(nowMs / 1000)
  const at = rfc3339(nowMs - (options.factorAgeSeconds ?? 0) * 1000)
  const payload: Record<string, unknown> = {
    sub: options.memberId ?? MEMBER.admin,
    aud: [emulator.projectId],
    iss: `stytch.com/${emulator.projectId}`,
    iat: now + (options.iat ?? 0),
    nbf: now + (options.nbf ?? 0),
    exp: now + (options.exp ?? 300),
    'https://stytch.com/session': {
      id: options.sessionId ?? 'member-session-test-crafted-0000-4000-8000-000000000000',
      started_at: rfc3339(nowMs),
      last_accessed_at: rfc3339(nowMs),
      expires_at: rfc3339(nowMs + (options.sessionExpiresIn ?? 3600) * 1000),
      attributes: { ip_address: '', user_agent: '' },
      authentication_factors: (options.factors ?? ['email', 'sms']).map((kind) => factor(kind, at)),
      roles: [...(options.roles ?? ['stytch_member', 'stytch_admin'])],
    },
    'https://stytch.com/organization': {
      organization_id: options.organizationId ?? ORG.acme,
      slug: options.slug ?? 'acme',
    },
  }
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) Reflect.deleteProperty(payload, name)
    else payload[name] = value
  }
  return payload
}

export function craftJwt(emulator: Emulator, options: JwtOptions = {}): string {
  return emulator.signSessionJwt({
    payload: jwtPayload(emulator, options),
    ...(options.header === undefined ? {} : { header: { ...options.header } }),
    key: options.key ?? 'emulator',
  })
}

/** The claims of a JWT, unverified (to read what a real one says). */
export function decodeClaims(jwt: string): Record<string, unknown> {
  const [, payload = ''] = jwt.split('.')
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}
