/**
 * @module Verifying member sessions for `requireMfa()`. A JWT verified locally is remembered
 * until it expires (verified-sessions.ts), so a steady stream of requests makes no Stytch call;
 * an expired JWT is refreshed once through Stytch, shared by concurrent requests.
 * Signed-out sessions are refused by their id (see revocations.ts), and credentials that did
 * not verify reach Stytch only within a per-client budget and once per refusal.
 */
import { decodeJwt } from 'jose'
import { MfaError } from './errors.js'
import type { Revocations } from './revocations.js'
import { RecentCookieReads, type SessionTokens } from './session-store.js'
import { StringCache } from './string-cache.js'
import { VerifiedSessions, credentialKey, type KnownSession } from './verified-sessions.js'
import type { SessionGrant, StytchPort } from './ports/stytch.js'

export interface Verified {
  readonly session: KnownSession
  /** New tokens to write back, when Stytch refreshed the session. */
  readonly refreshed: SessionGrant | undefined
}

/** How one verification may go. */
export interface VerifyOptions {
  /** Ask Stytch even when the JWT verifies locally (strict routes, logout). */
  readonly checkWithStytch: boolean
  /** The client, for the budget of Stytch calls on credentials that did not verify. */
  readonly ip: string | undefined
}

/**
 * Takes a point of the client's budget of Stytch calls on credentials that did not verify, or
 * rejects (`rate_limited`); resolves with a function that gives the point back.
 */
export type UnverifiedCallBudget = (ip: string | undefined) => Promise<() => Promise<void>>

/** Credentials Stytch refused are refused here without asking again for this long. */
const REFUSED_FOR_MS = 10 * 60 * 1000
const REFUSED_CAPACITY = 10_000

/**
 * True when every part of the JWT is base64url as an encoder writes it. Decoders accept other
 * spellings of the same bytes (padding, stray bits in the last character), so a copied JWT could
 * be re-spelled into a string no cache or list has seen; only the one spelling is accepted.
 */
function isCanonicalJwt(jwt: string): boolean {
  const parts = jwt.split('.')
  if (parts.length !== 3) return false
  return parts.every(
    (part) =>
      /^[A-Za-z0-9_-]+$/.test(part) &&
      Buffer.from(part, 'base64url').toString('base64url') === part,
  )
}

export class SessionVerifier {
  readonly #port: StytchPort
  readonly #now: () => Date
  readonly #revocations: Revocations
  readonly #beforeUnverifiedCall: UnverifiedCallBudget
  /** Verified JWTs, each until it expires. */
  readonly #verified: VerifiedSessions
  /**
   * Digests of tokens (or JWTs) Stytch said belong to no session, with the epoch ms until
   * refused: a digest, so a refused credential keeps no request string alive.
   */
  readonly #refused = new StringCache<number>(REFUSED_CAPACITY)
  readonly #refreshing = new Map<string, Promise<SessionGrant>>()
  /** The `Cookie` headers this instance's guards read lately, with what they read as. */
  readonly recentCookieReads = new RecentCookieReads(credentialKey)

  constructor(
    port: StytchPort,
    capacity: number,
    now: () => Date,
    revocations: Revocations,
    beforeUnverifiedCall: UnverifiedCallBudget,
  ) {
    this.#port = port
    this.#verified = new VerifiedSessions(capacity)
    this.#now = now
    this.#revocations = revocations
    this.#beforeUnverifiedCall = beforeUnverifiedCall
  }

  /**
   * The session of a JWT verified earlier and still inside its window, without waiting: the
   * path nearly every guarded request takes. `undefined` means "ask `verify()`", never "refused".
   */
  recall(tokens: SessionTokens, now: number): KnownSession | undefined {
    const { sessionJwt } = tokens
    if (sessionJwt === undefined) return undefined
    const session = this.#verified.get(tokens.sessionJwtKey ?? credentialKey(sessionJwt), now)
    if (session === undefined) return undefined
    if (!this.#revocations.empty && this.#revocations.has(session.memberSessionId, now)) {
      return undefined
    }
    return session
  }

  /**
   * Verifies the tokens. Rejects with `not_signed_in` when Stytch (or the JWT) says the
   * session is gone or it was signed out, `rate_limited` when the client spent its budget of
   * Stytch calls on credentials that did not verify, and a `stytch_*` code when it cannot be
   * known right now.
   */
  async verify(tokens: SessionTokens, options: VerifyOptions): Promise<Verified> {
    this.#revocations.assertSynced()
    const { sessionToken, sessionJwt } = tokens
    const now = this.#now().getTime()
    let local: KnownSession | undefined
    if (sessionJwt !== undefined) {
      if (!isCanonicalJwt(sessionJwt)) {
        throw new MfaError('not_signed_in', 'The session JWT is not canonical base64url')
      }
      const key = tokens.sessionJwtKey ?? credentialKey(sessionJwt)
      local = this.#verified.get(key, now) ?? (await this.#verifyLocally(sessionJwt, key, now))
      if (local !== undefined) this.#refuseIfRevoked(local, now)
      if (local !== undefined && !options.checkWithStytch) {
        return { session: local, refreshed: undefined }
      }
    }
    const key = sessionToken ?? sessionJwt
    if (key === undefined) throw new MfaError('not_signed_in')
    let giveBack: (() => Promise<void>) | undefined
    if (local === undefined) {
      const refusedUntil = this.#refused.get(credentialKey(key))
      if (refusedUntil !== undefined && refusedUntil > now) {
        throw new MfaError('not_signed_in', 'Stytch refused these credentials a moment ago')
      }
      giveBack = await this.#beforeUnverifiedCall(options.ip)
    }
    const { grant, session } = await this.#refresh(tokens, key, !options.checkWithStytch)
    void giveBack?.()
    this.#refuseIfRevoked(session, this.#now().getTime())
    return {
      session,
      refreshed:
        grant.sessionJwt === sessionJwt && grant.sessionToken === sessionToken ? undefined : grant,
    }
  }

  /**
   * Remembers the JWT of a session Stytch itself just returned (so its first request is free),
   * until the JWT's own `exp`: the same window a local verification would give it. Returns the
   * session as the guard reads it, remembered or not.
   */
  remember(grant: SessionGrant): KnownSession {
    let exp: number | undefined
    try {
      exp = decodeJwt(grant.sessionJwt).exp
    } catch {
      exp = undefined
    }
    const now = this.#now().getTime()
    // Without an `exp` the JWT is not remembered: the next request verifies it.
    const until =
      exp === undefined ? now : Math.min(exp * 1000, grant.memberSession.expiresAt.getTime())
    return this.#verified.set(credentialKey(grant.sessionJwt), grant.memberSession, until, now)
  }

  #refuseIfRevoked(session: KnownSession, now: number): void {
    if (this.#revocations.has(session.memberSessionId, now)) {
      throw new MfaError('not_signed_in', 'The session was signed out')
    }
  }

  async #verifyLocally(
    sessionJwt: string,
    key: string,
    now: number,
  ): Promise<KnownSession | undefined> {
    try {
      const { memberSession, jwtExpiresAt } = await this.#port.verifySessionJwt(sessionJwt)
      const until = Math.min(jwtExpiresAt.getTime(), memberSession.expiresAt.getTime())
      if (until <= now) return undefined
      return this.#verified.set(key, memberSession, until, now)
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
  async #refresh(
    tokens: SessionTokens,
    key: string,
    share: boolean,
  ): Promise<{ grant: SessionGrant; session: KnownSession }> {
    const credential =
      tokens.sessionToken === undefined ? { sessionJwt: key } : { sessionToken: key }
    let pending = share ? this.#refreshing.get(key) : undefined
    if (pending === undefined) {
      pending = this.#port.authenticateSession(credential)
      if (share) {
        pending = pending.finally(() => this.#refreshing.delete(key))
        this.#refreshing.set(key, pending)
      }
    }
    let grant
    try {
      grant = await pending
    } catch (error) {
      if (error instanceof MfaError && error.code === 'not_signed_in') {
        this.#refused.set(credentialKey(key), this.#now().getTime() + REFUSED_FOR_MS)
      }
      throw error
    }
    if (grant.memberSession.expiresAt.getTime() <= this.#now().getTime()) {
      throw new MfaError('not_signed_in', 'The Stytch session has expired')
    }
    return { grant, session: this.remember(grant) }
  }
}
