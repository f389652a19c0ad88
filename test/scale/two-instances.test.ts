/**
 * Two app instances in one process, each its own server and limiter, sharing one Redis and one
 * emulator: what a load balancer in front of several instances does to sessions and limits.
 */
import { createClient, type RedisClientType } from 'redis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { frameworks, type AppSpec, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'
import { ADMIN } from '../helpers/seed.js'
import { passEmailStep, signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()
const SMS_SEND = '/v1/b2b/otps/sms/send'
const SMS_AUTHENTICATE = '/v1/b2b/otps/sms/authenticate'

let server: RedisServer
let redis: RedisClientType

async function waitUntilReady(client: RedisClientType): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!client.isReady) {
    if (Date.now() > deadline) throw new Error('Redis did not come back')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.skipIf(REDIS_SERVER === undefined)('several instances sharing Redis', () => {
  beforeAll(async () => {
    server = await RedisServer.start()
    redis = createClient({ url: server.url, socket: { reconnectStrategy: () => 100 } })
    // A dropped connection is an event, not a crash: the limits report it per request.
    redis.on('error', () => undefined)
    await redis.connect()
  })

  beforeEach(async () => {
    await waitUntilReady(redis)
    await redis.flushAll()
  })

  afterAll(async () => {
    redis.destroy()
    await server.stop()
  })

  describe.each(frameworks)('on $name', (framework) => {
    function pair(spec: Omit<AppSpec, 'redis'> = {}): [TestApp, TestApp] {
      return [
        framework.build(emulator.current, { ...spec, redis }),
        framework.build(emulator.current, { ...spec, redis }),
      ]
    }

    it('admits on B a member who signed in through A, with sessions in Redis', async () => {
      const [a, b] = pair({ storage: 'server' })
      const onA = await signIn(a, emulator.current)
      const onB = new Client(b.listener, onA.jar)
      expect((await onB.get('/admin')).status).toBe(200)
      expect(b.admitted.get('/admin')).toBe(1)
    })

    it('refuses on A at once after a logout through B, with sessions in Redis', async () => {
      const [a, b] = pair({ storage: 'server' })
      const onA = await signIn(a, emulator.current)
      expect((await onA.get('/admin')).status).toBe(200)
      const onB = new Client(b.listener, onA.jar.clone())
      expect((await onB.post('/auth/logout')).status).toBe(200)
      // The browser's session cookie still names the session, but the session is gone.
      expect((await onA.get('/admin')).status).toBe(401)
    })

    it('refuses on A within the JWT window after a logout through B, with sessions in cookies', async () => {
      const [a, b] = pair({ storage: 'cookie' })
      const onA = await signIn(a, emulator.current)
      expect((await onA.get('/admin')).status).toBe(200)
      const stolen = onA.jar.clone()
      expect((await new Client(b.listener, onA.jar).post('/auth/logout')).status).toBe(200)
      const replay = new Client(a.listener, stolen)
      // Within the window: A trusts the JWT it verified until the JWT expires (≤ 5 minutes).
      expect((await replay.get('/admin')).status).toBe(200)
      // A route that checks with Stytch has no window.
      expect((await replay.get('/admin/strict')).status).toBe(401)
      emulator.current.advanceClock(5 * 60 + 1)
      expect((await replay.get('/admin')).status).toBe(401)
    })

    it('stops a burst of wrong codes split across A and B at the one-instance budget', async () => {
      const [a, b] = pair()
      const onA = new Client(a.listener)
      await passEmailStep(onA, emulator.current)
      const onB = new Client(b.listener, onA.jar)
      const right = emulator.current.lastCode(ADMIN.phone)
      const code = right === '000000' ? '111111' : '000000'
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 === 0 ? onA : onB).post('/auth/sms/verify', { code }),
        ),
      )
      expect(responses.filter((res) => res.status === 401)).toHaveLength(5)
      expect(responses.filter((res) => res.status === 429)).toHaveLength(11)
      expect(emulator.current.calls(SMS_AUTHENTICATE)).toBe(5)
    })

    it('holds the SMS cooldown across instances', async () => {
      const [a, b] = pair()
      const onA = new Client(a.listener)
      await passEmailStep(onA, emulator.current)
      const onB = new Client(b.listener, onA.jar)
      const res = await onB.post('/auth/sms/send')
      expect(res.status).toBe(429)
      expect(res.body.code).toBe('rate_limited')
      expect(emulator.current.calls(SMS_SEND)).toBe(0)
    })

    it('fails closed while Redis is away, with a clear error, and recovers when it returns', async () => {
      const [a] = pair({ options: { limits: { smsCooldownSeconds: 0 } } })
      const client = new Client(a.listener)
      await passEmailStep(client, emulator.current)
      await server.stop()
      const send = await client.post('/auth/sms/send')
      expect(send.status).toBe(503)
      expect(send.body.code).toBe('limits_unavailable')
      const verify = await client.post('/auth/sms/verify', {
        code: emulator.current.lastCode(ADMIN.phone),
      })
      expect(verify.status).toBe(503)
      expect(emulator.current.calls(SMS_SEND)).toBe(0)
      expect(emulator.current.calls(SMS_AUTHENTICATE)).toBe(0)
      await server.start()
      await waitUntilReady(redis)
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      expect(
        (await client.post('/auth/sms/verify', { code: emulator.current.lastCode(ADMIN.phone) }))
          .status,
      ).toBe(200)
    })
  })
})
