/**
 * A test app served on 127.0.0.1 with every exchange recorded on the server side (status and
 * the headers as the app set them, Set-Cookie duplicates included), tagged with the phase of
 * the case it happened in.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { TestApp } from '../../helpers/apps.js'
import type { Endpoint, HttpResponse } from './http.js'

/** Setup prepares, attack is what the case tests, check is the runner's own requests. */
export type Phase = 'setup' | 'attack' | 'check'

export interface Exchange {
  readonly phase: Phase
  readonly method: string
  readonly url: string
  /** The request came over the TLS proxy (`X-Forwarded-Proto: https`). */
  readonly https: boolean
  readonly status: number
  readonly headers: Readonly<Record<string, unknown>>
  readonly setCookies: readonly string[]
  readonly ms: number
  /** False when the connection closed before the response was complete. */
  readonly finished: boolean
}

/** What every app of one case writes to. */
export interface Recording {
  phase: Phase
  readonly exchanges: Exchange[]
  /** Client-side view: request bodies and complete responses (for the secret scan). */
  readonly responses: {
    readonly phase: Phase
    readonly body: unknown
    readonly response: HttpResponse
  }[]
}

export class CaseApp implements Endpoint {
  readonly test: TestApp
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
  /** Changes the raw request before the framework sees it (A15: pre-populated properties). */
  decorate: ((req: http.IncomingMessage) => void) | undefined
  readonly #recording: Recording
  #server: http.Server | undefined
  #listening: Promise<number> | undefined

  /** False when the app does not trust X-Forwarded-Proto (then no request is https). */
  readonly #trustsProxy: boolean

  constructor(test: TestApp, recording: Recording, trustsProxy = true) {
    this.test = test
    this.#recording = recording
    this.#trustsProxy = trustsProxy
  }

  get events() {
    return this.test.events
  }

  /** Requests the guards admitted, all paths together. */
  admittedTotal(): number {
    let total = 0
    for (const count of this.test.admitted.values()) total += count
    return total
  }

  observe(body: unknown, response: HttpResponse): void {
    this.#recording.responses.push({ phase: this.#recording.phase, body, response })
  }

  readonly listener: http.RequestListener = (req, res) => {
    const phase = this.#recording.phase
    const started = performance.now()
    const forwarded = req.headers['x-forwarded-proto']
    const https =
      this.#trustsProxy && (Array.isArray(forwarded) ? forwarded[0] : forwarded) === 'https'
    let recorded = false
    const record = (finished: boolean) => {
      if (recorded) return
      recorded = true
      const headers = res.getHeaders()
      const cookies = headers['set-cookie']
      this.#recording.exchanges.push({
        phase,
        method: req.method ?? '',
        url: req.url ?? '',
        https,
        status: res.statusCode,
        headers,
        setCookies: cookies === undefined ? [] : Array.isArray(cookies) ? cookies : [cookies],
        ms: performance.now() - started,
        finished: finished || res.writableFinished,
      })
    }
    res.on('finish', () => {
      record(true)
    })
    res.on('close', () => {
      record(false)
    })
    this.decorate?.(req)
    this.test.listener(req, res)
  }

  port(): Promise<number> {
    this.#listening ??= new Promise((resolve, reject) => {
      const server = http.createServer(this.listener)
      this.#server = server
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        resolve((server.address() as AddressInfo).port)
      })
    })
    return this.#listening
  }

  async close(): Promise<void> {
    this.agent.destroy()
    const server = this.#server
    if (server === undefined) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve()
      })
    })
  }
}
