/**
 * @module Sign-outs shared through Redis: a sorted set keeps each revoked `member_session_id`
 * until its session lapses (a restarted instance reads it), and a pub/sub channel tells every
 * instance at once. No Redis command runs per guarded request: each instance keeps the list in
 * memory and Redis only tells it what changed.
 */
import type { RevocationListener, RevocationStore } from '../core/ports/revocation-store.js'

/** What the store uses of a node-redis (`redis` v4+) client. */
export interface RedisClientLike {
  duplicate(): RedisClientLike
  connect(): Promise<unknown>
  close?(): Promise<unknown>
  quit?(): Promise<unknown>
  on(event: 'error' | 'ready' | 'end', listener: (...args: unknown[]) => void): unknown
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  zAdd(key: string, member: { score: number; value: string }): Promise<unknown>
  zRemRangeByScore(key: string, min: number | string, max: number | string): Promise<unknown>
  zRangeByScoreWithScores(
    key: string,
    min: number | string,
    max: number | string,
  ): Promise<readonly { value: string; score: number }[]>
  publish(channel: string, message: string): Promise<unknown>
}

/** Options of {@link redisRevocationStore}. */
export interface RedisRevocationStoreOptions {
  /** Prefix of the key and channel the store uses. @default 'stytch-b2b-mfa' */
  readonly keyPrefix?: string
  /** Wait before reading the record again after a failed read, in ms. @default 1000 */
  readonly retryMs?: number
}

/** A revocation store that can also be shut down. */
export interface RedisRevocationStore extends RevocationStore {
  /** Closes the subscriber connection the store opened (the client you passed stays open). */
  close(): Promise<void>
}

const ID = /^[\w-]{1,200}$/

/**
 * Shares sign-outs between the instances of an app through Redis (node-redis v4+). The store
 * opens one more connection (`client.duplicate()`) to listen; pass the same client to every
 * `createStytchMfa()` that should see the same sign-outs.
 * @example
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * createStytchMfa({ …, revocationStore: redisRevocationStore(redis) })
 */
export function redisRevocationStore(
  client: RedisClientLike,
  options: RedisRevocationStoreOptions = {},
): RedisRevocationStore {
  const prefix = options.keyPrefix ?? 'stytch-b2b-mfa'
  const retryMs = options.retryMs ?? 1000
  const key = `${prefix}:revoked-sessions`
  const channel = `${prefix}:revocations`
  const subscriber = client.duplicate()
  let closed = false

  function deliver(listener: RevocationListener, message: string): void {
    const [until, id] = message.split(' ')
    const ms = Number(until)
    if (id !== undefined && ID.test(id) && Number.isFinite(ms)) listener.revoked(id, ms)
  }

  /** Reads every revocation on record; again after `retryMs` while Redis fails. */
  async function load(listener: RevocationListener): Promise<void> {
    while (!closed) {
      try {
        const entries = await client.zRangeByScoreWithScores(key, Date.now(), '+inf')
        for (const { value, score } of entries) {
          if (ID.test(value)) listener.revoked(value, score)
        }
        listener.synced(true)
        return
      } catch {
        listener.synced(false)
        await new Promise((resolve) => setTimeout(resolve, retryMs).unref())
      }
    }
  }

  return {
    async publish(memberSessionId, until) {
      await client.zAdd(key, { score: until, value: memberSessionId })
      await client.publish(channel, `${String(until)} ${memberSessionId}`)
      // Lapsed records go while new ones come: the set holds only sessions that could still live.
      await client.zRemRangeByScore(key, '-inf', Date.now())
    },

    listen(listener) {
      subscriber.on('error', () => {
        listener.synced(false)
      })
      let subscribed = false
      // After every reconnection the record is read again: messages sent while this instance was
      // cut off are in it. The subscription itself is renewed by the client.
      subscriber.on('ready', () => {
        if (subscribed) void load(listener)
      })
      // Subscribed before the first read, so nothing published in between is missed.
      void subscriber
        .connect()
        .then(() =>
          subscriber.subscribe(channel, (message) => {
            deliver(listener, message)
          }),
        )
        .then(() => {
          subscribed = true
          return load(listener)
        })
        .catch(() => {
          listener.synced(false)
        })
    },

    async close() {
      closed = true
      await (subscriber.close?.() ?? subscriber.quit?.())
    },
  }
}
