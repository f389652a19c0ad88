import { describe, expect, it } from 'vitest'
import { denialOf } from '../../../src/core/flows/require-mfa.js'
import { requireMfaOptionsSchema, type RequireMfaOptions } from '../../../src/core/options.js'
import type { AuthenticationFactor } from '../../../src/core/ports/stytch.js'
import { VerifiedSessions } from '../../../src/core/verified-sessions.js'

const NOW = new Date('2026-01-01T12:00:00Z').getTime()
const MINUTE = 60_000

const EMAIL = { type: 'email_otp', deliveryMethod: 'email' }
const SMS = { type: 'otp', deliveryMethod: 'sms' }
const TOTP = { type: 'totp', deliveryMethod: 'authenticator_app' }
const RECOVERY = { type: 'recovery_codes', deliveryMethod: 'recovery_code' }

/** A verified session with these factors, each passed `minutesAgo` before now. */
function sessionWith(...factors: [{ type: string; deliveryMethod: string }, number][]) {
  return new VerifiedSessions(1).set(
    'key',
    {
      memberSessionId: 'member-session-test-1',
      memberId: 'member-test-1',
      organizationId: 'organization-test-1',
      organizationSlug: 'acme',
      startedAt: new Date(NOW - 60 * MINUTE),
      expiresAt: new Date(NOW + 60 * MINUTE),
      authenticationFactors: factors.map(([kind, minutesAgo]): AuthenticationFactor => ({
        ...kind,
        lastAuthenticatedAt: new Date(NOW - minutesAgo * MINUTE),
      })),
      roles: ['stytch_member'],
    },
    NOW + 5 * MINUTE,
    NOW,
  )
}

const denial = (session: ReturnType<typeof sessionWith>, options: RequireMfaOptions = {}) =>
  denialOf(session, requireMfaOptionsSchema.parse(options), NOW)

describe('denialOf()', () => {
  describe('by default', () => {
    it('admits a session with an SMS code, an authenticator app or a recovery code', () => {
      for (const factor of [SMS, TOTP, RECOVERY]) {
        expect(denial(sessionWith([EMAIL, 10], [factor, 5]))).toBeUndefined()
      }
    })

    it('refuses a session with only an email code as mfa_required', () => {
      expect(denial(sessionWith([EMAIL, 1]))).toBe('mfa_required')
    })
  })

  describe('when the route accepts only an authenticator app', () => {
    it('refuses a session whose second factor was an SMS code or a recovery code', () => {
      for (const factor of [SMS, RECOVERY]) {
        expect(denial(sessionWith([EMAIL, 10], [factor, 1]), { factors: ['totp'] })).toBe(
          'mfa_required',
        )
      }
      expect(denial(sessionWith([EMAIL, 10], [TOTP, 1]), { factors: ['totp'] })).toBeUndefined()
    })
  })

  describe('with maxAge', () => {
    it('goes by the newest factor the route accepts', () => {
      const session = sessionWith([EMAIL, 1], [SMS, 30], [TOTP, 5])
      expect(denial(session, { maxAge: '10m' })).toBeUndefined()
      expect(denial(session, { maxAge: '10m', factors: ['sms'] })).toBe('mfa_stale')
    })

    it('does not let a fresh email code stand in for a stale second factor', () => {
      expect(denial(sessionWith([EMAIL, 1], [SMS, 30]), { maxAge: '10m' })).toBe('mfa_stale')
    })
  })

  it('refuses an empty list of factors, or a factor it does not know', () => {
    expect(() => requireMfaOptionsSchema.parse({ factors: [] })).toThrow()
    expect(() => requireMfaOptionsSchema.parse({ factors: ['email'] })).toThrow()
  })
})
