/**
 * @module Revocations Stytch did not confirm at logout, tried again until it does or the
 * session lapses. Meanwhile the session is refused by this instance (and, with a revocation
 * store, by every instance): a failed revoke must not leave a copied cookie alive at Stytch.
 */
import type { EmitEvent } from './events.js'
import type { StytchPort } from './ports/stytch.js'
import type { KnownSession } from './verified-sessions.js'

/** Waits between tries: doubling from one second, at most a minute. */
const FIRST_DELAY_MS = 1000
const LONGEST_DELAY_MS = 60_000
/** Sessions waiting at most; past it the oldest is given up (and reported). */
const CAPACITY = 10_000

interface Pending {
  readonly session: KnownSession
  delayMs: number
  timer: NodeJS.Timeout | undefined
}

export class RevokeRetries {
  readonly #port: StytchPort
  readonly #emit: EmitEvent
  readonly #nowMs: () => number
  readonly #pending = new Map<string, Pending>()

  constructor(port: StytchPort, emit: EmitEvent, nowMs: () => number) {
    this.#port = port
    this.#emit = emit
    this.#nowMs = nowMs
  }

  /** Sessions still waiting for Stytch to confirm their revocation. */
  get size(): number {
    return this.#pending.size
  }

  /** Tries again later to revoke `session` at Stytch, until it confirms or the session lapses. */
  schedule(session: KnownSession): void {
    const id = session.memberSessionId
    if (this.#pending.has(id)) return
    if (this.#pending.size >= CAPACITY) {
      const [oldestId, oldest] = this.#pending.entries().next().value ?? []
      if (oldestId !== undefined && oldest !== undefined) this.#giveUp(oldestId, oldest)
    }
    const pending: Pending = { session, delayMs: FIRST_DELAY_MS, timer: undefined }
    this.#pending.set(id, pending)
    this.#arm(id, pending)
  }

  #arm(id: string, pending: Pending): void {
    // unref: a waiting retry never keeps the process alive on shutdown.
    pending.timer = setTimeout(() => void this.#try(id, pending), pending.delayMs).unref()
  }

  async #try(id: string, pending: Pending): Promise<void> {
    const { session } = pending
    if (session.expiresAtMs <= this.#nowMs()) {
      this.#pending.delete(id)
      return
    }
    try {
      await this.#port.revokeSession({ memberSessionId: id })
    } catch {
      pending.delayMs = Math.min(pending.delayMs * 2, LONGEST_DELAY_MS)
      if (this.#pending.get(id) === pending) this.#arm(id, pending)
      return
    }
    this.#pending.delete(id)
    this.#emit({
      type: 'session_revoked',
      memberId: session.memberId,
      organizationId: session.organizationId,
    })
  }

  #giveUp(id: string, pending: Pending): void {
    clearTimeout(pending.timer)
    this.#pending.delete(id)
    this.#emit({
      type: 'revoke_abandoned',
      memberId: pending.session.memberId,
      organizationId: pending.session.organizationId,
    })
  }
}
