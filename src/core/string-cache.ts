/**
 * @module A bounded map from long strings (JWTs, `Cookie` headers) to values, oldest first out.
 * A hit needs the whole string, byte for byte; the key it is filed under only finds the entry.
 */

interface Entry<V> {
  /** The string stored, or with `keepLatest` the one last found equal. */
  text: string
  readonly value: V
}

/**
 * A number made of the string's length and its last characters. Hashing the whole string (1–4 KB,
 * a new string on every request) cost more than the rest of the guard, and a string key a slice
 * and a hash; the tail of an RS256 signature, or of a Cookie header ending in one, is random. Two
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

export class StringCache<V> {
  readonly #entries = new Map<number, Entry<V>>()
  readonly #capacity: number
  readonly #keepLatest: boolean

  /**
   * @param capacity entries kept at most; 0 keeps none.
   * @param keepLatest on a hit, keep the string just compared instead of the stored one: worth it
   *   when callers present one string again and again (the JWT read from a remembered header),
   *   as the next comparison is then a pointer check; not when each string is new (a header).
   */
  constructor(capacity: number, { keepLatest = false }: { readonly keepLatest?: boolean } = {}) {
    this.#capacity = capacity
    this.#keepLatest = keepLatest
  }

  get(text: string): V | undefined {
    const entry = this.#entries.get(keyOf(text))
    if (entry === undefined || entry.text !== text) return undefined
    if (this.#keepLatest) entry.text = text
    return entry.value
  }

  set(text: string, value: V): void {
    if (this.#capacity === 0) return
    const key = keyOf(text)
    this.#entries.delete(key)
    this.#entries.set(key, { text, value })
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
  }

  delete(text: string): void {
    const key = keyOf(text)
    if (this.#entries.get(key)?.text === text) this.#entries.delete(key)
  }
}
