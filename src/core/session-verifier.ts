/**
 * @module Verifying member sessions for `requireMfa()`. A JWT verified locally is remembered
 * until it expires (bounded memory, oldest first out), so a steady stream of requests makes no
 * Stytch call; an expired JWT is refreshed once through Stytch, shared by concurrent requests.
 */
import { decodeJwt } from 'jose'
import { MfaError } from './errors.js'
import type { SessionTokens } from './session-store.js'
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
}

export class SessionVerifier {
  readonly #port: StytchPort
  readonly #capacity: number
  readonly #now: () => Date
  readonly #verified = new Map<string, Remembered>()
  readonly #refreshing = new Map<string, Promise<SessionGrant>>()

  constructor(port: StytchPort, capacity: number, now: () => Date) {
    this.#port = port
    this.#capacity = capacity
    this.#now = now
  }

  /**
   * Verifies the tokens. Rejects with `not_signed_in` when Stytch (or the JWT) says the
   * session is gone, and with a `stytch_*` code when that cannot be known right now.
   */
  async verify(tokens: SessionTokens, checkWithStytch: boolean): Promise<Verified> {
    const { sessionToken, sessionJwt } = tokens
    if (!checkWithStytch && sessionJwt !== undefined) {
      const now = this.#now().getTime()
      const known = this.#verified.get(sessionJwt)
      if (known !== undefined && known.until > now) {
        return { memberSession: known.memberSession, refreshed: undefined }
      }
      const local = await this.#verifyLocally(sessionJwt, now)
      if (local !== undefined) return { memberSession: local, refreshed: undefined }
    }
    const grant = await this.#refresh(tokens)
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
    this.#store(grant.sessionJwt, { memberSession: grant.memberSession, until })
  }

  /** Forgets a JWT (at logout), so this instance refuses it at once. */
  forget(sessionJwt: string | undefined): void {
    if (sessionJwt !== undefined) this.#verified.delete(sessionJwt)
  }

  async #verifyLocally(sessionJwt: string, now: number): Promise<MemberSession | undefined> {
    try {
      const { memberSession, jwtExpiresAt } = await this.#port.verifySessionJwt(sessionJwt)
      const until = Math.min(jwtExpiresAt.getTime(), memberSession.expiresAt.getTime())
      if (until <= now) return undefined
      this.#store(sessionJwt, { memberSession, until })
      return memberSession
    } catch (error) {
      // An expired or invalid JWT goes to Stytch; trouble reaching the JWKS fails closed.
      if (error instanceof MfaError && error.code === 'not_signed_in') return undefined
      throw error
    }
  }

  async #refresh(tokens: SessionTokens): Promise<SessionGrant> {
    const { sessionToken, sessionJwt } = tokens
    const key = sessionToken ?? sessionJwt
    if (key === undefined) throw new MfaError('not_signed_in')
    let pending = this.#refreshing.get(key)
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

  #store(sessionJwt: string, entry: Remembered): void {
    if (this.#capacity === 0) return
    this.#verified.delete(sessionJwt)
    this.#verified.set(sessionJwt, entry)
    if (this.#verified.size > this.#capacity) {
      const oldest = this.#verified.keys().next()
      if (oldest.done !== true) this.#verified.delete(oldest.value)
    }
  }
}
