import { describe, expect, it } from 'vitest'
import type { MemberSession } from '../../src/core/ports/stytch.js'
import { assertSmsSessionOf } from '../../src/core/sms-grant.js'

const MEMBER = { memberId: 'member-test-admin', organizationId: 'organization-test-acme' }
const at = new Date('2030-01-01T00:00:00Z')

function grant(overrides: Partial<MemberSession> = {}) {
  const memberSession: MemberSession = {
    memberSessionId: 'member-session-test-1',
    ...MEMBER,
    organizationSlug: 'acme',
    startedAt: at,
    expiresAt: new Date(at.getTime() + 3_600_000),
    authenticationFactors: [
      { type: 'email_otp', deliveryMethod: 'email', lastAuthenticatedAt: at },
      { type: 'otp', deliveryMethod: 'sms', lastAuthenticatedAt: at },
    ],
    roles: ['stytch_member'],
    ...overrides,
  }
  return { requestId: 'request-id-test-1', memberSession }
}

describe('assertSmsSessionOf()', () => {
  it('accepts an SMS-factor session of the member the step was for', () => {
    expect(() => {
      assertSmsSessionOf(MEMBER, grant())
    }).not.toThrow()
  })

  it.each([
    ['another member', { memberId: 'member-test-other' }],
    ['another organization', { organizationId: 'organization-test-beta' }],
    [
      'no SMS factor',
      {
        authenticationFactors: [
          { type: 'email_otp', deliveryMethod: 'email', lastAuthenticatedAt: at },
        ],
      },
    ],
  ] as const)('refuses a session of %s as stytch_bad_response', (_what, overrides) => {
    expect(() => {
      assertSmsSessionOf(MEMBER, grant(overrides))
    }).toThrow(
      expect.objectContaining({ code: 'stytch_bad_response', requestId: 'request-id-test-1' }),
    )
  })
})
