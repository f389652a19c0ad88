/**
 * @module What the bench parent and its app processes agree on: the configuration handed over
 * in the environment, the IPC messages, and the one body every route answers with.
 */
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The site the apps believe they serve; sign-in POSTs carry it as `Origin`. */
export const ORIGIN = 'https://admin.bench.test'
export const COOKIE_SECRET = 'bench-cookie-secret-0123456789-abcdefghijklmnop'

/** Every route answers exactly this, so two routes differ only in what runs before it. */
export const BODY = { ok: true } as const
export const BODY_TEXT = JSON.stringify(BODY)

/** The emulator the apps talk to; passed as JSON in this environment variable. */
export const CONFIG_ENV = 'STYTCH_MFA_BENCH_CONFIG'

export interface AppConfig {
  readonly projectId: string
  readonly secret: string
  readonly baseUrl: string
  /** Express `trust proxy`: a hop count, `true`, or addresses ('loopback'). */
  readonly trustProxy: number | boolean | string
}

export type ChildMessage =
  | { readonly type: 'listening'; readonly port: number }
  /** CPU time (user + system) the app process has used so far, in microseconds. */
  | { readonly type: 'cpu'; readonly micros: number }
export type ParentMessage = { readonly type: 'stop' } | { readonly type: 'cpu' }

export function readConfig(): AppConfig {
  const raw: unknown = JSON.parse(process.env[CONFIG_ENV] ?? 'null')
  const value = (raw ?? {}) as Partial<Record<keyof AppConfig, unknown>>
  const { projectId, secret, baseUrl, trustProxy } = value
  if (
    typeof projectId !== 'string' ||
    typeof secret !== 'string' ||
    typeof baseUrl !== 'string' ||
    !['number', 'boolean', 'string'].includes(typeof trustProxy)
  ) {
    throw new Error(`${CONFIG_ENV} must hold { projectId, secret, baseUrl, trustProxy }`)
  }
  return { projectId, secret, baseUrl, trustProxy: trustProxy as AppConfig['trustProxy'] }
}

/** The library options shared by every guarded route; only `sessionStorage` varies. */
export function libraryOptions(config: AppConfig, sessionStorage: 'cookie' | 'server') {
  return {
    stytch: {
      projectId: config.projectId,
      secret: config.secret,
      baseUrl: config.baseUrl,
      timeoutMs: 5000,
    },
    cookieSecrets: [COOKIE_SECRET],
    origin: ORIGIN,
    sessionStorage,
  }
}

/**
 * In an app process: listens on a free loopback port, tells the parent which, and exits
 * cleanly when asked (a clean exit is what writes a `--cpu-prof` profile).
 */
export function serve(listener: RequestListener): void {
  const send = process.send?.bind(process)
  if (send === undefined) throw new Error('run me through bench/run.ts (no IPC channel)')
  const server = createServer(listener)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    send({ type: 'listening', port } satisfies ChildMessage)
  })
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage()
      send({ type: 'cpu', micros: user + system } satisfies ChildMessage)
    } else {
      server.closeAllConnections()
      server.close(() => process.exit(0))
    }
  })
  // The parent is gone (killed, crashed): nothing else would end this process.
  process.on('disconnect', () => process.exit(0))
}
