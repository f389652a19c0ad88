/**
 * @module Limit stores over rate-limiter-flexible: in memory (one process) or in Redis (every
 * instance counts together). When the store fails, `consume` rejects and the limit fails closed.
 */
import {
  RLWrapperTimeouts,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible'
import type { Counter, LimitStore } from '../core/ports/limit-store.js'

/** What the library uses of a rate-limiter-flexible limiter. */
interface FlexibleLimiter {
  consume(key: string): Promise<RateLimiterRes>
  reward(key: string): Promise<unknown>
  delete(key: string): Promise<unknown>
}

function counterOver(limiter: FlexibleLimiter): Counter {
  return {
    async consume(key) {
      try {
        const res = await limiter.consume(key)
        return { allowed: true, retryAfterSeconds: res.msBeforeNext / 1000 }
      } catch (rejection) {
        // A RateLimiterRes means "no points left"; anything else is the store failing.
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: rejection.msBeforeNext / 1000 }
        }
        throw rejection
      }
    },
    async refund(key) {
      await limiter.reward(key)
    },
    async reset(key) {
      await limiter.delete(key)
    },
  }
}

/** Counters in this process's memory: the default, for a single instance. */
export function memoryLimitStore(): LimitStore {
  // One counter per name, so apps in one process that share this store count together.
  const counters = new Map<string, Counter>()
  return {
    counter: (name, points, duration) => {
      const id = `${name}:${String(points)}:${String(duration)}`
      let counter = counters.get(id)
      if (counter === undefined) {
        counter = counterOver(new RateLimiterMemory({ keyPrefix: name, points, duration }))
        counters.set(id, counter)
      }
      return counter
    },
  }
}

/** Options of {@link redisLimitStore}. */
export interface RedisLimitStoreOptions {
  /** Prefix of every key the limits write. @default 'stytch-b2b-mfa' */
  readonly keyPrefix?: string
  /** The client is node-redis (`redis` v4+), not ioredis. @default false */
  readonly useRedisPackage?: boolean
  /**
   * How long one Redis command may take before the limit fails closed, in ms: a Redis that
   * hangs must not hang sign-ins. @default 1000
   */
  readonly timeoutMs?: number
}

/**
 * Counters in Redis, shared by every instance of the app, updated atomically (Lua). Pass an
 * `ioredis` client, or a `redis` (node-redis v4+) client with `useRedisPackage: true`.
 * If Redis is unreachable, limited requests are refused (503 `limits_unavailable`), never let
 * through unlimited.
 */
export function redisLimitStore(client: unknown, options: RedisLimitStoreOptions = {}): LimitStore {
  const prefix = options.keyPrefix ?? 'stytch-b2b-mfa'
  return {
    counter: (name, points, duration) =>
      counterOver(
        new RLWrapperTimeouts({
          limiter: new RateLimiterRedis({
            storeClient: client,
            useRedisPackage: options.useRedisPackage ?? false,
            // A disconnected client would queue commands until it reconnects: refuse instead.
            rejectIfRedisNotReady: true,
            keyPrefix: `${prefix}:${name}`,
            points,
            duration,
          }),
          timeoutMs: options.timeoutMs ?? 1000,
        }),
      ),
  }
}
