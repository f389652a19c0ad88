/** A browser-like or API-like client over supertest, with its own cookie jar. */
import type { RequestListener } from 'node:http'
import request from 'supertest'
import type { Response } from 'supertest'
import { ORIGIN } from './apps.js'
import { CookieJar } from './cookie-jar.js'

export interface SendOptions {
  /** Send the body as a form (what a browser without JavaScript does). */
  readonly form?: boolean
  readonly headers?: Record<string, string>
  /** Act as a browser navigation (redirects) instead of an API client (JSON). */
  readonly browser?: boolean
}

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
    const headers: Record<string, string> = {
      'x-forwarded-proto': 'https',
      origin: ORIGIN,
      'sec-fetch-site': 'same-origin',
      ...(options.browser === true
        ? { 'sec-fetch-mode': 'navigate', accept: 'text/html' }
        : { 'sec-fetch-mode': 'cors', accept: 'application/json' }),
    }
    const cookie = this.jar.header()
    if (cookie !== undefined) headers.cookie = cookie
    return { ...headers, ...options.headers }
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
