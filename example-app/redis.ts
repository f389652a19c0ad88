/**
 * Redis for both consoles: the node-redis client with the settings that make an outage fail
 * fast and closed, the deadline of every session-store call, what a request whose session
 * cannot be read is answered, and what `/healthz` says about Redis.
 */
import { createClient, type RedisClientType } from 'redis'

/**
 * How long a session-store call or a health check waits for Redis. Requests that need the
 * session are answered 503 within about this long when Redis is away or stopped answering.
 */
export const REDIS_DEADLINE_MS = 1000

/** Longest wait between two reconnection attempts: a Redis that is back is used this soon. */
const RECONNECT_MAX_DELAY_MS = 1000

/** Attempts at startup before giving up: a Redis that is not there stops the start. */
const STARTUP_ATTEMPTS = 3

/** `redis://…` without its password, for the banner, logs and errors. */
export function redisShown(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    // Not echoed: it may hold a password.
    throw new Error('REDIS_URL must be a URL like redis://127.0.0.1:6379')
  }
  if (parsed.password !== '') parsed.password = '***'
  return parsed.href
}

/**
 * An unconnected node-redis client for `url` (call `connect()`), with the settings the README
 * recommends. node-redis's defaults keep commands in a queue while it reconnects, so every
 * request needing the session would wait for Redis to come back; here they fail at once.
 * `logger` hears of an outage and of the recovery once each, never per retry.
 */
export function createRedisClient(
  url: string,
  logger: Pick<Console, 'log' | 'error'> = console,
): RedisClientType {
  const shown = redisShown(url)
  let connected = false
  let down = false
  const client: RedisClientType = createClient({
    url,
    // Commands sent while the connection is down are refused, not queued until it is back.
    disableOfflineQueue: true,
    socket: {
      // A host that does not answer (dropped packets) is given up on quickly, then retried.
      connectTimeout: REDIS_DEADLINE_MS,
      reconnectStrategy: (retries, cause) => {
        if (!connected) return retries < STARTUP_ATTEMPTS ? 200 : cause
        // Never gives up once it has worked: the console recovers by itself.
        const jitter = Math.floor(Math.random() * 100)
        return Math.min(50 * 2 ** retries, RECONNECT_MAX_DELAY_MS) + jitter
      },
    },
    // No `commandOptions.timeout`: node-redis 5 stops counting it once a command is written, so
    // it cannot bound a Redis that stopped answering. `withRedisDeadline` does.
  })
  // Without a listener, an 'error' event (the connection dropped) would end the process.
  client.on('error', (error: unknown) => {
    // Before the first connection, connect() reports it.
    if (!connected || down) return
    down = true
    const reason = error instanceof Error ? error.message : String(error)
    logger.error(
      `[redis] ${shown}: ${reason}: requests needing a session get 503 until it is back (reconnecting)`,
    )
  })
  client.on('ready', () => {
    if (down) logger.log(`[redis] ${shown}: connected again`)
    connected = true
    down = false
  })
  return client
}

/** A session-store call that Redis refused, failed or did not answer in time. */
export class SessionsUnavailableError extends Error {
  override readonly name = 'SessionsUnavailableError'
  readonly code = 'sessions_unavailable'
  /** Read by both frameworks' error handling, as the status of the answer. */
  readonly status = 503
  readonly expose = true

  constructor(reason: string) {
    super(`the session store (Redis) is unavailable: ${reason}`)
    // Where node-redis noticed the outage says nothing the message does not: one log line each.
    this.stack = `${this.name}: ${this.message}`
  }
}

export function isSessionsUnavailable(error: unknown): error is SessionsUnavailableError {
  return error instanceof SessionsUnavailableError
}

/**
 * Settles with `call`, or rejects with `SessionsUnavailableError` when it fails or has not
 * settled within `REDIS_DEADLINE_MS` (a Redis that stopped answering keeps commands forever).
 */
export async function withRedisDeadline<T>(call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new SessionsUnavailableError(`no answer within ${String(REDIS_DEADLINE_MS)} ms`))
    }, REDIS_DEADLINE_MS)
  })
  const answered = call.catch((error: unknown) => {
    throw new SessionsUnavailableError(error instanceof Error ? error.message : String(error))
  })
  try {
    // The race also takes care of a late failure of the call that lost it.
    return await Promise.race([answered, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Whether the request is a browser's own (a navigation, a form post), which gets the error
 * page, rather than a script's, which gets `application/problem+json`. The library decides the
 * same way for its own answers.
 */
export function wantsPage(header: (name: string) => string | undefined): boolean {
  const mode = header('sec-fetch-mode')
  if (mode !== undefined) return mode === 'navigate'
  const accept = header('accept') ?? ''
  if (accept.includes('application/json') || accept.includes('application/problem+json')) {
    return false
  }
  const type = header('content-type') ?? ''
  return accept.includes('text/html') || type.startsWith('application/x-www-form-urlencoded')
}

/** The answer to a script whose session could not be read: RFC 9457, as the library's. */
export const SESSIONS_UNAVAILABLE_PROBLEM = {
  status: 503,
  headers: {
    'content-type': 'application/problem+json; charset=utf-8',
    // Reconnection is retried at least this often.
    'retry-after': String(Math.ceil(RECONNECT_MAX_DELAY_MS / 1000)),
  },
  body: JSON.stringify({
    type: 'about:blank',
    title: 'This page is not available right now. Try again.',
    status: 503,
    code: 'sessions_unavailable',
  }),
} as const

/** What `/healthz` answers about Redis: 200 when it answers a PING in time, else 503. */
export async function redisHealth(
  client: RedisClientType,
): Promise<{ readonly status: 200 | 503; readonly body: { status: string; redis: string } }> {
  try {
    await withRedisDeadline(client.ping())
    return { status: 200, body: { status: 'ok', redis: 'up' } }
  } catch {
    return { status: 503, body: { status: 'unavailable', redis: 'down' } }
  }
}
