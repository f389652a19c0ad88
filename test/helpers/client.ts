/** A browser-like or API-like client over supertest, with its own cookie jar. */
import type { RequestListener } from 'node:http'
import request from 'supertest'
import type { Response } from 'supertest'
import { ORIGIN } from './apps.js'
import { CookieJar } from './cookie-jar.js'

/** What kind of client sends a request, and anything it adds. */
export interface HeaderOptions {
  /** A browser navigation or form post (redirects) rather than an API client (JSON). */
  readonly browser?: boolean
  /** Behind the TLS proxy (`X-Forwarded-Proto: https`). @default true */
  readonly https?: boolean
  /** Extra headers, by any case; `null` removes a default one. */
  readonly headers?: Readonly<Record<string, string | null>>
}

/**
 * The headers of a request from a page of {@link ORIGIN}, or from an API client on it: the
 * one policy every client of the tests follows. `host` is left to the transport unless given.
 */
export function clientHeaders(
  options: HeaderOptions,
  from: { readonly host?: string; readonly cookie?: string | undefined } = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    ...(from.host === undefined ? {} : { host: from.host }),
    origin: ORIGIN,
    'sec-fetch-site': 'same-origin',
    'x-forwarded-proto': options.https === false ? 'http' : 'https',
    ...(options.browser === true
      ? { 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml' }
      : { 'sec-fetch-mode': 'cors', accept: 'application/json' }),
  }
  if (from.cookie !== undefined) headers.cookie = from.cookie
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) Reflect.deleteProperty(headers, name.toLowerCase())
    else headers[name.toLowerCase()] = value
  }
  return headers
}

export interface SendOptions extends HeaderOptions {
  /** Send the body as a form (what a browser without JavaScript does). */
  readonly form?: boolean
}

/**
 * The client for a bare listener (supertest starts it per request, on a loopback `Host`).
 * The security suite's `Browser` (security/harness/http.ts) is the same client over real
 * sockets to a listening app, with raw bodies and timings; both follow {@link clientHeaders}
 * and keep cookies in a {@link CookieJar}.
 */
export class Client {
  readonly jar: CookieJar
  readonly #listener: RequestListener
  /** Every Set-Cookie header this client received, in order. */
  readonly setCookies: string[] = []

  constructor(listener: RequestListener, jar = new CookieJar()) {
    this.#listener = listener
    this.jar = jar
  }

  #headers(options: SendOptions): Record<string, string> {
    return clientHeaders(options, { cookie: this.jar.header() })
  }

  #keep(res: Response): Response {
    const values = res.headers['set-cookie'] as string[] | string | undefined
    const list = values === undefined ? [] : Array.isArray(values) ? values : [values]
    this.setCookies.push(...list)
    this.jar.store(list)
    return res
  }

  async post(
    path: string,
    body: Record<string, unknown> = {},
    options: SendOptions = {},
  ): Promise<Response> {
    const req = request(this.#listener).post(path).set(this.#headers(options))
    const res =
      options.form === true
        ? await req.type('form').send(body as Record<string, string>)
        : await req.send(body)
    return this.#keep(res)
  }

  async get(path: string, options: SendOptions = {}): Promise<Response> {
    return this.#keep(await request(this.#listener).get(path).set(this.#headers(options)))
  }
}
