import { describe, expect, it, vi } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import type { RevocationListener, RevocationStore } from '../../src/core/ports/revocation-store.js'
import { Revocations } from '../../src/core/revocations.js'
import { SessionVerifier, type UnverifiedCallBudget } from '../../src/core/session-verifier.js'
import type {
  MemberSession,
  SessionGrant,
  StytchPort,
  VerifiedJwt,
} from '../../src/core/ports/stytch.js'

const T0 = new Date('2026-01-01T00:00:00Z').getTime()
const LOCAL = { checkWithStytch: false, ip: '203.0.113.9' } as const
const STRICT = { checkWithStytch: true, ip: '203.0.113.9' } as const

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

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A JWT-shaped string whose payload carries `exp` (the verifier decodes it, never trusts it alone). */
function jwtExpiringAt(ms: number, id: string): string {
  // As long as an RS256 signature: the verifier files a session under the end of it.
  const signature = Buffer.alloc(256, `signature of ${id}`).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part({ exp: Math.floor(ms / 1000), id })}.${signature}`
}

/** The same JWT, spelled as lenient base64url decoders also read it (stray bits at the end). */
function respelled(jwt: string): string {
  const [header = '', payload = '', signature = ''] = jwt.split('.')
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(signature.slice(-1))
  const spare = [0, 0, 4, 2][signature.length % 4] ?? 0
  const variant = `${signature.slice(0, -1)}${alphabet[last | (spare === 0 ? 0 : 1)] ?? ''}`
  expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(signature, 'base64url'))
  expect(variant).not.toBe(signature)
  return `${header}.${payload}.${variant}`
}

function fakePort(overrides: Partial<StytchPort>): StytchPort {
  const refuse = () => Promise.reject(new Error('not expected in this test'))
  return {
    sendEmailOtp: refuse,
    authenticateEmailOtp: refuse,
    sendSmsOtp: refuse,
    getMember: refuse,
    authenticateSmsOtp: refuse,
    authenticateSession: refuse,
    verifySessionJwt: refuse,
    revokeSession: refuse,
    getRbacPolicy: refuse,
    getOrganizationRbacPolicy: refuse,
    createTotp: refuse,
    authenticateTotp: refuse,
    recoverWithRecoveryCode: refuse,
    rotateRecoveryCodes: refuse,
    deleteMemberFactor: refuse,
    revokeMemberSessions: refuse,
    sendDiscoveryEmailOtp: refuse,
    authenticateDiscoveryEmailOtp: refuse,
    listDiscoveredOrganizations: refuse,
    exchangeIntermediateSession: refuse,
    exchangeSession: refuse,
    ...overrides,
  }
}

interface Setup {
  readonly capacity?: number
  readonly now?: () => number
  readonly revocations?: Revocations
  readonly beforeUnverifiedCall?: UnverifiedCallBudget
}

function verifierOf(port: StytchPort, setup: Setup = {}): SessionVerifier {
  const now = setup.now ?? (() => T0)
  return new SessionVerifier(
    port,
    setup.capacity ?? 10,
    () => new Date(now()),
    setup.revocations ?? new Revocations(undefined, now),
    setup.beforeUnverifiedCall ?? (() => Promise.resolve(() => Promise.resolve())),
  )
}

function verifiedAs(session: MemberSession): () => Promise<VerifiedJwt> {
  return () =>
    Promise.resolve({
      memberSession: session,
      jwtExpiresAt: new Date(T0 + 300_000),
      issuedAt: new Date(T0),
    })
}

function grantOf(session = memberSession(), id = 'new'): SessionGrant {
  return {
    requestId: 'r',
    sessionToken: 'token-1',
    sessionJwt: jwtExpiringAt(T0 + 300_000, id),
    memberSession: session,
  }
}

describe('SessionVerifier', () => {
  describe('when the JWT verifies locally', () => {
    it('verifies once and answers later requests from memory until the JWT expires', async () => {
      let now = T0
      const verifySessionJwt = vi.fn(verifiedAs(memberSession()))
      const authenticateSession = vi.fn(() => Promise.reject(new MfaError('not_signed_in')))
      const verifier = verifierOf(fakePort({ verifySessionJwt, authenticateSession }), {
        now: () => now,
      })
      const tokens = { sessionToken: undefined, sessionJwt: jwtExpiringAt(T0 + 300_000, '1') }
      for (let i = 0; i < 5; i += 1) await verifier.verify(tokens, LOCAL)
      expect(verifySessionJwt).toHaveBeenCalledTimes(1)
      now = T0 + 300_001
      await expect(verifier.verify(tokens, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
      expect(verifySessionJwt).toHaveBeenCalledTimes(2)
    })

    it('when full of live sessions, keeps them and verifies a newcomer on each request', async () => {
      const verifySessionJwt = vi.fn(verifiedAs(memberSession()))
      const verifier = verifierOf(fakePort({ verifySessionJwt }), { capacity: 2 })
      for (const id of ['a', 'b', 'c', 'a', 'b', 'c'])
        await verifier.verify(
          { sessionToken: undefined, sessionJwt: jwtExpiringAt(T0 + 300_000, id) },
          LOCAL,
        )
      expect(verifySessionJwt).toHaveBeenCalledTimes(4)
    })

    it('lets a newcomer in once a remembered session has lapsed', async () => {
      let now = T0
      let expiresAt = T0 + 100_000
      const verifySessionJwt = vi.fn(() =>
        Promise.resolve({
          memberSession: memberSession(),
          jwtExpiresAt: new Date(expiresAt),
          issuedAt: new Date(T0),
        }),
      )
      const verifier = verifierOf(fakePort({ verifySessionJwt }), { capacity: 1, now: () => now })
      const verify = (id: string) =>
        verifier.verify(
          { sessionToken: undefined, sessionJwt: jwtExpiringAt(T0 + 300_000, id) },
          LOCAL,
        )
      await verify('early')
      expiresAt = T0 + 300_000
      now = T0 + 100_001
      await verify('late')
      await verify('late')
      expect(verifySessionJwt).toHaveBeenCalledTimes(2)
    })

    it('spends none of the client budget of Stytch calls', async () => {
      const beforeUnverifiedCall = vi.fn(() => Promise.resolve(() => Promise.resolve()))
      const verifier = verifierOf(fakePort({ verifySessionJwt: verifiedAs(memberSession()) }), {
        beforeUnverifiedCall,
      })
      await verifier.verify(
        { sessionToken: 't', sessionJwt: jwtExpiringAt(T0 + 300_000, '1') },
        LOCAL,
      )
      expect(beforeUnverifiedCall).not.toHaveBeenCalled()
    })
  })

  describe('when the JWT is not spelled as an encoder writes it', () => {
    it('refuses it without asking the JWKS or Stytch', async () => {
      const verifySessionJwt = vi.fn(verifiedAs(memberSession()))
      const authenticateSession = vi.fn(() => Promise.resolve(grantOf()))
      const verifier = verifierOf(fakePort({ verifySessionJwt, authenticateSession }))
      const jwt = jwtExpiringAt(T0 + 300_000, '1')
      for (const variant of [respelled(jwt), `${jwt}=`, jwt.replace('.', '..'), `${jwt}.x`]) {
        await expect(
          verifier.verify({ sessionToken: 't', sessionJwt: variant }, LOCAL),
        ).rejects.toMatchObject({ code: 'not_signed_in' })
      }
      expect(verifySessionJwt).not.toHaveBeenCalled()
      expect(authenticateSession).not.toHaveBeenCalled()
    })
  })

  describe('when the JWT is expired or invalid', () => {
    it('refreshes through Stytch once for concurrent requests and returns the new tokens', async () => {
      const grant = grantOf()
      let release: (value: SessionGrant) => void = () => undefined
      const authenticateSession = vi.fn(
        () => new Promise<SessionGrant>((resolve) => (release = resolve)),
      )
      const verifySessionJwt = vi.fn(() => Promise.reject(new MfaError('not_signed_in')))
      const verifier = verifierOf(fakePort({ verifySessionJwt, authenticateSession }))
      const tokens = { sessionToken: 'token-1', sessionJwt: jwtExpiringAt(T0 - 1, 'old') }
      const all = Promise.all([1, 2, 3].map(() => verifier.verify(tokens, LOCAL)))
      await vi.waitFor(() => {
        expect(authenticateSession).toHaveBeenCalledTimes(1)
      })
      release(grant)
      const results = await all
      expect(authenticateSession).toHaveBeenCalledTimes(1)
      expect(authenticateSession).toHaveBeenCalledWith({ sessionToken: 'token-1' })
      for (const result of results) expect(result.refreshed?.sessionJwt).toBe(grant.sessionJwt)
      await verifier.verify({ sessionToken: 'token-1', sessionJwt: grant.sessionJwt }, LOCAL)
      expect(verifySessionJwt).toHaveBeenCalledTimes(3)
    })

    it('fails closed with the upstream error when the JWKS cannot be fetched', async () => {
      const verifySessionJwt = vi.fn(() => Promise.reject(new MfaError('stytch_timeout')))
      const authenticateSession = vi.fn()
      const verifier = verifierOf(fakePort({ verifySessionJwt, authenticateSession }))
      await expect(
        verifier.verify({ sessionToken: 't', sessionJwt: jwtExpiringAt(T0, 'j') }, LOCAL),
      ).rejects.toMatchObject({ code: 'stytch_timeout' })
      expect(authenticateSession).not.toHaveBeenCalled()
    })

    it('refuses a session Stytch returns already expired', async () => {
      const verifier = verifierOf(
        fakePort({
          authenticateSession: () =>
            Promise.resolve(grantOf(memberSession({ expiresAt: new Date(T0 - 1) }))),
        }),
      )
      await expect(
        verifier.verify({ sessionToken: 't', sessionJwt: undefined }, LOCAL),
      ).rejects.toMatchObject({ code: 'not_signed_in' })
    })

    it('asks Stytch about refused credentials once, then refuses them from memory for 10 minutes', async () => {
      let now = T0
      const authenticateSession = vi.fn(() => Promise.reject(new MfaError('not_signed_in')))
      const verifier = verifierOf(fakePort({ authenticateSession }), { now: () => now })
      const junk = { sessionToken: 'junk-token', sessionJwt: undefined }
      for (let i = 0; i < 5; i += 1) {
        await expect(verifier.verify(junk, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
      }
      expect(authenticateSession).toHaveBeenCalledTimes(1)
      now = T0 + 10 * 60_000 + 1
      await expect(verifier.verify(junk, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
      expect(authenticateSession).toHaveBeenCalledTimes(2)
    })

    it('asks Stytch only within the client budget, and never once it is spent', async () => {
      const authenticateSession = vi.fn(() => Promise.reject(new MfaError('not_signed_in')))
      let left = 3
      const beforeUnverifiedCall = vi.fn((ip: string | undefined) => {
        expect(ip).toBe(LOCAL.ip)
        left -= 1
        return left >= 0
          ? Promise.resolve(() => Promise.resolve())
          : Promise.reject(new MfaError('rate_limited'))
      })
      const verifier = verifierOf(fakePort({ authenticateSession }), { beforeUnverifiedCall })
      const codes: string[] = []
      for (let i = 0; i < 6; i += 1) {
        await verifier
          .verify({ sessionToken: `junk-${String(i)}`, sessionJwt: undefined }, LOCAL)
          .catch((error: unknown) => codes.push((error as MfaError).code))
      }
      expect(codes).toEqual([
        'not_signed_in',
        'not_signed_in',
        'not_signed_in',
        'rate_limited',
        'rate_limited',
        'rate_limited',
      ])
      expect(authenticateSession).toHaveBeenCalledTimes(3)
    })

    it('gives the budget point back when the credentials were a live session (a refresh)', async () => {
      const gaveBack = vi.fn(() => Promise.resolve())
      const verifier = verifierOf(
        fakePort({
          verifySessionJwt: () => Promise.reject(new MfaError('not_signed_in')),
          authenticateSession: () => Promise.resolve(grantOf()),
        }),
        { beforeUnverifiedCall: () => Promise.resolve(gaveBack) },
      )
      await verifier.verify({ sessionToken: 'token-1', sessionJwt: undefined }, LOCAL)
      expect(gaveBack).toHaveBeenCalledTimes(1)
    })
  })

  describe('when checking with Stytch on every request', () => {
    it('never answers from memory', async () => {
      const authenticateSession = vi.fn(() => Promise.resolve(grantOf(memberSession(), 'x')))
      const verifier = verifierOf(
        fakePort({ authenticateSession, verifySessionJwt: verifiedAs(memberSession()) }),
      )
      const tokens = { sessionToken: 't', sessionJwt: jwtExpiringAt(T0 + 300_000, 'x') }
      await verifier.verify(tokens, STRICT)
      await verifier.verify(tokens, STRICT)
      expect(authenticateSession).toHaveBeenCalledTimes(2)
    })

    it('never shares one Stytch check between concurrent requests', async () => {
      const authenticateSession = vi.fn(() => Promise.resolve(grantOf(memberSession(), 'x')))
      const verifier = verifierOf(fakePort({ authenticateSession }))
      const tokens = { sessionToken: 't', sessionJwt: undefined }
      await Promise.all([1, 2, 3, 4].map(() => verifier.verify(tokens, STRICT)))
      expect(authenticateSession).toHaveBeenCalledTimes(4)
    })
  })

  describe('when the session was signed out', () => {
    function signedOut() {
      const revocations = new Revocations(undefined, () => T0)
      const session = memberSession()
      const verifySessionJwt = vi.fn(verifiedAs(session))
      const authenticateSession = vi.fn(() => Promise.resolve(grantOf(session, 'refreshed')))
      const verifier = verifierOf(fakePort({ verifySessionJwt, authenticateSession }), {
        revocations,
      })
      return { revocations, verifier, authenticateSession }
    }

    it('refuses a JWT remembered before the sign-out, in recall() and verify()', async () => {
      const { revocations, verifier } = signedOut()
      const tokens = { sessionToken: 't', sessionJwt: jwtExpiringAt(T0 + 300_000, 'a') }
      await verifier.verify(tokens, LOCAL)
      expect(verifier.recall(tokens, T0)).toBeDefined()
      await revocations.revoke('ms-1', T0 + 3_600_000)
      expect(verifier.recall(tokens, T0)).toBeUndefined()
      await expect(verifier.verify(tokens, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
    })

    it('refuses every other JWT of the session and every refresh of it', async () => {
      const { revocations, verifier, authenticateSession } = signedOut()
      await revocations.revoke('ms-1', T0 + 3_600_000)
      const another = { sessionToken: undefined, sessionJwt: jwtExpiringAt(T0 + 300_000, 'b') }
      await expect(verifier.verify(another, LOCAL)).rejects.toMatchObject({
        code: 'not_signed_in',
      })
      const refresh = { sessionToken: 'token-1', sessionJwt: undefined }
      await expect(verifier.verify(refresh, LOCAL)).rejects.toMatchObject({
        code: 'not_signed_in',
      })
      await expect(verifier.verify(refresh, STRICT)).rejects.toMatchObject({
        code: 'not_signed_in',
      })
      expect(authenticateSession).toHaveBeenCalled()
    })

    it('admits the session again only once the refusal lapsed', async () => {
      let now = T0
      const revocations = new Revocations(undefined, () => now)
      const verifier = verifierOf(fakePort({ verifySessionJwt: verifiedAs(memberSession()) }), {
        revocations,
        now: () => now,
      })
      await revocations.revoke('ms-1', T0 + 1000)
      const tokens = { sessionToken: undefined, sessionJwt: jwtExpiringAt(T0 + 300_000, 'c') }
      await expect(verifier.verify(tokens, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
      now = T0 + 1001
      await expect(verifier.verify(tokens, LOCAL)).resolves.toBeDefined()
    })
  })

  describe('with a revocation store', () => {
    function storeHandle() {
      let listener: RevocationListener | undefined
      const store: RevocationStore = {
        publish: () => Promise.resolve(),
        listen: (l) => {
          listener = l
        },
      }
      return {
        store,
        listener: () => {
          if (listener === undefined) throw new Error('not listening')
          return listener
        },
      }
    }

    it('refuses with 503 until the store delivered the sign-outs on record', async () => {
      const { store, listener } = storeHandle()
      const revocations = new Revocations(store, () => T0)
      const verifier = verifierOf(fakePort({ verifySessionJwt: verifiedAs(memberSession()) }), {
        revocations,
      })
      const tokens = { sessionToken: undefined, sessionJwt: jwtExpiringAt(T0 + 300_000, 'd') }
      await expect(verifier.verify(tokens, LOCAL)).rejects.toMatchObject({
        code: 'revocations_unavailable',
      })
      listener().revoked('ms-1', T0 + 60_000)
      listener().synced(true)
      await expect(verifier.verify(tokens, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
      listener().synced(false)
      await expect(verifier.verify(tokens, LOCAL)).rejects.toMatchObject({ code: 'not_signed_in' })
    })

    it('tells the store again, once it is back, about a sign-out it failed to record', async () => {
      const published: string[] = []
      let up = false
      let listener: RevocationListener | undefined
      const store: RevocationStore = {
        publish: (id) => {
          if (!up) return Promise.reject(new Error('down'))
          published.push(id)
          return Promise.resolve()
        },
        listen: (l) => {
          listener = l
        },
      }
      const revocations = new Revocations(store, () => T0)
      expect(await revocations.revoke('ms-9', T0 + 60_000)).toBe(false)
      expect(revocations.has('ms-9', T0)).toBe(true)
      up = true
      listener?.synced(true)
      await vi.waitFor(() => {
        expect(published).toEqual(['ms-9'])
      })
    })
  })

  describe('recall()', () => {
    const session = memberSession()
    async function remembered(jwts: readonly string[]): Promise<SessionVerifier> {
      const verifier = verifierOf(fakePort({ verifySessionJwt: verifiedAs(session) }))
      for (const jwt of jwts) await verifier.verify({ sessionToken: 't', sessionJwt: jwt }, LOCAL)
      return verifier
    }

    it('answers only for the exact JWT verified, not for one differing in any character', async () => {
      const jwt = jwtExpiringAt(T0 + 300_000, 'aaaa')
      const verifier = await remembered([jwt])
      expect(verifier.recall({ sessionToken: 't', sessionJwt: jwt }, T0)).toMatchObject({
        memberSessionId: session.memberSessionId,
      })
      for (const at of [5, 30, jwt.length - 5]) {
        const lookalike = `${jwt.slice(0, at)}${jwt[at] === 'A' ? 'B' : 'A'}${jwt.slice(at + 1)}`
        expect(verifier.recall({ sessionToken: 't', sessionJwt: lookalike }, T0)).toBeUndefined()
      }
    })

    it('answers no JWT that carries a verified signature under other claims', async () => {
      const jwt = jwtExpiringAt(T0 + 300_000, 'aaaa')
      const verifier = await remembered([jwt])
      const [, , signature = ''] = jwt.split('.')
      const claims = Buffer.from(JSON.stringify({ sub: 'member-2', id: 'ms-2' })).toString(
        'base64url',
      )
      const grafted = `${part({ alg: 'RS256' })}.${claims}.${signature}`
      expect(verifier.recall({ sessionToken: 't', sessionJwt: grafted }, T0)).toBeUndefined()
    })
  })
})
