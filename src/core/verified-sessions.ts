/**
 * @module The sessions one instance verified, kept for its guards until each JWT's own expiry,
 * so a request that presents one again is answered without a signature check or a Stytch call.
 *
 * Sized for every member active within a JWT's lifetime (all of them, behind a round-robin load
 * balancer): an entry is filed under a SHA-256 of the JWT, so it holds neither the JWT nor any
 * string of a request, and keeps only what a guard reads, in about 570 bytes (docs/performance.md). When the cache is full of live sessions, a new one is not let in until
 * an entry lapses: a working set beyond the capacity then keeps capacity ÷ working set of its
 * requests free of checks, where evicting the oldest would leave a cyclic one none.
 */
import { hash } from 'node:crypto'
import type { AuthenticationFactor, MemberSession } from './ports/stytch.js'

/** One authentication factor as the guard keeps it: times in epoch ms, not `Date` objects. */
export interface KnownFactor {
  readonly type: string
  readonly deliveryMethod: string
  readonly lastAuthenticatedAtMs: number | undefined
  readonly phoneNumber: string | undefined
  readonly emailAddress: string | undefined
}

/** A verified member session as the guard keeps it between requests. */
export interface KnownSession {
  readonly memberSessionId: string
  readonly memberId: string
  readonly organizationId: string
  readonly organizationSlug: string | undefined
  readonly roles: readonly string[]
  readonly startedAtMs: number | undefined
  readonly expiresAtMs: number
  readonly factors: readonly KnownFactor[]
  /** Epoch ms until which this verification may be reused: the JWT's `exp`, at most. */
  readonly untilMs: number
}

/** What many sessions share: their organization and roles. Kept once, frozen. */
interface Tenant {
  readonly organizationId: string
  readonly organizationSlug: string | undefined
  readonly roles: readonly string[]
}

/** How Stytch recorded a factor (`type`, `delivery_method`): a handful of pairs, kept once. */
interface Kind {
  readonly type: string
  readonly deliveryMethod: string
}

/** Tenants and kinds kept at most; past that, each session keeps its own (sessions bring them). */
const SHARED = 10_000

/** One copy of each value many sessions carry, found by its JSON. */
class Shared<T> {
  readonly #values = new Map<string, T>()

  of(value: T): T {
    const key = JSON.stringify(value)
    const known = this.#values.get(key)
    if (known !== undefined) return known
    const frozen = Object.freeze(value)
    if (this.#values.size < SHARED) this.#values.set(key, frozen)
    return frozen
  }
}

// Classes whose shared parts are read through getters: each entry holds one reference where a
// plain object would hold three (docs/performance.md, memory per session).

class Factor implements KnownFactor {
  constructor(
    readonly kind: Kind,
    readonly lastAuthenticatedAtMs: number | undefined,
    readonly phoneNumber: string | undefined,
    readonly emailAddress: string | undefined,
  ) {}

  get type(): string {
    return this.kind.type
  }

  get deliveryMethod(): string {
    return this.kind.deliveryMethod
  }
}

class Known implements KnownSession {
  constructor(
    readonly memberSessionId: string,
    readonly memberId: string,
    readonly tenant: Tenant,
    readonly startedAtMs: number | undefined,
    readonly expiresAtMs: number,
    readonly factors: readonly KnownFactor[],
    readonly untilMs: number,
  ) {}

  get organizationId(): string {
    return this.tenant.organizationId
  }

  get organizationSlug(): string | undefined {
    return this.tenant.organizationSlug
  }

  get roles(): readonly string[] {
    return this.tenant.roles
  }
}

/**
 * The key a JWT (or a session token) is filed under: its SHA-256, 32 characters. Only the exact
 * string finds an entry: a JWT changed anywhere, or spelled another way, is another key.
 */
export function credentialKey(credential: string): string {
  // 'binary': one character per byte, the shortest string a digest makes.
  return hash('sha256', credential, 'binary')
}

/**
 * The session the guard hands to the app: built afresh for every request, so an app that
 * changes it (a `Date` set to another time, a role pushed) changes nothing another request sees.
 */
export function memberSessionOf(known: KnownSession): MemberSession {
  return {
    memberSessionId: known.memberSessionId,
    memberId: known.memberId,
    organizationId: known.organizationId,
    organizationSlug: known.organizationSlug,
    startedAt: known.startedAtMs === undefined ? undefined : new Date(known.startedAtMs),
    expiresAt: new Date(known.expiresAtMs),
    authenticationFactors: known.factors.map((factor): AuthenticationFactor => ({
      type: factor.type,
      deliveryMethod: factor.deliveryMethod,
      lastAuthenticatedAt:
        factor.lastAuthenticatedAtMs === undefined
          ? undefined
          : new Date(factor.lastAuthenticatedAtMs),
      phoneNumber: factor.phoneNumber,
      emailAddress: factor.emailAddress,
    })),
    // Frozen, shared by the sessions with these roles.
    roles: known.roles,
  }
}

export class VerifiedSessions {
  readonly #entries = new Map<string, KnownSession>()
  readonly #capacity: number
  readonly #tenants = new Shared<Tenant>()
  readonly #kinds = new Shared<Kind>()

  /** @param capacity sessions kept at most; 0 keeps none. */
  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get size(): number {
    return this.#entries.size
  }

  /** The session filed under `key`, while its verification lasts. */
  get(key: string, nowMs: number): KnownSession | undefined {
    const known = this.#entries.get(key)
    if (known === undefined) return undefined
    if (known.untilMs > nowMs) return known
    this.#entries.delete(key)
    return undefined
  }

  /** Keeps `session` under `key` until `untilMs`, if there is room; returns what the guard reads. */
  set(key: string, session: MemberSession, untilMs: number, nowMs: number): KnownSession {
    const known = this.#known(session, untilMs)
    if (this.#capacity === 0 || untilMs <= nowMs) return known
    if (!this.#entries.has(key) && this.#entries.size >= this.#capacity) {
      this.#dropLapsed(nowMs)
      if (this.#entries.size >= this.#capacity) return known
    }
    this.#entries.set(key, known)
    return known
  }

  /**
   * Every JWT lives as long as the next (5 minutes at Stytch), so the entries first in are the
   * first to lapse: those are dropped from the front, stopping at the first live one.
   */
  #dropLapsed(nowMs: number): void {
    for (const [key, known] of this.#entries) {
      if (known.untilMs > nowMs) return
      this.#entries.delete(key)
    }
  }

  #known(session: MemberSession, untilMs: number): KnownSession {
    const tenant = this.#tenants.of({
      organizationId: session.organizationId,
      organizationSlug: session.organizationSlug,
      roles: Object.freeze([...session.roles]),
    })
    const factors = session.authenticationFactors.map(
      (factor) =>
        new Factor(
          this.#kinds.of({ type: factor.type, deliveryMethod: factor.deliveryMethod }),
          factor.lastAuthenticatedAt?.getTime(),
          factor.phoneNumber,
          factor.emailAddress,
        ),
    )
    return new Known(
      session.memberSessionId,
      session.memberId,
      tenant,
      session.startedAt?.getTime(),
      session.expiresAt.getTime(),
      factors,
      untilMs,
    )
  }
}
