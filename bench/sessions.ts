/**
 * @module Many signed-in members at once, without signing each in over HTTP: members seeded in
 * the emulator, and session JWTs with Stytch's claims signed by the emulator's key for them, as
 * Stytch would issue after an email code and an SMS code.
 */
import type { Emulator, SeedMember } from '../src/emulator/index.js'

/** The organization the seeded members belong to. */
export const MANY_ORGANIZATION = {
  id: 'organization-test-bench-0000-4000-8000-000000000000',
  slug: 'acme',
} as const

/**
 * How long the minted JWTs and their sessions live: longer than any run, so the bench measures
 * the guard and never a refresh (Stytch's own JWTs live 5 minutes).
 */
const LIFETIME_SECONDS = 3 * 60 * 60

function memberId(index: number): string {
  return `member-test-bench-${String(index).padStart(6, '0')}`
}

/** `count` members with an MFA phone each, to add to the seed's organization. */
export function manyMembers(count: number): SeedMember[] {
  return Array.from({ length: count }, (_, index) => ({
    member_id: memberId(index),
    email_address: `member-${String(index)}@acme.test`,
    // Seeded phones must differ; +1 202 555 2xxx are fictional numbers.
    mfa_phone_number: `+1202555${String(2000 + index)}`,
    mfa_phone_number_verified: true,
  }))
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The session JWT Stytch would sign for member `index` after email and SMS codes, now. */
function sessionJwt(emulator: Emulator, index: number): string {
  const nowMs = emulator.now().getTime()
  const now = Math.floor(nowMs / 1000)
  const at = rfc3339(nowMs)
  const stamps = { last_authenticated_at: at, created_at: at, updated_at: at }
  const suffix = String(index).padStart(12, '0')
  return emulator.signSessionJwt({
    payload: {
      sub: memberId(index),
      aud: [emulator.projectId],
      iss: `stytch.com/${emulator.projectId}`,
      iat: now,
      nbf: now,
      exp: now + LIFETIME_SECONDS,
      'https://stytch.com/session': {
        id: `member-session-test-bench-0000-4000-8000-${suffix}`,
        started_at: at,
        last_accessed_at: at,
        expires_at: rfc3339(nowMs + LIFETIME_SECONDS * 1000),
        attributes: { ip_address: '', user_agent: '' },
        authentication_factors: [
          {
            type: 'email_otp',
            delivery_method: 'email',
            ...stamps,
            email_factor: {
              email_id: `member-email-test-bench-0000-4000-8000-${suffix}`,
              email_address: `member-${String(index)}@acme.test`,
            },
          },
          {
            type: 'otp',
            delivery_method: 'sms',
            ...stamps,
            phone_number_factor: {
              phone_id: `mfa-phone-number-test-bench-0000-4000-8000-${suffix}`,
              phone_number: `+1202555${String(2000 + index)}`,
            },
          },
        ],
        roles: ['stytch_member'],
      },
      'https://stytch.com/organization': {
        organization_id: MANY_ORGANIZATION.id,
        slug: MANY_ORGANIZATION.slug,
      },
    },
  })
}

/**
 * One `Cookie` header per seeded member, as a browser signed in with `sessionStorage: 'cookie'`
 * sends it (both `__Host-` cookies). The session token is never sent to Stytch while the JWT
 * verifies, so it only needs a token's shape.
 */
export function manySessionCookies(emulator: Emulator, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const token = `bench-session-token-${String(index).padStart(6, '0')}-${'x'.repeat(24)}`
    const jwt = sessionJwt(emulator, index)
    return `__Host-stytch_session=${token}; __Host-stytch_session_jwt=${jwt}`
  })
}
