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

export class StringCache<V> {
  readonly #entries = new Map<number, Entry<V>>()
  readonly #capacity: number

  /** @param capacity entries kept at most; 0 keeps none. */
  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get(text: string): V | undefined {
    const entry = this.#entries.get(keyOf(text))
    return entry !== undefined && entry.text === text ? entry.value : undefined
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
}
