/**
 * Sign-outs across instances that share a real Redis through `redisRevocationStore`: a copied
 * cookie stops working on every instance within a second of the logout, with no Redis command
 * per guarded request, and an instance started later knows the sign-outs on record.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { redisRevocationStore, type RedisRevocationStore } from '../../src/revocations/index.js'
import { frameworks, type Framework, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { REDIS_SERVER, useRedis } from '../helpers/redis-server.js'
import { signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()
const REVOKE = '/v1/b2b/sessions/revoke'

const stores: RedisRevocationStore[] = []

describe.skipIf(REDIS_SERVER === undefined)('sign-outs shared through Redis', () => {
  const redis = useRedis()

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()))
  })

  describe.each(frameworks)('on $name', (framework: Framework) => {
    function instance(): TestApp {
      const store = redisRevocationStore(redis.client, { keyPrefix: 'test' })
      stores.push(store)
      return framework.build(emulator.current, { options: { revocationStore: store } })
    }

    /** GETs `/admin` with the cookies until the answer is no longer 503 (the store syncing). */
    async function settled(client: Client): Promise<number> {
      for (;;) {
        const { status } = await client.get('/admin')
        if (status !== 503) return status
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }

    /** How long after `since` a copied cookie took to be refused on `client`'s instance. */
    async function refusedWithin(client: Client, since: number): Promise<number> {
      for (;;) {
        const { status } = await client.get('/admin')
        if (status === 401) return performance.now() - since
        expect(status).toBe(200)
        if (performance.now() - since > 5000) throw new Error('still admitted after 5 s')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }

    it('refuses a copied cookie on the other instance within 1 second of a logout', async () => {
      const [a, b] = [instance(), instance()]
      const onA = await signIn(a, emulator.current)
      const copied = new Client(b.listener, onA.jar.clone())
      expect(await settled(copied)).toBe(200)
      const loggedOut = performance.now()
      expect((await onA.post('/auth/logout')).status).toBe(200)
      expect(await refusedWithin(copied, loggedOut)).toBeLessThanOrEqual(1000)
    })

    it('refuses it everywhere within 1 second even when Stytch failed the revoke', async () => {
      const [a, b] = [instance(), instance()]
      const onA = await signIn(a, emulator.current)
      const copied = new Client(b.listener, onA.jar.clone())
      expect(await settled(copied)).toBe(200)
      emulator.current.injectFault(REVOKE, { kind: 'status', status: 503 }, 1)
      const loggedOut = performance.now()
      const out = await onA.post('/auth/logout')
      expect(out.body).toEqual({ status: 'signed_out', revoked: false })
      expect(await refusedWithin(copied, loggedOut)).toBeLessThanOrEqual(1000)
      // Past the JWT's lifetime the other instance asks Stytch: still refused.
      emulator.current.advanceClock(301)
      expect((await copied.get('/admin')).status).toBe(401)
      await expect
        .poll(() => a.events.some((event) => event.type === 'session_revoked'), { timeout: 10_000 })
        .toBe(true)
    })

    it('refuses a signed-out session on an instance started after the logout', async () => {
      const a = instance()
      const onA = await signIn(a, emulator.current)
      const copied = onA.jar.clone()
      emulator.current.injectFault(REVOKE, { kind: 'status', status: 503 }, 100)
      expect((await onA.post('/auth/logout')).status).toBe(200)
      const later = instance()
      expect(await settled(new Client(later.listener, copied))).toBe(401)
      emulator.current.clearFaults()
      await expect
        .poll(() => a.events.some((event) => event.type === 'session_revoked'), { timeout: 10_000 })
        .toBe(true)
    })

    it('sends Redis no command on a guarded request', async () => {
      const [a] = [instance()]
      const onA = await signIn(a, emulator.current)
      expect(await settled(onA)).toBe(200)
      const before = Number(
        (await redis.client.info('stats')).match(/total_commands_processed:(\d+)/)?.[1],
      )
      for (let i = 0; i < 20; i += 1) expect((await onA.get('/admin')).status).toBe(200)
      const after = Number(
        (await redis.client.info('stats')).match(/total_commands_processed:(\d+)/)?.[1],
      )
      // The second INFO itself is the one command counted between the two readings.
      expect(after - before).toBe(1)
    })
  })
})
