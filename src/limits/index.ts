/** @module stytch-b2b-mfa/limits: stores for the library's rate limits. */
export { memoryLimitStore, redisLimitStore } from './rate-limiter-store.js'
export type { RedisLimitStoreOptions } from './rate-limiter-store.js'
export type { Counter, LimitResult, LimitStore } from '../core/ports/limit-store.js'
