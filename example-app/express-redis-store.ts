/**
 * express-session's store in Redis: connect-redis, with a deadline on each call so that a Redis
 * that is away or stopped answering fails the request with `SessionsUnavailableError` (503)
 * instead of holding it. `koa-redis-store.ts` is the same for koa-session.
 */
import { RedisStore } from 'connect-redis'
import type { SessionData } from 'express-session'
import type { RedisClientType } from 'redis'
import { withRedisDeadline } from './redis.js'

/** connect-redis's callback, which express-session's `Store` methods accept. */
type Callback = NonNullable<Parameters<RedisStore['get']>[1]>

/** Hands the outcome to express-session's callback, or to the caller when there is none. */
async function settle<T>(call: Promise<T>, callback: Callback | undefined): Promise<unknown> {
  const guarded = withRedisDeadline(call)
  if (callback === undefined) return guarded
  return guarded.then(
    (data) => {
      callback(null, data)
    },
    (error: unknown) => {
      callback(error)
    },
  )
}

export class ExpressRedisStore extends RedisStore {
  constructor(client: RedisClientType) {
    super({ client })
  }

  // connect-redis throws when given no callback: each call below is its plain promise.
  override get(sid: string, callback?: Callback): Promise<unknown> {
    return settle(super.get(sid), callback)
  }

  override set(sid: string, session: SessionData, callback?: Callback): Promise<unknown> {
    return settle(super.set(sid, session), callback)
  }

  override touch(sid: string, session: SessionData, callback?: Callback): Promise<unknown> {
    return settle(super.touch(sid, session), callback)
  }

  override destroy(sid: string, callback?: Callback): Promise<unknown> {
    return settle(super.destroy(sid), callback)
  }
}
