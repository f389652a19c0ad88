/**
 * @module Verifying member sessions for `requireMfa()`. A JWT verified locally is remembered
 * until it expires (bounded memory, oldest first out), so a steady stream of requests makes no
 * Stytch call; an expired JWT is refreshed once through Stytch, shared by concurrent requests.
 */
import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import { MfaError } from './errors.js'
import type { SessionTokens } from './session-store.js'
import { StringCache } from './string-cache.js'
import type { MemberSession, SessionGrant, StytchPort } from '../stytch/port.js'

export interface Verified {
  readonly memberSession: MemberSession
  /** New tokens to write back, when Stytch refreshed the session. */
  readonly refreshed: SessionGrant | undefined
}

interface Remembered {
  readonly memberSession: MemberSession
  /** Epoch ms until which the verification may be reused. */
  readonly until: number
  /**
   * The session token last presented with this JWT and found not signed out, and the count of
   * sign-outs then: the same pair is not looked up again until the next sign-out.
   */
  clearedToken: string | undefined
  clearedAt: number
}

/** Stytch's JWTs live 5 minutes, plus the largest clock tolerance the options allow. */
const JWT_LIFETIME_MS = (300 + 60) * 1000
/** Signed-out credentials remembered at most (hashes: about 100 bytes each). */
const REVOKED_CAPACITY = 50_000

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

export class SessionVerifier {
  readonly #port: StytchPort
  readonly #now: () => Date
  /**
   * Verified JWTs, each until it expires. A JWT Stytch returned at sign-in is another string than
   * the one later read from the member's cookie: after one full comparison, the latter is kept.
   */
  readonly #verified: StringCache<Remembered>
  readonly #refreshing = new Map<string, Promise<SessionGrant>>()
  /** Hashes of credentials signed out here, with the epoch ms until which they are refused. */
  readonly #revoked = new Map<string, number>()
  /** Sign-outs so far (see `Remembered.clearedAt`). */
  #revocations = 0

  constructor(port: StytchPort, capacity: number, now: () => Date) {
    this.#port = port
    this.#verified = new StringCache(capacity, { keepLatest: true })
    this.#now = now
  }

  /**
   * The session of a JWT verified earlier and still inside its window, without waiting: the
   * path nearly every guarded request takes. `undefined` means "ask `verify()`", never "refused".
   */
  recall(tokens: SessionTokens, now: number): MemberSession | undefined {
    const { sessionToken, sessionJwt } = tokens
    if (sessionJwt === undefined) return undefined
    const known = this.#verified.get(sessionJwt)
    if (known === undefined || known.until <= now) return undefined
    // After a sign-out here, each JWT and token pair is hashed and looked up once, not on every
    // request: another JWT of a signed-out session must still be refused with its token.
    if (
      this.#revoked.size !== 0 &&
      (known.clearedAt !== this.#revocations || known.clearedToken !== sessionToken)
    ) {
      if (this.#isRevoked(sessionToken) || this.#isRevoked(sessionJwt)) return undefined
      known.clearedToken = sessionToken
      known.clearedAt = this.#revocations
    }
    return known.memberSession
  }

  /**
   * Verifies the tokens. Rejects with `not_signed_in` when Stytch (or the JWT) says the
   * session is gone, and with a `stytch_*` code when that cannot be known right now.
   */
  async verify(tokens: SessionTokens, checkWithStytch: boolean): Promise<Verified> {
    const { sessionToken, sessionJwt } = tokens
    if (this.#isRevoked(sessionToken) || this.#isRevoked(sessionJwt)) {
      throw new MfaError('not_signed_in', 'The session was signed out on this instance')
    }
    if (!checkWithStytch && sessionJwt !== undefined) {
      const now = this.#now().getTime()
      const known = this.#verified.get(sessionJwt)
      if (known !== undefined && known.until > now) {
        return { memberSession: known.memberSession, refreshed: undefined }
      }
      const local = await this.#verifyLocally(sessionJwt, now)
      if (local !== undefined) return { memberSession: local, refreshed: undefined }
    }
    const grant = await this.#refresh(tokens, !checkWithStytch)
    return {
      memberSession: grant.memberSession,
      refreshed:
        grant.sessionJwt === sessionJwt && grant.sessionToken === sessionToken ? undefined : grant,
    }
  }

  /**
   * Remembers the JWT of a session Stytch itself just returned (so its first request is free),
   * until the JWT's own `exp`: the same window a local verification would give it.
   */
  remember(grant: SessionGrant): void {
    let exp: number | undefined
    try {
      exp = decodeJwt(grant.sessionJwt).exp
    } catch {
      return
    }
    if (exp === undefined) return
    const until = Math.min(exp * 1000, grant.memberSession.expiresAt.getTime())
    this.#store(grant.sessionJwt, grant.memberSession, until)
  }

  /** Forgets the remembered verification of a JWT (the next request verifies it again). */
  forget(sessionJwt: string | undefined): void {
    if (sessionJwt !== undefined) this.#verified.delete(sessionJwt)
  }

  /**
   * Refuses signed-out credentials on this instance from now on (logout). Forgetting the JWT
   * alone is not enough: it still verifies locally until its `exp` (up to 5 minutes), and when
   * Stytch failed to revoke, the session token still refreshes at Stytch. Found by the security
   * suite (C3/C5): a replayed cookie was admitted right after logout on the same instance.
   * @param sessionLifetimeSeconds how long a session token could live (the session duration).
   */
  revoke(tokens: SessionTokens, sessionLifetimeSeconds: number): void {
    const now = this.#now().getTime()
    const { sessionToken, sessionJwt } = tokens
    this.#revocations += 1
    if (sessionJwt !== undefined) {
      this.forget(sessionJwt)
      this.#deny(sessionJwt, now + JWT_LIFETIME_MS)
    }
    if (sessionToken !== undefined) this.#deny(sessionToken, now + sessionLifetimeSeconds * 1000)
  }

  #deny(credential: string, until: number): void {
    const key = digest(credential)
    this.#revoked.delete(key)
    this.#revoked.set(key, until)
    if (this.#revoked.size > REVOKED_CAPACITY) {
      const oldest = this.#revoked.keys().next()
      if (oldest.done !== true) this.#revoked.delete(oldest.value)
    }
  }

  #isRevoked(credential: string | undefined): boolean {
    if (credential === undefined || this.#revoked.size === 0) return false
    const key = digest(credential)
    const until = this.#revoked.get(key)
    if (until === undefined) return false
    if (until > this.#now().getTime()) return true
    this.#revoked.delete(key)
    return false
  }

  async #verifyLocally(sessionJwt: string, now: number): Promise<MemberSession | undefined> {
    try {
      const { memberSession, jwtExpiresAt } = await this.#port.verifySessionJwt(sessionJwt)
      const until = Math.min(jwtExpiresAt.getTime(), memberSession.expiresAt.getTime())
      if (until <= now) return undefined
      this.#store(sessionJwt, memberSession, until)
      return memberSession
    } catch (error) {
      // An expired or invalid JWT goes to Stytch; trouble reaching the JWKS fails closed.
      if (error instanceof MfaError && error.code === 'not_signed_in') return undefined
      throw error
    }
  }

  /**
   * Asks Stytch. A refresh is shared by concurrent requests; a check with Stytch on every
   * request is not: joining a call that started before this request could miss a revocation
   * made in between.
   */
  async #refresh(tokens: SessionTokens, share: boolean): Promise<SessionGrant> {
    const { sessionToken, sessionJwt } = tokens
    const key = sessionToken ?? sessionJwt
    if (key === undefined) throw new MfaError('not_signed_in')
    let pending = share ? this.#refreshing.get(key) : undefined
    if (pending === undefined && !share) {
      pending = this.#port.authenticateSession(
        sessionToken === undefined ? { sessionJwt: key } : { sessionToken: key },
      )
    }
    if (pending === undefined) {
      pending = this.#port
        .authenticateSession(
          sessionToken === undefined ? { sessionJwt: key } : { sessionToken: key },
        )
        .finally(() => this.#refreshing.delete(key))
      this.#refreshing.set(key, pending)
    }
    const grant = await pending
    if (grant.memberSession.expiresAt.getTime() <= this.#now().getTime()) {
      throw new MfaError('not_signed_in', 'The Stytch session has expired')
    }
    this.remember(grant)
    return grant
  }

  #store(sessionJwt: string, memberSession: MemberSession, until: number): void {
    this.#verified.set(sessionJwt, { memberSession, until, clearedToken: undefined, clearedAt: -1 })
  }
}
