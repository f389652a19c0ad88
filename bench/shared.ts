/**
 * @module What the bench parent and its app processes agree on: the configuration handed over
 * in the environment, the IPC messages, and the one body every route answers with.
 */
import { writeFile } from 'node:fs/promises'
import { createServer, type RequestListener } from 'node:http'
import { Session } from 'node:inspector/promises'
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
  /** Clock the guards inside the app (`--guard-time`): see `timedGuard` below. */
  readonly timeGuards: boolean
}

/** Time a route's guard took, summed over the requests it let through since the app started. */
export interface GuardTime {
  readonly micros: number
  readonly admitted: number
}

export type ChildMessage =
  | { readonly type: 'listening'; readonly port: number }
  /** CPU time (user + system) the app process has used so far, in microseconds. */
  | { readonly type: 'cpu'; readonly micros: number }
  /** The app's heap in use right after a full garbage collection, in bytes. */
  | { readonly type: 'heap'; readonly bytes: number }
  /** Each timed route's guard time so far, by path. */
  | { readonly type: 'guard-time'; readonly times: Readonly<Record<string, GuardTime>> }
  /** Profiling started, or stopped with the profile written. */
  | { readonly type: 'profiled' }
export type ParentMessage =
  | { readonly type: 'stop' }
  | { readonly type: 'cpu' }
  | { readonly type: 'heap' }
  | { readonly type: 'guard-time' }
  /** Start the CPU profiler (the measured rounds only, not the warm-up). */
  | { readonly type: 'profile-start' }
  /** Stop it and write the profile to `file`. */
  | { readonly type: 'profile-stop'; readonly file: string }

/**
 * How many distinct members take turns on the `/guarded-<n>` routes. Each route has a
 * `createStytchMfa()` of its own (its own cache), with the default `jwtCacheSize`.
 */
export const SCALES = [1_000, 10_000, 100_000, 200_000] as const

/**
 * The permission of the `/guarded-permission` routes: Stytch's default `stytch_member` role grants
 * every action on `stytch.self`, checked against the project's RBAC policy cached by the guard.
 */
export const SELF_UPDATE = { resource: 'stytch.self', action: 'update.info.name' } as const

/** `/guarded-1k` for 1,000 members. */
export function scalePath(count: number): string {
  return `/guarded-${String(count / 1000)}k`
}

export function readConfig(): AppConfig {
  const raw: unknown = JSON.parse(process.env[CONFIG_ENV] ?? 'null')
  const value = (raw ?? {}) as Partial<Record<keyof AppConfig, unknown>>
  const { projectId, secret, baseUrl, trustProxy, timeGuards } = value
  if (
    typeof projectId !== 'string' ||
    typeof secret !== 'string' ||
    typeof baseUrl !== 'string' ||
    !['number', 'boolean', 'string'].includes(typeof trustProxy) ||
    typeof timeGuards !== 'boolean'
  ) {
    throw new Error(
      `${CONFIG_ENV} must hold { projectId, secret, baseUrl, trustProxy, timeGuards }`,
    )
  }
  return {
    projectId,
    secret,
    baseUrl,
    trustProxy: trustProxy as AppConfig['trustProxy'],
    timeGuards,
  }
}

const guardTimes = new Map<string, { micros: number; admitted: number }>()

/**
 * A guard middleware with a clock around it: from the call until the guard hands the request on,
 * for the requests it lets through (`--guard-time`). Measured inside the app, this leaves out
 * what makes req/s and process CPU time noisy on a shared machine (the load generator, other
 * processes taking turns on the cores), though not the caches the rest of the request leaves
 * cold. `around` builds the framework's middleware: it reads the clock when called, and calls
 * `handOn` with that reading where the guard calls its `next`.
 */
export function timedGuard<M>(
  config: AppConfig,
  path: string,
  guard: M,
  around: (guard: M, handOn: (startedAt: number) => void) => M,
): M {
  if (!config.timeGuards) return guard
  const total = { micros: 0, admitted: 0 }
  guardTimes.set(path, total)
  return around(guard, (startedAt) => {
    total.micros += (performance.now() - startedAt) * 1000
    total.admitted += 1
  })
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
 * In an app process: listens on a free loopback port, tells the parent which, answers the
 * parent's questions (CPU time, heap, a CPU profile of the rounds), and exits when asked.
 */
export function serve(listener: RequestListener): void {
  const send = process.send?.bind(process)
  if (send === undefined) throw new Error('run me through bench/run.ts (no IPC channel)')
  const server = createServer(listener)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    send({ type: 'listening', port } satisfies ChildMessage)
  })
  const profiler = new Session()
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'profile-start') {
      profiler.connect()
      void profiler
        .post('Profiler.enable')
        .then(() => profiler.post('Profiler.start'))
        .then(() => send({ type: 'profiled' } satisfies ChildMessage))
    } else if (message.type === 'profile-stop') {
      void profiler
        .post('Profiler.stop')
        .then(({ profile }) => writeFile(message.file, JSON.stringify(profile)))
        .then(() => {
          profiler.disconnect()
          send({ type: 'profiled' } satisfies ChildMessage)
        })
    } else if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage()
      send({ type: 'cpu', micros: user + system } satisfies ChildMessage)
    } else if (message.type === 'guard-time') {
      send({ type: 'guard-time', times: Object.fromEntries(guardTimes) } satisfies ChildMessage)
    } else if (message.type === 'heap') {
      const { gc } = globalThis
      if (gc === undefined) throw new Error('the app must run with --expose-gc')
      // Twice: objects with finalizers need a second pass.
      gc()
      gc()
      send({ type: 'heap', bytes: process.memoryUsage().heapUsed } satisfies ChildMessage)
    } else {
      server.closeAllConnections()
      server.close(() => process.exit(0))
    }
  })
  // The parent is gone (killed, crashed): nothing else would end this process.
  process.on('disconnect', () => process.exit(0))
}
