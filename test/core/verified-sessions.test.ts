import { describe, expect, it } from 'vitest'
import type { MemberSession } from '../../src/core/ports/stytch.js'
import {
  VerifiedSessions,
  credentialKey,
  memberSessionOf,
} from '../../src/core/verified-sessions.js'

const T0 = new Date('2026-01-01T00:00:00Z').getTime()

function session(id: string): MemberSession {
  return {
    memberSessionId: `member-session-${id}`,
    memberId: `member-${id}`,
    organizationId: 'organization-test-1',
    organizationSlug: 'acme',
    startedAt: new Date(T0),
    expiresAt: new Date(T0 + 3_600_000),
    authenticationFactors: [
      {
        type: 'otp',
        deliveryMethod: 'sms',
        lastAuthenticatedAt: new Date(T0),
        phoneNumber: '+12025550100',
        emailAddress: undefined,
      },
    ],
    roles: ['stytch_member'],
  }
}

describe('credentialKey()', () => {
  it('differs for two spellings of the same bytes, and for a JWT changed in one character', () => {
    expect(credentialKey('a.b.c')).not.toBe(credentialKey('a.b.c='))
    expect(credentialKey('a.b.c')).not.toBe(credentialKey('a.x.c'))
  })
})

describe('VerifiedSessions', () => {
  it('answers with what it kept until the verification lapses, then forgets it', () => {
    const sessions = new VerifiedSessions(10)
    sessions.set('k', session('1'), T0 + 300_000, T0)
    expect(sessions.get('k', T0 + 299_999)?.memberSessionId).toBe('member-session-1')
    expect(sessions.get('k', T0 + 300_000)).toBeUndefined()
    expect(sessions.size).toBe(0)
  })

  it('keeps nothing that has lapsed already, nor anything with a capacity of 0', () => {
    const lapsed = new VerifiedSessions(10)
    lapsed.set('k', session('1'), T0, T0)
    expect(lapsed.size).toBe(0)
    const none = new VerifiedSessions(0)
    none.set('k', session('1'), T0 + 1, T0)
    expect(none.get('k', T0)).toBeUndefined()
  })

  it('when full of live sessions, lets no newcomer in and keeps the ones it has', () => {
    const sessions = new VerifiedSessions(2)
    for (const id of ['1', '2', '3']) sessions.set(id, session(id), T0 + 300_000, T0)
    expect(['1', '2', '3'].map((id) => sessions.get(id, T0)?.memberId)).toEqual([
      'member-1',
      'member-2',
      undefined,
    ])
  })

  it('when full, makes room by dropping the sessions that lapsed first', () => {
    const sessions = new VerifiedSessions(2)
    sessions.set('1', session('1'), T0 + 100, T0)
    sessions.set('2', session('2'), T0 + 300_000, T0)
    sessions.set('3', session('3'), T0 + 300_000, T0 + 200)
    expect(['1', '2', '3'].map((id) => sessions.get(id, T0 + 200)?.memberId)).toEqual([
      undefined,
      'member-2',
      'member-3',
    ])
  })

  it('shares the strings sessions have in common, one copy for all', () => {
    const sessions = new VerifiedSessions(10)
    const first = sessions.set('1', session('1'), T0 + 1000, T0)
    const second = sessions.set('2', session('2'), T0 + 1000, T0)
    expect(second.roles).toBe(first.roles)
    expect(Object.isFrozen(first.roles)).toBe(true)
  })
})

describe('memberSessionOf()', () => {
  it('gives every request a session of its own: changing one changes nothing kept', () => {
    const known = new VerifiedSessions(10).set('k', session('1'), T0 + 1000, T0)
    const handed = memberSessionOf(known)
    expect(handed).toEqual(session('1'))
    handed.expiresAt.setTime(0)
    handed.authenticationFactors[0]?.lastAuthenticatedAt?.setTime(0)
    expect(() => (handed.roles as string[]).push('stytch_admin')).toThrow(TypeError)
    expect(memberSessionOf(known)).toEqual(session('1'))
  })
})
