/** @module stytch-b2b-mfa/revocations: stores that share sign-outs between instances. */
export { redisRevocationStore } from './redis-revocation-store.js'
export type {
  RedisClientLike,
  RedisRevocationStore,
  RedisRevocationStoreOptions,
} from './redis-revocation-store.js'
export type { RevocationListener, RevocationStore } from '../core/ports/revocation-store.js'
