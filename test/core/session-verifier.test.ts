import { describe, expect, it, vi } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { SessionVerifier } from '../../src/core/session-verifier.js'
import type { MemberSession, SessionGrant, StytchPort, VerifiedJwt } from '../../src/stytch/port.js'

const T0 = new Date('2026-01-01T00:00:00Z').getTime()

function memberSession(overrides: Partial<MemberSession> = {}): MemberSession {
  return {
    memberSessionId: 'ms-1',
    memberId: 'member-1',
    organizationId: 'org-1',
    organizationSlug: 'acme',
    startedAt: new Date(T0),
    expiresAt: new Date(T0 + 3_600_000),
    authenticationFactors: [],
    roles: [],
    ...overrides,
  }
}

/** A JWT-shaped string whose payload carries `exp` (the verifier decodes it, never trusts it alone). */
function jwtExpiringAt(ms: number, id: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part({ exp: Math.floor(ms / 1000), id })}.sig`
}

function fakePort(overrides: Partial<StytchPort>): StytchPort {
  const refuse = () => Promise.reject(new Error('not expected in this test'))
  return {
    sendEmailOtp: refuse,
    authenticateEmailOtp: refuse,
    sendSmsOtp: refuse,
    authenticateSmsOtp: refuse,
    authenticateSession: refuse,
    verifySessionJwt: refuse,
    revokeSession: refuse,
    ...overrides,
  }
}

describe('SessionVerifier', () => {
  describe('when the JWT verifies locally', () => {
    it('verifies once and answers later requests from memory until the JWT expires', async () => {
      let now = T0
      const verifySessionJwt = vi.fn((): Promise<VerifiedJwt> =>
        Promise.resolve({
          memberSession: memberSession(),
          jwtExpiresAt: new Date(T0 + 300_000),
          issuedAt: new Date(T0),
        }),
      )
      const authenticateSession = vi.fn(() => Promise.reject(new MfaError('not_signed_in')))
      const verifier = new SessionVerifier(
        fakePort({ verifySessionJwt, authenticateSession }),
        10,
        () => new Date(now),
      )
      const tokens = { sessionToken: undefined, sessionJwt: 'jwt-1' }
      for (let i = 0; i < 5; i += 1) await verifier.verify(tokens, false)
      expect(verifySessionJwt).toHaveBeenCalledTimes(1)
      now = T0 + 300_001
      await expect(verifier.verify(tokens, false)).rejects.toMatchObject({ code: 'not_signed_in' })
      expect(verifySessionJwt).toHaveBeenCalledTimes(2)
    })

    it('forgets the oldest entry beyond its capacity', async () => {
      const verifySessionJwt = vi.fn(() =>
        Promise.resolve({
          memberSession: memberSession(),
          jwtExpiresAt: new Date(T0 + 300_000),
          issuedAt: new Date(T0),
        }),
      )
      const verifier = new SessionVerifier(fakePort({ verifySessionJwt }), 2, () => new Date(T0))
      for (const jwt of ['a', 'b', 'c', 'a'])
        await verifier.verify({ sessionToken: undefined, sessionJwt: jwt }, false)
      expect(verifySessionJwt).toHaveBeenCalledTimes(4)
    })
  })

  describe('when the JWT is expired or invalid', () => {
    it('refreshes through Stytch once for concurrent requests and returns the new tokens', async () => {
      const grant: SessionGrant = {
        requestId: 'r',
        sessionToken: 'token-1',
        sessionJwt: jwtExpiringAt(T0 + 300_000, 'new'),
        memberSession: memberSession(),
      }
      let release: (value: SessionGrant) => void = () => undefined
      const authenticateSession = vi.fn(
        () => new Promise<SessionGrant>((resolve) => (release = resolve)),
      )
      const verifySessionJwt = vi.fn(() => Promise.reject(new MfaError('not_signed_in')))
      const verifier = new SessionVerifier(
        fakePort({ verifySessionJwt, authenticateSession }),
        10,
        () => new Date(T0),
      )
      const tokens = { sessionToken: 'token-1', sessionJwt: 'old-jwt' }
      const all = Promise.all([1, 2, 3].map(() => verifier.verify(tokens, false)))
      await vi.waitFor(() => {
        expect(authenticateSession).toHaveBeenCalledTimes(1)
      })
      release(grant)
      const results = await all
      expect(authenticateSession).toHaveBeenCalledTimes(1)
      expect(authenticateSession).toHaveBeenCalledWith({ sessionToken: 'token-1' })
      for (const result of results) expect(result.refreshed?.sessionJwt).toBe(grant.sessionJwt)
      await verifier.verify({ sessionToken: 'token-1', sessionJwt: grant.sessionJwt }, false)
      expect(verifySessionJwt).toHaveBeenCalledTimes(3)
    })

    it('fails closed with the upstream error when the JWKS cannot be fetched', async () => {
      const verifySessionJwt = vi.fn(() => Promise.reject(new MfaError('stytch_timeout')))
      const authenticateSession = vi.fn()
      const verifier = new SessionVerifier(
        fakePort({ verifySessionJwt, authenticateSession }),
        10,
        () => new Date(T0),
      )
      await expect(
        verifier.verify({ sessionToken: 't', sessionJwt: 'j' }, false),
      ).rejects.toMatchObject({ code: 'stytch_timeout' })
      expect(authenticateSession).not.toHaveBeenCalled()
    })

    it('refuses a session Stytch returns already expired', async () => {
      const verifier = new SessionVerifier(
        fakePort({
          authenticateSession: () =>
            Promise.resolve({
              requestId: 'r',
              sessionToken: 't',
              sessionJwt: 'j',
              memberSession: memberSession({ expiresAt: new Date(T0 - 1) }),
            }),
        }),
        10,
        () => new Date(T0),
      )
      await expect(
        verifier.verify({ sessionToken: 't', sessionJwt: undefined }, false),
      ).rejects.toMatchObject({ code: 'not_signed_in' })
    })
  })

  describe('when checking with Stytch on every request', () => {
    it('never answers from memory', async () => {
      const authenticateSession = vi.fn(() =>
        Promise.resolve({
          requestId: 'r',
          sessionToken: 't',
          sessionJwt: jwtExpiringAt(T0 + 300_000, 'x'),
          memberSession: memberSession(),
        }),
      )
      const verifier = new SessionVerifier(
        fakePort({ authenticateSession }),
        10,
        () => new Date(T0),
      )
      const tokens = { sessionToken: 't', sessionJwt: jwtExpiringAt(T0 + 300_000, 'x') }
      await verifier.verify(tokens, true)
      await verifier.verify(tokens, true)
      expect(authenticateSession).toHaveBeenCalledTimes(2)
    })
  })

  it('never shares one Stytch check between concurrent requests that check with Stytch', async () => {
    const authenticateSession = vi.fn(() =>
      Promise.resolve({
        requestId: 'r',
        sessionToken: 't',
        sessionJwt: jwtExpiringAt(T0 + 300_000, 'x'),
        memberSession: memberSession(),
      }),
    )
    const verifier = new SessionVerifier(fakePort({ authenticateSession }), 10, () => new Date(T0))
    const tokens = { sessionToken: 't', sessionJwt: undefined }
    await Promise.all([1, 2, 3, 4].map(() => verifier.verify(tokens, true)))
    expect(authenticateSession).toHaveBeenCalledTimes(4)
  })

  it('forgets a JWT at logout', async () => {
    const verifySessionJwt = vi.fn(() =>
      Promise.resolve({
        memberSession: memberSession(),
        jwtExpiresAt: new Date(T0 + 300_000),
        issuedAt: new Date(T0),
      }),
    )
    const verifier = new SessionVerifier(fakePort({ verifySessionJwt }), 10, () => new Date(T0))
    const tokens = { sessionToken: undefined, sessionJwt: 'j' }
    await verifier.verify(tokens, false)
    verifier.forget('j')
    await verifier.verify(tokens, false)
    expect(verifySessionJwt).toHaveBeenCalledTimes(2)
  })

  describe('recall()', () => {
    function verifierAt(now: () => number) {
      const verifySessionJwt = vi.fn((jwt: string) =>
        Promise.resolve({
          memberSession: memberSession({ memberSessionId: `ms-${jwt}` }),
          jwtExpiresAt: new Date(T0 + 300_000),
          issuedAt: new Date(T0),
        }),
      )
      const verifier = new SessionVerifier(
        fakePort({ verifySessionJwt }),
        10,
        () => new Date(now()),
      )
      return { verifier, verifySessionJwt }
    }

    it('answers only for the exact JWT verified, even when another shares its length and end', async () => {
      const { verifier } = verifierAt(() => T0)
      const verified = 'header.payload-one.signature-tail-12345678'
      const lookalike = 'header.payload-two.signature-tail-12345678'
      await verifier.verify({ sessionToken: undefined, sessionJwt: verified }, false)
      expect(verifier.recall({ sessionToken: undefined, sessionJwt: verified }, T0)).toMatchObject({
        memberSessionId: `ms-${verified}`,
      })
      expect(
        verifier.recall({ sessionToken: undefined, sessionJwt: lookalike }, T0),
      ).toBeUndefined()
    })

    it('keeps both of two JWTs that share a cache key, one after the other', async () => {
      const { verifier, verifySessionJwt } = verifierAt(() => T0)
      const first = { sessionToken: undefined, sessionJwt: 'aaaa.bbbb.same-tail' }
      const second = { sessionToken: undefined, sessionJwt: 'cccc.dddd.same-tail' }
      await verifier.verify(first, false)
      await verifier.verify(second, false)
      expect(verifier.recall(second, T0)?.memberSessionId).toBe('ms-cccc.dddd.same-tail')
      expect(verifier.recall(first, T0)).toBeUndefined()
      await verifier.verify(first, false)
      expect(verifier.recall(first, T0)?.memberSessionId).toBe('ms-aaaa.bbbb.same-tail')
      expect(verifySessionJwt).toHaveBeenCalledTimes(3)
    })

    it('refuses a remembered JWT presented with a session token signed out since', async () => {
      const { verifier } = verifierAt(() => T0)
      const older = { sessionToken: 'token-a', sessionJwt: 'jwt-a-1' }
      await verifier.verify(older, false)
      expect(verifier.recall(older, T0)).toBeDefined()
      // The logout carried a later JWT of the same session: the older one is still remembered.
      verifier.revoke({ sessionToken: 'token-a', sessionJwt: 'jwt-a-2' }, 3600)
      expect(verifier.recall(older, T0)).toBeUndefined()
      await expect(verifier.verify(older, false)).rejects.toMatchObject({ code: 'not_signed_in' })
    })

    it('checks a pair already found signed in again after each new sign-out', async () => {
      const { verifier } = verifierAt(() => T0)
      const member = { sessionToken: 'token-b', sessionJwt: 'jwt-b' }
      await verifier.verify(member, false)
      verifier.revoke({ sessionToken: 'token-other', sessionJwt: undefined }, 3600)
      expect(verifier.recall(member, T0)).toBeDefined()
      expect(verifier.recall(member, T0)).toBeDefined()
      verifier.revoke({ sessionToken: 'token-b', sessionJwt: undefined }, 3600)
      expect(verifier.recall(member, T0)).toBeUndefined()
    })

    it('checks the token presented, not the one a JWT was last seen with', async () => {
      const { verifier } = verifierAt(() => T0)
      await verifier.verify({ sessionToken: 'token-c', sessionJwt: 'jwt-c' }, false)
      verifier.revoke({ sessionToken: 'token-d', sessionJwt: undefined }, 3600)
      expect(verifier.recall({ sessionToken: 'token-c', sessionJwt: 'jwt-c' }, T0)).toBeDefined()
      expect(verifier.recall({ sessionToken: 'token-d', sessionJwt: 'jwt-c' }, T0)).toBeUndefined()
    })
  })
})
