/**
 * Clients of a case's app over real HTTP on 127.0.0.1: a browser-like or API-like client with
 * a cookie jar that sees every Set-Cookie (duplicates included), and raw HTTP/1.1 exchanges for
 * bytes no client library would send.
 */
import http from 'node:http'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import { ORIGIN } from '../../helpers/apps.js'
import { clientHeaders, type HeaderOptions } from '../../helpers/client.js'
import { CookieJar } from '../../helpers/cookie-jar.js'

export const HOST = new URL(ORIGIN).host

export interface HttpResponse {
  readonly status: number
  /** Response headers by lower-case name (repeated ones joined with `, `, Set-Cookie apart). */
  readonly headers: Readonly<Record<string, string>>
  /** Every Set-Cookie, in order. */
  readonly setCookies: readonly string[]
  readonly text: string
  /** The JSON body, if the response is JSON. */
  readonly body: Record<string, unknown> | undefined
  readonly ms: number
}

export type RawResponse = HttpResponse & {
  /** The server closed or reset the connection before a complete response. */
  readonly closedEarly: boolean
}

export type BrowserOptions = Omit<HeaderOptions, 'headers'>

export interface SendOptions extends HeaderOptions {
  /** Send the body as a form. */
  readonly form?: boolean
  /** Send these bytes as the body (with `contentType`). */
  readonly raw?: string | Buffer
  /** `null` sends no Content-Type. */
  readonly contentType?: string | null
  /** Neither send nor update the jar. @default false */
  readonly noJar?: boolean
}

/** Where a client sends its requests, and who watches them. */
export interface Endpoint {
  port(): Promise<number>
  readonly agent: http.Agent
  /** Sees every exchange (for the secret scan and the summary). */
  observe(body: unknown, response: HttpResponse): void
}

function parseBody(text: string, type: string | undefined): Record<string, unknown> | undefined {
  if (type === undefined || !type.includes('json') || text === '') return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function encodeBody(
  body: unknown,
  options: SendOptions,
): { payload: Buffer | undefined; type: string | undefined } {
  if (options.raw !== undefined) {
    return { payload: Buffer.from(options.raw), type: options.contentType ?? undefined }
  }
  if (body === undefined) return { payload: undefined, type: options.contentType ?? undefined }
  if (options.form === true) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item))
    }
    return {
      payload: Buffer.from(params.toString()),
      type: options.contentType === undefined ? 'application/x-www-form-urlencoded' : undefined,
    }
  }
  return {
    payload: Buffer.from(JSON.stringify(body)),
    type: options.contentType === undefined ? 'application/json' : undefined,
  }
}

export class Browser {
  readonly jar: CookieJar
  readonly #endpoint: Endpoint
  readonly #defaults: BrowserOptions

  constructor(endpoint: Endpoint, defaults: BrowserOptions = {}, jar = new CookieJar()) {
    this.#endpoint = endpoint
    this.#defaults = defaults
    this.jar = jar
  }

  /** The same browser (same jar, copied) on another app. */
  on(endpoint: Endpoint): Browser {
    return new Browser(endpoint, this.#defaults, this.jar.clone())
  }

  headersFor(options: SendOptions = {}): Record<string, string> {
    const kind = {
      browser: options.browser ?? this.#defaults.browser,
      https: options.https ?? this.#defaults.https,
      headers: options.headers,
    }
    return clientHeaders(kind, {
      host: HOST,
      cookie: options.noJar === true ? undefined : this.jar.header(),
    })
  }

  post(path: string, body?: unknown, options: SendOptions = {}): Promise<HttpResponse> {
    return this.send('POST', path, body, options)
  }

  get(path: string, options: SendOptions = {}): Promise<HttpResponse> {
    return this.send('GET', path, undefined, options)
  }

  async send(
    method: string,
    path: string,
    body?: unknown,
    options: SendOptions = {},
  ): Promise<HttpResponse> {
    const headers = this.headersFor(options)
    const { payload, type } = encodeBody(body, options)
    if (type !== undefined && !('content-type' in headers)) headers['content-type'] = type
    if (payload !== undefined) headers['content-length'] = String(payload.length)
    const port = await this.#endpoint.port()
    const started = performance.now()
    const response = await new Promise<HttpResponse>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path, headers, agent: this.#endpoint.agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const flat: Record<string, string> = {}
            for (const [name, value] of Object.entries(res.headers)) {
              if (name === 'set-cookie' || value === undefined) continue
              flat[name] = Array.isArray(value) ? value.join(', ') : value
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: flat,
              setCookies: res.headers['set-cookie'] ?? [],
              text,
              body: parseBody(text, flat['content-type']),
              ms: performance.now() - started,
            })
          })
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
    if (options.noJar !== true) this.jar.store([...response.setCookies])
    this.#endpoint.observe(options.raw ?? body, response)
    return response
  }
}

function parseRaw(data: Buffer, started: number, closedEarly: boolean): RawResponse {
  const text = data.toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  const head = end === -1 ? text : text.slice(0, end)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0)
  const headers: Record<string, string> = {}
  const setCookies: string[] = []
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon === -1) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'set-cookie') setCookies.push(value)
    else headers[name] = name in headers ? `${headers[name] ?? ''}, ${value}` : value
  }
  let body = end === -1 ? '' : data.subarray(Buffer.byteLength(head, 'latin1') + 4).toString('utf8')
  if (headers['transfer-encoding']?.includes('chunked') === true) {
    let decoded = ''
    let rest = body
    for (;;) {
      const lineEnd = rest.indexOf('\r\n')
      const size = parseInt(rest.slice(0, lineEnd), 16)
      if (lineEnd === -1 || !Number.isFinite(size) || size === 0) break
      decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size)
      rest = rest.slice(lineEnd + 2 + size + 2)
    }
    body = decoded
  }
  return {
    status,
    headers,
    setCookies,
    text: body,
    body: parseBody(body, headers['content-type']),
    ms: performance.now() - started,
    closedEarly: closedEarly || status === 0,
  }
}

export interface RawExchange {
  readonly chunks?: readonly (string | Buffer)[]
  readonly intervalMs?: number
  readonly timeoutMs?: number
  readonly closeAfterWrite?: boolean
}

/** One raw exchange on a fresh connection: the response as far as it came. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: RawExchange = {},
): Promise<RawResponse> {
  const started = performance.now()
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let done = false
    let pump: NodeJS.Timeout | undefined
    const finish = (closedEarly: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(pump)
      socket.destroy()
      resolve(parseRaw(Buffer.concat(received), started, closedEarly))
    }
    const timer = setTimeout(() => {
      finish(true)
    }, options.timeoutMs ?? 5000)
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      const text = Buffer.concat(received).toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return
      // A complete response with a Content-Length: no need to wait for the close.
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1]
      if (length !== undefined && Buffer.byteLength(text, 'latin1') >= end + 4 + Number(length)) {
        finish(false)
      }
    })
    socket.on('end', () => {
      finish(false)
    })
    socket.on('close', () => {
      finish(received.length === 0)
    })
    // A reset while writing (the server answered early and closed) still lets the answer that
    // arrived be read: stop writing, and finish on close.
    let failed = false
    socket.on('error', () => {
      failed = true
    })
    socket.write(request)
    const chunks = [...(options.chunks ?? [])]
    const next = () => {
      if (done || failed || received.length > 0) return
      const chunk = chunks.shift()
      if (chunk === undefined) {
        if (options.closeAfterWrite === true) socket.end()
        return
      }
      socket.write(chunk)
      pump = setTimeout(next, options.intervalMs ?? 0)
    }
    next()
  })
}
