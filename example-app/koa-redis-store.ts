/**
 * A koa-session store in Redis (node-redis v4+), so every instance of a Koa app sees the same
 * sessions. express-session has connect-redis for this; koa-session needs these three calls.
 * Each has a deadline: a Redis that is away or stopped answering fails the request with
 * `SessionsUnavailableError` (503) instead of holding it.
 */
import type { RedisClientType } from 'redis'
import { withRedisDeadline } from './redis.js'

/** Sessions without a `maxAge` ('session' cookies) are kept this long in Redis. */
const DEFAULT_TTL_SECONDS = 24 * 3600

export interface KoaSessionStore {
  get(key: string): Promise<Record<string, unknown> | undefined>
  set(
    key: string,
    session: Record<string, unknown>,
    maxAge: number | 'session' | undefined,
  ): Promise<void>
  destroy(key: string): Promise<void>
}

export function koaRedisSessionStore(
  client: Pick<RedisClientType, 'get' | 'set' | 'del'>,
  prefix = 'koa-sess:',
): KoaSessionStore {
  return {
    async get(key) {
      const value = await withRedisDeadline(client.get(prefix + key))
      return typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : undefined
    },
    async set(key, session, maxAge) {
      const ttl = typeof maxAge === 'number' ? Math.ceil(maxAge / 1000) : DEFAULT_TTL_SECONDS
      await withRedisDeadline(
        client.set(prefix + key, JSON.stringify(session), { EX: Math.max(1, ttl) }),
      )
    },
    async destroy(key) {
      await withRedisDeadline(client.del(prefix + key))
    },
  }
}
