/**
 * What someone who reads the limits' Redis learns: only keyed hashes. A real redis-server
 * (skipped locally without one, required in CI: see redis-server.ts).
 */
import { describe, expect, it } from 'vitest'
import { Limits } from '../../src/core/limits.js'
import { mfaOptionsSchema } from '../../src/core/options.js'
import { createSealer } from '../../src/core/seal.js'
import { redisLimitStore } from '../../src/limits/index.js'
import { SECRET, frameworks } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { REDIS_SERVER, useRedis } from '../helpers/redis-server.js'
import { ADMIN, NEWCOMER } from '../helpers/seed.js'

const emulator = useEmulator()
const PENDING = '__Host-stytch_mfa_pending'
const IPV4 = '203.0.113.77'
const IPV6 = '2001:db8:abcd:12::5'
const ENROLLED = '+12025550123'

/** A code that is not the one last sent to `to`. */
function wrongCodeFor(to: string): string {
  return emulator.current.lastCode(to) === '000000' ? '111111' : '000000'
}

describe.skipIf(REDIS_SERVER === undefined)('limit keys in Redis', () => {
  const redis = useRedis()

  /** Every key of the store that holds one of `values` (case ignored). */
  async function keysHolding(values: readonly string[]): Promise<string[]> {
    const keys = await redis.client.keys('*')
    expect(keys.length).toBeGreaterThan(0)
    return keys.filter((key) =>
      values.some((value) => key.toLowerCase().includes(value.toLowerCase())),
    )
  }

  describe.each(frameworks)('on $name', (framework) => {
    it('holds no IP, address, member or organization id, phone number or token in clear after a full attack on every limit', async () => {
      const app = framework.build(emulator.current, {
        redis: redis.client,
        options: { phoneEnrollment: { enabled: true }, limits: { smsCooldownSeconds: 0 } },
      })
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } })
      const admin = new Client(app.listener)
      await admin.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }, from(IPV4))
      await admin.post('/auth/email/verify', { code: wrongCodeFor(ADMIN.email) }, from(IPV4))
      await new Client(app.listener).post(
        '/auth/email/verify',
        { code: wrongCodeFor(ADMIN.email), email: ADMIN.email, organization: 'acme' },
        from(IPV6),
      )
      await admin.post(
        '/auth/email/verify',
        { code: emulator.current.lastCode(ADMIN.email) },
        from(IPV4),
      )
      const opened = await createSealer([SECRET], 'pending-login').open(
        admin.jar.get(PENDING) ?? '',
        emulator.current.now(),
      )
      const ist = String(opened?.intermediateSessionToken)
      expect(ist.length).toBeGreaterThan(10)
      expect((await admin.post('/auth/sms/send', {}, from(IPV6))).status).toBe(200)
      expect(
        (await admin.post('/auth/sms/verify', { code: wrongCodeFor(ADMIN.phone) }, from(IPV6)))
          .status,
      ).toBe(401)
      const newcomer = new Client(app.listener)
      await newcomer.post('/auth/email/send', { email: NEWCOMER.email, organization: 'acme' })
      await newcomer.post('/auth/email/verify', {
        code: emulator.current.lastCode(NEWCOMER.email),
      })
      const enrolled = await newcomer.post('/auth/sms/send', { phoneNumber: ENROLLED }, from(IPV4))
      expect(enrolled.status).toBe(200)

      const sent = emulator.current.outbox()
      const ids = sent.flatMap((message) => [message.member_id, message.organization_id])
      expect(ids.length).toBeGreaterThan(0)
      const clear = [
        IPV4,
        '2001:db8',
        ADMIN.email,
        NEWCOMER.email,
        ADMIN.phone.slice(1),
        ENROLLED.slice(1),
        ist,
        ...ids,
      ]
      expect(await keysHolding(clear)).toEqual([])
      // Each limit wrote its own keys: IP, address, challenge, member and phone counters.
      expect((await redis.client.keys('test:*')).length).toBeGreaterThanOrEqual(10)
    })
  })

  it('keeps the client of an unverified Stytch call hashed too', async () => {
    const limits = new Limits(
      mfaOptionsSchema.shape.limits.parse({}),
      redisLimitStore(redis.client, { useRedisPackage: true, keyPrefix: 'test' }),
      SECRET,
    )
    await limits.beforeUnverifiedCall(IPV4)
    await limits.beforeUnverifiedCall(IPV6)
    expect(await redis.client.keys('test:unverified-ip-minute:*')).toHaveLength(2)
    expect(await keysHolding([IPV4, '2001:db8', '203.0.113'])).toEqual([])
  })
})
