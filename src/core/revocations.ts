/**
 * @module Signed-out sessions, refused by what they are (Stytch's `member_session_id`), not by
 * the bytes that carried them: every JWT of the session, however encoded, and every token
 * refreshed from it is refused alike. Only sessions that verified are recorded, so nobody can
 * fill the list with made-up tokens. With a store (Redis) every instance learns of a sign-out.
 */
import { MfaError } from './errors.js'
import type { RevocationStore } from './ports/revocation-store.js'

/** The list is swept of lapsed entries when it grows past this, then past twice its size. */
const FIRST_SWEEP = 1024

export class Revocations {
  /** `member_session_id` → epoch ms until which it is refused. */
  readonly #refused = new Map<string, number>()
  readonly #store: RevocationStore | undefined
  /** Revocations the store failed to record, told again when it is back. */
  readonly #unpublished = new Map<string, number>()
  readonly #nowMs: () => number
  #synced: boolean
  #nextSweep = FIRST_SWEEP

  constructor(store: RevocationStore | undefined, nowMs: () => number) {
    this.#store = store
    this.#nowMs = nowMs
    this.#synced = store === undefined
    store?.listen({
      revoked: (memberSessionId, until) => {
        this.#record(memberSessionId, until)
      },
      synced: (ok) => {
        // Once synced, a lost connection keeps what it knew: a sign-out elsewhere meanwhile
        // arrives when the store is back (it delivers the record again), see docs/security.md.
        if (!ok) return
        this.#synced = true
        void this.#publishUnpublished()
      },
    })
  }

  /** True when nothing was ever signed out: the guard then skips the lookup. */
  get empty(): boolean {
    return this.#refused.size === 0
  }

  /** True when the session was signed out here or, with a store, on any instance. */
  has(memberSessionId: string, nowMs: number): boolean {
    const until = this.#refused.get(memberSessionId)
    if (until === undefined) return false
    if (until > nowMs) return true
    this.#refused.delete(memberSessionId)
    return false
  }

  /**
   * Refuses with 503 while a configured store has not delivered the revocations on record yet
   * (just after start): a session signed out on another instance must not pass meanwhile.
   */
  assertSynced(): void {
    if (!this.#synced) {
      throw new MfaError(
        'revocations_unavailable',
        'The revocation store has not delivered the sign-outs on record yet',
      )
    }
  }

  /**
   * Refuses the session from now until `until` here, and tells the other instances.
   * @returns whether the store recorded it (`true` without a store: there is no one to tell).
   */
  async revoke(memberSessionId: string, until: number): Promise<boolean> {
    this.#record(memberSessionId, until)
    if (this.#store === undefined) return true
    try {
      await this.#store.publish(memberSessionId, until)
      return true
    } catch {
      // Told to the others once the store is back (`synced`); refused here meanwhile.
      this.#unpublished.set(memberSessionId, until)
      return false
    }
  }

  async #publishUnpublished(): Promise<void> {
    const store = this.#store
    if (store === undefined) return
    for (const [id, until] of this.#unpublished) {
      this.#unpublished.delete(id)
      if (until <= this.#nowMs()) continue
      try {
        await store.publish(id, until)
      } catch {
        this.#unpublished.set(id, until)
        return
      }
    }
  }

  #record(memberSessionId: string, until: number): void {
    const known = this.#refused.get(memberSessionId)
    if (known !== undefined && known >= until) return
    this.#refused.set(memberSessionId, until)
    if (this.#refused.size > this.#nextSweep) this.#sweep()
  }

  #sweep(): void {
    const now = this.#nowMs()
    for (const [id, until] of this.#refused) if (until <= now) this.#refused.delete(id)
    this.#nextSweep = Math.max(FIRST_SWEEP, this.#refused.size * 2)
  }
}
