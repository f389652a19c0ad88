/**
 * @module A bounded map from long strings (JWTs, `Cookie` headers) to values, oldest first out.
 * A hit needs the whole string, byte for byte; the key it is filed under only finds the entry.
 */

interface Entry<V> {
  readonly text: string
  readonly value: V
}

/**
 * A number made of the string's length and its last characters. A `Map` keyed by the string
 * itself hashes all of it, 1–4 KB read anew on every request (docs/performance.md). The tail of
 * an RS256 signature, or of a `Cookie` header ending in one, differs from string to string; two
 * strings with one key only take turns in the map.
 */
function keyOf(text: string): number {
  const { length } = text
  let key = length
  for (let index = Math.max(0, length - 8); index < length; index += 1) {
    key = (Math.imul(key, 31) + text.charCodeAt(index)) | 0
  }
  // Small integers stay unboxed in V8 (a Smi): no allocation to look one up.
  return key & 0x3fffffff
}

export interface StringCacheOptions {
  /**
   * Keep a string only the second time it is offered while its key is among the last `capacity`
   * offered: strings that come back soon are kept, and a stream of strings that never come back
   * in time (more clients taking turns than the capacity) costs a number each, not an entry
   * that holds the string until it is pushed out.
   */
  readonly keepOnSecondSight?: boolean
}

export class StringCache<V> {
  readonly #entries = new Map<number, Entry<V>>()
  readonly #capacity: number
  /** Keys offered once lately, each with its slot in `#offerOrder` (with `keepOnSecondSight`). */
  readonly #offered: Map<number, number> | undefined
  readonly #offerOrder: Int32Array
  #nextOffer = 0

  /** @param capacity entries kept at most; 0 keeps none. */
  constructor(capacity: number, options: StringCacheOptions = {}) {
    this.#capacity = capacity
    const second = options.keepOnSecondSight === true
    this.#offered = second ? new Map() : undefined
    // A ring, not the Map's own order: the oldest of a Map that keeps losing its first entries
    // is found by skipping every deleted slot before it, ~1 µs a request with 10,000 clients.
    this.#offerOrder = new Int32Array(second ? capacity : 0).fill(-1)
  }

  get(text: string): V | undefined {
    const entry = this.#entries.get(keyOf(text))
    return entry !== undefined && entry.text === text ? entry.value : undefined
  }

  set(text: string, value: V): void {
    if (this.#capacity === 0) return
    const key = keyOf(text)
    const offered = this.#offered
    if (offered !== undefined && !this.#entries.has(key) && !offered.delete(key)) {
      const slot = this.#nextOffer
      const oldest = this.#offerOrder[slot] ?? -1
      // Unless it was offered again since, into another slot.
      if (oldest !== -1 && offered.get(oldest) === slot) offered.delete(oldest)
      this.#offerOrder[slot] = key
      this.#nextOffer = (slot + 1) % this.#capacity
      offered.set(key, slot)
      return
    }
    this.#entries.delete(key)
    this.#entries.set(key, { text, value })
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
  }
}
