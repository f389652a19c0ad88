/** A koa-session store in memory: without one, koa-session keeps the session in its cookie. */
import type { KoaSessionStore } from '../../example-app/koa-redis-store.js'

export function koaMemoryStore(): KoaSessionStore {
  const sessions = new Map<string, Record<string, unknown>>()
  return {
    get: (key) => Promise.resolve(sessions.get(key)),
    set: (key, session) => {
      sessions.set(key, session)
      return Promise.resolve()
    },
    destroy: (key) => {
      sessions.delete(key)
      return Promise.resolve()
    },
  }
}
