/**
 * What `npm start` (Express, `main.ts`) and `npm run start:koa` (Koa, `koa-main.ts`) share: the
 * settings read from the environment, the Stytch emulator started in the same process when no
 * Stytch project is configured, Redis when `REDIS_URL` is set, the HTTP server, the startup
 * banner and a clean stop.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { RedisClientType } from 'redis'
import { startEmulator, type Emulator, type OutboxMessage } from 'stytch-b2b-mfa/emulator'
import type { ConsoleOptions } from './console.js'
import { DEMO_MEMBERS, DEMO_ORGANIZATION, SECOND_ORGANIZATION, demoSeed } from './demo.js'
import { createRedisClient, redisShown } from './redis.js'

const env = process.env

function portFrom(name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value}"`)
  }
  return port
}

/** `TRUST_PROXY` as Express reads it: `true`/`false`, a hop count, or addresses/`loopback`. */
export function trustProxyFrom(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false
  if (value === 'true') return true
  return /^\d+$/.test(value) ? Number(value) : value
}

function sessionSecret(): string {
  const secret = env.SESSION_SECRET
  if (secret !== undefined && secret !== '') {
    if (secret.length < 32) {
      throw new Error(
        'SESSION_SECRET must be at least 32 characters: export SESSION_SECRET=$(openssl rand -base64 32)',
      )
    }
    return secret
  }
  console.warn(
    'SESSION_SECRET is not set: using a random one. Sessions end when the process restarts.\n' +
      '  Set one with: export SESSION_SECRET=$(openssl rand -base64 32)',
  )
  return randomBytes(32).toString('base64url')
}

function printCode(message: OutboxMessage): void {
  const channel = message.channel === 'sms' ? 'SMS  ' : 'email'
  console.log(`[emulator] ${channel} to ${message.to}: code ${message.code}`)
}

/** Stytch from the environment, or the emulator started here. */
async function stytchFromEnv(): Promise<{
  stytch: ConsoleOptions<unknown>['stytch']
  emulator: Emulator | undefined
}> {
  const projectId = env.STYTCH_PROJECT_ID
  const secret = env.STYTCH_SECRET
  const baseUrl = env.STYTCH_API_URL === '' ? undefined : env.STYTCH_API_URL
  if (projectId !== undefined && projectId !== '' && secret !== undefined && secret !== '') {
    return { stytch: { projectId, secret, baseUrl }, emulator: undefined }
  }
  if (projectId || secret || baseUrl !== undefined) {
    throw new Error(
      'Set both STYTCH_PROJECT_ID and STYTCH_SECRET (and optionally STYTCH_API_URL), or none of them to use the embedded emulator.\n' +
        '  For an emulator started with `npx stytch-b2b-emulator`, use its defaults:\n' +
        '  STYTCH_PROJECT_ID=project-test-00000000-0000-4000-8000-000000000000 STYTCH_SECRET=secret-test-emulator-0000000000000000 STYTCH_API_URL=http://127.0.0.1:4010/',
    )
  }
  const emulator = await startEmulator({
    port: portFrom('STYTCH_EMULATOR_PORT', 4010),
    seed: demoSeed,
    onMessage: printCode,
  })
  return {
    stytch: { projectId: emulator.projectId, secret: emulator.secret, baseUrl: emulator.url },
    emulator,
  }
}

/** A connected Redis client and its URL as the banner shows it (without the password). */
interface Redis {
  readonly client: RedisClientType
  readonly shown: string
}

/**
 * A connected node-redis client when `REDIS_URL` is set. A Redis that cannot be reached at
 * startup stops the start; once connected, an outage is logged, answered with 503s and retried,
 * never a crash (`redis.ts`).
 */
async function redisFromEnv(): Promise<Redis | undefined> {
  const url = env.REDIS_URL
  if (url === undefined || url === '') return undefined
  const shown = redisShown(url)
  const client = createRedisClient(url)
  try {
    await client.connect()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`Cannot connect to Redis at REDIS_URL=${shown}: ${reason}`, { cause: error })
  }
  return { client, shown }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** The app's options from the environment, as both consoles take them. */
export interface ExampleSettings<TrustProxy> {
  readonly stytch: ConsoleOptions<unknown>['stytch']
  /** Sessions and limits in Redis (`REDIS_URL`), else in memory. */
  readonly redis: RedisClientType | undefined
  readonly sessionSecret: string
  readonly allowInsecureCookies: boolean
  readonly trustProxy: TrustProxy
  readonly origin: string | undefined
  readonly defaultOrganization: string | undefined
}

export interface ExampleLauncher<TrustProxy extends boolean | number | string> {
  /** What the banner calls the app: `Admin console: http://localhost:3000/`. */
  readonly name: string
  /** `TRUST_PROXY` as the framework reads it; throws for a value it cannot express. */
  readonly trustProxyFrom: (value: string | undefined) => TrustProxy
  /** The app for these settings, as a `node:http` request listener. */
  readonly listener: (settings: ExampleSettings<TrustProxy>) => RequestListener
}

async function main<TrustProxy extends boolean | number | string>(
  launcher: ExampleLauncher<TrustProxy>,
): Promise<void> {
  const port = portFrom('PORT', 3000)
  const host = env.HOST ?? '127.0.0.1'
  const trustProxy = launcher.trustProxyFrom(env.TRUST_PROXY)
  const secret = sessionSecret()
  const redis = await redisFromEnv()
  let emulator: Emulator | undefined
  try {
    const started = await stytchFromEnv()
    emulator = started.emulator
    await serve(launcher, {
      port,
      host,
      trustProxy,
      secret,
      stytch: started.stytch,
      emulator,
      redis,
    })
  } catch (error) {
    // The emulator and the Redis client would keep the process alive after a failed start.
    await emulator?.close()
    redis?.client.destroy()
    throw error
  }
}

async function serve<TrustProxy extends boolean | number | string>(
  launcher: ExampleLauncher<TrustProxy>,
  settings: {
    port: number
    host: string
    trustProxy: TrustProxy
    secret: string
    stytch: ConsoleOptions<unknown>['stytch']
    emulator: Emulator | undefined
    redis: Redis | undefined
  },
): Promise<void> {
  const { port, host, trustProxy, stytch, emulator, redis } = settings
  const listener = launcher.listener({
    stytch,
    sessionSecret: settings.secret,
    // Plain http is only for local development: behind an https proxy (TRUST_PROXY set),
    // cookies are Secure and a sign-in over plain http is refused.
    allowInsecureCookies: trustProxy === false,
    trustProxy,
    origin: env.ORIGIN === '' ? undefined : env.ORIGIN,
    defaultOrganization: emulator === undefined ? undefined : DEMO_ORGANIZATION,
    redis: redis?.client,
  })
  const server = createServer(listener)
  await listen(server, port, host)

  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host
  console.log(`${launcher.name}: http://${shown}:${String(port)}/`)
  if (emulator === undefined) {
    const where =
      stytch.baseUrl ??
      (stytch.projectId.startsWith('project-live-') ? 'Stytch live' : 'Stytch test')
    console.log(`Stytch: project ${stytch.projectId} at ${where}`)
  } else {
    console.log(`Stytch emulator: ${emulator.url} (codes are printed below, none is really sent)`)
    console.log(
      `Organizations: ${DEMO_ORGANIZATION} (MFA required), ${SECOND_ORGANIZATION} (MFA optional)`,
    )
    for (const member of DEMO_MEMBERS) console.log(`  ${member.email}: ${member.note}`)
  }
  if (redis !== undefined) {
    console.log(`Sessions and limits: in Redis at ${redis.shown}, shared by every instance`)
  }

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: stopping`)
    // Whatever does not close must not keep the process, and its port, alive.
    setTimeout(() => {
      console.error(`Not stopped within ${String(STOP_DEADLINE_MS)} ms: exiting`)
      process.exit(1)
    }, STOP_DEADLINE_MS).unref()
    // Then nothing is left to run: the process ends with code 0.
    void closeAll(server, emulator, redis)
  }
  // `on`, not `once`: a Ctrl-C reaches this process from the terminal and again through npm; the
  // second must not end it half-way through closing.
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** How long a stop may take before the process exits anyway, with code 1. */
const STOP_DEADLINE_MS = 5000

/** How long requests in flight may take to finish once a stop began. */
const DRAIN_MS = 1000

/**
 * Stops taking connections, lets requests in flight finish (they may need the emulator and
 * Redis), then closes the emulator and Redis.
 */
async function closeAll(
  server: Server,
  emulator: Emulator | undefined,
  redis: Redis | undefined,
): Promise<void> {
  const drained = new Promise<void>((resolve) => {
    // Also closes the idle keep-alive connections.
    server.close(() => {
      resolve()
    })
  })
  const cut = setTimeout(() => {
    server.closeAllConnections()
  }, DRAIN_MS)
  await drained
  clearTimeout(cut)
  await emulator?.close()
  // No request is left to need Redis. (close() would wait for the answers to commands in flight,
  // forever if Redis hangs.)
  if (redis?.client.isOpen === true) redis.client.destroy()
}

/** Starts the console from the environment; a failed start is printed and sets the exit code. */
export function launch<TrustProxy extends boolean | number | string>(
  launcher: ExampleLauncher<TrustProxy>,
): void {
  main(launcher).catch((error: unknown) => {
    const inUse = (error as { code?: unknown } | undefined)?.code === 'EADDRINUSE'
    console.error(
      inUse
        ? `${(error as Error).message}: choose other ports with PORT and STYTCH_EMULATOR_PORT`
        : error instanceof Error
          ? error.message
          : error,
    )
    process.exitCode = 1
  })
}
