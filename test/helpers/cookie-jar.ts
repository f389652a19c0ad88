/** A cookie jar that sends Secure cookies over the test's plain http and keeps every detail. */
import { parseSetCookie, type SetCookie } from 'cookie'

export class CookieJar {
  readonly #cookies = new Map<string, string>()

  /** Applies every Set-Cookie of a response (in order); returns them parsed. */
  store(setCookie: readonly string[] | string | undefined): SetCookie[] {
    const values = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]
    const parsed = values.map((value: string) => parseSetCookie(value))
    for (const cookie of parsed) {
      if (cookie.value === undefined || cookie.value === '' || cookie.maxAge === 0) {
        this.#cookies.delete(cookie.name)
      } else {
        this.#cookies.set(cookie.name, cookie.value)
      }
    }
    return parsed
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  delete(name: string): void {
    this.#cookies.delete(name)
  }

  names(): string[] {
    return [...this.#cookies.keys()]
  }

  /** The `Cookie` request header, or `undefined` when empty. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  clone(): CookieJar {
    const copy = new CookieJar()
    for (const [name, value] of this.#cookies) copy.set(name, value)
    return copy
  }
}
