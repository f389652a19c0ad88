/**
 * The consoles on Redis as `REDIS_URL` sets up `npm start`, with the client `startup.ts` makes:
 * two instances of each sharing one Redis behind a load balancer (sessions in connect-redis and
 * `koaRedisSessionStore`, the library's limits in `redisLimitStore`), and one instance through
 * a Redis outage. Needs a real redis-server (`test/helpers`).
 */
import { RESP_TYPES, createClient, type RedisClientType } from 'redis'
import request from 'supertest'
import type { Response } from 'supertest'
import { startEmulator, type Emulator } from 'stytch-b2b-mfa/emulator'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { demoSeed } from '../../example-app/demo.js'
import { createRedisClient } from '../../example-app/redis.js'
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
  /** What the test reads and clears in Redis. */
  let redis: RedisClientType
  /** What the consoles use, as `npm start` makes it. */
  let consoleRedis: RedisClientType
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
    consoleRedis = createRedisClient(server.url)
    await Promise.all([redis.connect(), consoleRedis.connect()])
  })

  beforeEach(async () => {
    emulator.reset()
    await redis.flushAll()
  })

  afterAll(async () => {
    redis.destroy()
    consoleRedis.destroy()
    await Promise.all([server.stop(), emulator.close()])
  })

  describe.each(CONSOLES)('on $name', (app) => {
    /** Two instances of the console, built with the same Redis client. */
    let a: Served
    let b: Served

    beforeEach(async () => {
      ;[a, b] = await Promise.all([
        serve(app.listener({ ...demoOptions(emulator), redis: consoleRedis })),
        serve(app.listener({ ...demoOptions(emulator), redis: consoleRedis })),
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

/** How soon a request needing the session is answered while Redis hangs (README: 2 s). */
const OUTAGE_ANSWER_WITHIN_MS = 2000

/**
 * How soon it is answered while Redis is down: at once, well before the 1 s deadline that
 * bounds a hang, since a client that is reconnecting refuses commands instead of queuing them.
 */
const DOWN_ANSWER_WITHIN_MS = 750

/** A request, named, and how long its answer took. */
async function timed(
  name: string,
  send: () => PromiseLike<Response>,
): Promise<{ name: string; res: Response; ms: number }> {
  const sentAt = performance.now()
  const res = await send()
  return { name, res, ms: performance.now() - sentAt }
}

describe.skipIf(REDIS_SERVER === undefined)('the example consoles through a Redis outage', () => {
  let emulator: Emulator
  let server: RedisServer
  /** What the test reads and writes in Redis: it waits for Redis, unlike the console's. */
  let redis: RedisClientType
  /** The console's client, as `npm start` makes it, and what it logged. */
  let consoleRedis: RedisClientType
  let redisLogs: string[]

  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    emulator = await startEmulator({ seed: demoSeed })
  })

  afterAll(async () => {
    await emulator.close()
  })

  beforeEach(async () => {
    emulator.reset()
    // Each test stops Redis in its own way: each has its own.
    server = await RedisServer.start()
    redis = createClient({ url: server.url })
    redis.on('error', () => undefined)
    redisLogs = []
    const log = (message: string) => redisLogs.push(message)
    consoleRedis = createRedisClient(server.url, { log, error: log })
    await Promise.all([redis.connect(), consoleRedis.connect()])
  })

  afterEach(async () => {
    redis.destroy()
    consoleRedis.destroy()
    await server.stop()
  })

  /** Every key with its value and time to live, as a Redis that saves its data keeps them. */
  async function snapshot(): Promise<{ key: string; dump: Buffer; ttl: number }[]> {
    const binary = redis.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
    const keys = await redis.keys('*')
    return Promise.all(
      keys.map(async (key) => ({
        key,
        dump: await binary.dump(key),
        ttl: Math.max(0, await redis.pTTL(key)),
      })),
    )
  }

  describe.each(CONSOLES)('on $name', (app) => {
    let served: Served
    let browser: Browser

    beforeEach(async () => {
      served = await serve(app.listener({ ...demoOptions(emulator), redis: consoleRedis }))
      browser = new Browser(served.baseUrl, emulator)
      await browser.signInAdmin()
      return async () => {
        await served.close()
      }
    })

    /** `/admin/api/me` as a script asks for it, with the browser's cookies. */
    const me = () => browser.agent.get('/admin/api/me').set('accept', 'application/json')
    const health = () => request(served.baseUrl).get('/healthz')

    /** A few pages and API calls of the signed-in member at once, and a sign-in. */
    async function expectRefusedWithin(deadlineMs: number): Promise<void> {
      const [pages, calls, signIn] = await Promise.all([
        Promise.all([1, 2, 3].map(() => timed('GET /admin', () => browser.get('/admin')))),
        Promise.all([1, 2, 3].map(() => timed('GET /admin/api/me', me))),
        timed('POST /auth/email/send', () =>
          request(served.baseUrl)
            .post('/auth/email/send')
            .set({ accept: 'application/json', origin: served.baseUrl })
            .send({ email: ADMIN.email, organization: 'acme' }),
        ),
      ])
      for (const { name, ms } of [...pages, ...calls, signIn])
        expect(ms, name).toBeLessThan(deadlineMs)
      for (const { res } of pages) {
        expect(res.status).toBe(503)
        expect(res.headers['content-type']).toMatch(/^text\/html/)
        expect(res.text).toContain('Try again')
      }
      for (const { res } of calls) {
        expect(res.status).toBe(503)
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(res.body).toMatchObject({ status: 503, code: 'sessions_unavailable' })
      }
      expect(signIn.res.status).toBe(503)
      expect(signIn.res.body).toMatchObject({ code: 'limits_unavailable' })
    }

    it('answers 503 at once while Redis is down, says so at /healthz, and takes the same session back when Redis returns with its data', async () => {
      const before = await me()
      expect(before.status).toBe(200)
      expect((await health()).body).toEqual({ status: 'ok', redis: 'up' })
      const saved = await snapshot()

      await server.stop()
      await expectRefusedWithin(DOWN_ANSWER_WITHIN_MS)
      const down = await health()
      expect(down.status).toBe(503)
      expect(down.body).toEqual({ status: 'unavailable', redis: 'down' })

      // The test's redis-server saves nothing: its data is put back, as a saving Redis keeps it.
      await server.start()
      for (const { key, dump, ttl } of saved) await redis.restore(key, ttl, dump)
      await vi.waitFor(
        async () => {
          expect((await health()).status).toBe(200)
        },
        { timeout: 5000, interval: 100 },
      )
      const after = await me()
      expect(after.status).toBe(200)
      expect(after.body).toEqual(before.body)
      expect(redisLogs).toEqual([
        expect.stringMatching(/^\[redis\] redis:\/\/127\.0\.0\.1:\d+\/?: .*\(reconnecting\)$/),
        expect.stringMatching(/^\[redis\] redis:\/\/127\.0\.0\.1:\d+\/?: connected again$/),
      ])
    })

    it('signs out, rather than fails, a member whose session a Redis restart without its data lost', async () => {
      await server.stop()
      expect((await me()).status).toBe(503)

      await server.start()
      await vi.waitFor(
        async () => {
          expect((await health()).status).toBe(200)
        },
        { timeout: 5000, interval: 100 },
      )
      expect((await me()).status).toBe(401)
      expect(location(await browser.get('/admin'))).toBe('/login?returnTo=%2Fadmin')
      await browser.signInAdmin()
      expect((await me()).status).toBe(200)
    })

    it('answers 503 within the deadline while Redis hangs, and carries on when it answers again', async () => {
      const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1])
      expect(pid).toBeGreaterThan(0)
      const before = await me()
      expect(before.status).toBe(200)

      process.kill(pid, 'SIGSTOP')
      try {
        await expectRefusedWithin(OUTAGE_ANSWER_WITHIN_MS)
        expect((await health()).body).toEqual({ status: 'unavailable', redis: 'down' })
      } finally {
        process.kill(pid, 'SIGCONT')
      }
      expect((await health()).status).toBe(200)
      const after = await me()
      expect(after.status).toBe(200)
      expect(after.body).toEqual(before.body)
    })
  })
})
