/**
 * @module Signs a member in through the app's real routes (email code, then SMS code, both read
 * from the emulator's outbox), like a browser would, and keeps the cookies it was given.
 */
import { parseSetCookie } from 'cookie'
import type { Emulator } from '../src/emulator/index.js'
import { ORIGIN } from './shared.js'

export interface BenchMember {
  readonly email: string
  readonly phone: string
}

/** The cookies of one client: `Set-Cookie` applied in order, deletions included. */
export class Jar {
  readonly #cookies = new Map<string, string>()

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const { name, value, maxAge } = parseSetCookie(line)
      if (value === undefined || value === '' || maxAge === 0) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  has(name: string): boolean {
    return this.#cookies.has(name)
  }

  pairs(): string[] {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`)
  }
}

/** The headers of every bench request: TLS said by a trusted proxy, an API client. */
export const CLIENT_HEADERS = {
  'x-forwarded-proto': 'https',
  accept: 'application/json',
  'sec-fetch-mode': 'cors',
} as const

async function post(origin: string, path: string, body: object, jar: Jar): Promise<void> {
  const response = await fetch(new URL(path, origin), {
    method: 'POST',
    headers: {
      ...CLIENT_HEADERS,
      'content-type': 'application/json',
      origin: ORIGIN,
      'sec-fetch-site': 'same-origin',
      cookie: jar.pairs().join('; '),
    },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`POST ${path}: ${String(response.status)} ${text}`)
  jar.store(response)
}

/**
 * Runs the whole sign-in against `origin` (routes under `prefix`) and returns the cookies.
 * The SMS is sent by Stytch at the email step when the member has a phone; sent here otherwise.
 */
export async function signIn(
  emulator: Emulator,
  origin: string,
  prefix: string,
  member: BenchMember,
  organization: string,
): Promise<Jar> {
  const jar = new Jar()
  await post(origin, `${prefix}/auth/email/send`, { email: member.email, organization }, jar)
  const emailCode = emulator.lastCode(member.email)
  if (emailCode === undefined) throw new Error(`no email code for ${member.email}`)
  const smsBefore = emulator.outbox({ to: member.phone }).length
  await post(origin, `${prefix}/auth/email/verify`, { code: emailCode }, jar)
  if (emulator.outbox({ to: member.phone }).length === smsBefore) {
    await post(origin, `${prefix}/auth/sms/send`, {}, jar)
  }
  const smsCode = emulator.lastCode(member.phone)
  if (smsCode === undefined) throw new Error(`no SMS code for ${member.phone}`)
  await post(origin, `${prefix}/auth/sms/verify`, { code: smsCode }, jar)
  return jar
}
