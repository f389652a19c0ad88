/**
 * Two instances of each console sharing one Redis, as `REDIS_URL` sets up `npm start` behind a
 * load balancer: sessions (connect-redis, `koaRedisSessionStore`) and the library's limits
 * (`redisLimitStore`) are the same on both. Needs a real redis-server (`test/helpers`).
 */
import { createClient, type RedisClientType } from 'redis'
import request from 'supertest'
import type { Response } from 'supertest'
import { startEmulator, type Emulator } from 'stytch-b2b-mfa/emulator'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { demoSeed } from '../../example-app/demo.js'
import { REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'
import { ADMIN, Browser, CONSOLES, demoOptions, location, serve, type Served } from './support.js'

/** The session cookies a response sets (`admin.sid`, Koa's `admin.sid.sig`), as a header. */
function sessionCookieOf(res: Response): string {
  const setCookies = (res.headers['set-cookie'] ?? []) as unknown as string[]
  const cookies = setCookies
    .map((line) => line.split(';', 1)[0] ?? '')
    .filter((cookie) => cookie.startsWith('admin.sid'))
  expect(cookies).not.toHaveLength(0)
  return cookies.join('; ')
}

describe.skipIf(REDIS_SERVER === undefined)('the example consoles sharing Redis', () => {
  let server: RedisServer
  let redis: RedisClientType
  let emulator: Emulator

  beforeAll(async () => {
    // The Stytch SDK warns once per client about a custom base URL (the emulator): expected.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    ;[server, emulator] = await Promise.all([
      RedisServer.start(),
      startEmulator({ seed: demoSeed }),
    ])
    redis = createClient({ url: server.url })
    redis.on('error', () => undefined)
    await redis.connect()
  })

  beforeEach(async () => {
    emulator.reset()
    await redis.flushAll()
  })

  afterAll(async () => {
    redis.destroy()
    await Promise.all([server.stop(), emulator.close()])
  })

  describe.each(CONSOLES)('on $name', (app) => {
    /** Two instances of the console, built with the same Redis client. */
    let a: Served
    let b: Served

    beforeEach(async () => {
      ;[a, b] = await Promise.all([
        serve(app.listener({ ...demoOptions(emulator), redis })),
        serve(app.listener({ ...demoOptions(emulator), redis })),
      ])
      return async () => {
        await Promise.all([a.close(), b.close()])
      }
    })

    it('admits through B a member who signed in through A, the session being in Redis', async () => {
      const onA = new Browser(a.baseUrl, emulator)
      await onA.signInAdmin()
      expect(await redis.keys('*sess:*')).toHaveLength(1)
      const admin = await onA.on(b.baseUrl).get('/admin')
      expect(admin.status).toBe(200)
      expect(admin.text).toMatch(/member-test-/)
    })

    it('signs the member out on A too after a logout through B', async () => {
      const onA = new Browser(a.baseUrl, emulator)
      const cookie = sessionCookieOf(await onA.signInAdmin())
      const withCookie = () => request(a.baseUrl).get('/admin').set({ accept: 'text/html', cookie })
      expect((await withCookie()).status).toBe(200)

      const out = await onA.on(b.baseUrl).post('/logout', {})
      expect(location(out)).toBe('/login')
      // The cookie the browser had still names the session, but A reads it signed out from Redis.
      expect(location(await withCookie())).toBe('/login?returnTo=%2Fadmin')
      expect(location(await onA.get('/admin'))).toBe('/login?returnTo=%2Fadmin')
    })

    it('holds the SMS cooldown across instances, the limits being in Redis', async () => {
      const onA = new Browser(a.baseUrl, emulator)
      await onA.passEmailStep(ADMIN.email)
      const refused = await onA.on(b.baseUrl).post('/auth/sms/send', {})
      expect(location(refused)).toMatch(/^\/mfa\?error=rate_limited&retry_after=\d+$/)
      expect(emulator.outbox({ channel: 'sms' })).toHaveLength(1)
      expect(await redis.keys('stytch-b2b-mfa:*')).not.toHaveLength(0)
    })
  })
})
