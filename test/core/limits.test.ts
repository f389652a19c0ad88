import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import type { Counter, LimitStore } from '../../src/core/ports/limit-store.js'
import { Limits, clientKey, normaliseEmail, type LimitsConfig } from '../../src/core/limits.js'
import { memoryLimitStore } from '../../src/limits/index.js'

const SECRET = 'limits-secret-0123456789-abcdefghijklmn'
const config: LimitsConfig = {
  smsCooldownSeconds: 30,
  smsPerMemberPerHour: 5,
  smsPerMemberPerDay: 10,
  smsPerPhonePerDay: 10,
  smsPerIpPerHour: 30,
  emailPerAddressPerHour: 5,
  emailPerIpPerHour: 30,
  attemptsPerCode: 5,
  failuresPerMember: 10,
  lockoutSeconds: 3600,
  unverifiedCallsPerIpPerMinute: 60,
}

const IP = '203.0.113.7'
const MEMBER = 'organization-test-acme:member-test-admin'
const PHONE = '+12025550100'
const refused = (status: number) =>
  new MfaError('invalid_phone_number', 'Stytch refused', { stytchStatus: status })
const timedOut = () => new MfaError('stytch_timeout', 'no answer in time')

/** A memory store that also writes down every key it was given. */
function recordingStore(): { store: LimitStore; keys: Set<string> } {
  const inner = memoryLimitStore()
  const keys = new Set<string>()
  return {
    keys,
    store: {
      counter(name, points, duration) {
        const counter = inner.counter(name, points, duration)
        const seen = (key: string) => keys.add(`${name}:${key}`)
        return {
          consume: (key) => (seen(key), counter.consume(key)),
          refund: (key) => (seen(key), counter.refund(key)),
          reset: (key) => (seen(key), counter.reset(key)),
        }
      },
    },
  }
}

async function spend(times: number, take: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < times; i += 1) await take()
}

describe('clientKey()', () => {
  it('keeps IPv4 addresses and maps IPv4-in-IPv6 to IPv4', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it('counts IPv6 addresses per /64', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff'))
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'))
  })

  it('puts clients without a readable address in one bucket', () => {
    expect(clientKey(undefined)).toBe('unknown')
    expect(clientKey('not an ip')).toBe('unknown')
  })
})

describe('normaliseEmail()', () => {
  it('names one inbox however its address is cased or padded', () => {
    expect(normaliseEmail(' Admin@ACME.test ')).toBe('admin@acme.test')
  })
})

describe('Limits', () => {
  it('never hands the store an IP, an address, a phone number, a member id or a token', async () => {
    const { store, keys } = recordingStore()
    const limits = new Limits({ ...config, smsCooldownSeconds: 0 }, store, SECRET)
    await limits.beforeEmailSend('Admin@Acme.test', IP)
    await limits.reserveEmailAttempt('admin@acme.test', 'challenge-nonce-0123456789')
    await limits.reserveEmailAttempt('admin@acme.test', undefined)
    await limits.sendSms(MEMBER, PHONE, '2001:db8:1:2::1', () => Promise.resolve())
    await limits.smsSentByStytch(MEMBER, PHONE)
    await (await limits.reserveSmsAttempt('ist-secret-token', MEMBER)).succeeded()
    await limits.beforeUnverifiedCall(IP)
    expect(keys.size).toBeGreaterThan(8)
    const clear = ['203.0.113', '2001', 'db8', 'admin', 'acme', 'member-test', '2025550100']
    const clearIst = 'ist-secret'
    for (const key of keys) {
      for (const value of [...clear, clearIst, 'challenge-nonce']) {
        expect(key.toLowerCase()).not.toContain(value)
      }
    }
  })

  it('keys the same value differently under another secret', async () => {
    const a = recordingStore()
    const b = recordingStore()
    await new Limits(config, a.store, SECRET).beforeUnverifiedCall(IP)
    await new Limits(config, b.store, `${SECRET}x`).beforeUnverifiedCall(IP)
    expect([...a.keys]).not.toEqual([...b.keys])
  })

  it('gives back earlier points when a later limit refuses', async () => {
    const limits = new Limits(
      { ...config, smsCooldownSeconds: 0, smsPerIpPerHour: 1 },
      memoryLimitStore(),
      SECRET,
    )
    const send = () => Promise.resolve()
    await limits.sendSms('org:m1', undefined, IP, send)
    await expect(limits.sendSms('org:m2', undefined, IP, send)).rejects.toMatchObject({
      code: 'rate_limited',
    })
    // m2's member budget was refunded: from other addresses it still has all five sends.
    for (let i = 0; i < 5; i += 1) {
      await limits.sendSms('org:m2', undefined, `198.51.100.${String(i)}`, send)
    }
    await expect(limits.sendSms('org:m2', undefined, '198.51.100.99', send)).rejects.toMatchObject({
      code: 'rate_limited',
    })
  })

  it('fails closed with limits_unavailable when the store fails, calling nothing', async () => {
    const broken: Counter = {
      consume: () => Promise.reject(new Error('connection refused')),
      refund: () => Promise.reject(new Error('connection refused')),
      reset: () => Promise.reject(new Error('connection refused')),
    }
    const store: LimitStore = { counter: () => broken }
    const limits = new Limits(config, store, SECRET)
    let sent = 0
    const send = () => Promise.resolve((sent += 1))
    await expect(limits.sendSms('org:m', undefined, IP, send)).rejects.toMatchObject({
      code: 'limits_unavailable',
      status: 503,
    })
    expect(sent).toBe(0)
    for (const take of [
      () => limits.beforeEmailSend('a@acme.test', undefined),
      () => limits.reserveSmsAttempt('ist', 'org:m'),
      () => limits.reserveEmailAttempt('a@acme.test', 'challenge-0123456789'),
      () => limits.reserveEmailAttempt('a@acme.test', undefined),
      () => limits.beforeUnverifiedCall(IP),
    ]) {
      await expect(take()).rejects.toMatchObject({ code: 'limits_unavailable' })
    }
  })

  describe('email sends', () => {
    it('counts an inbox once whatever its case, across organizations', async () => {
      const limits = new Limits(
        { ...config, emailPerAddressPerHour: 2 },
        memoryLimitStore(),
        SECRET,
      )
      await limits.beforeEmailSend('admin@acme.test', '198.51.100.1')
      await limits.beforeEmailSend('ADMIN@Acme.Test', '198.51.100.2')
      await expect(
        limits.beforeEmailSend(' admin@ACME.test', '198.51.100.3'),
      ).rejects.toMatchObject({ code: 'rate_limited' })
    })
  })

  describe('email code attempts', () => {
    it("lets a stranger burn only their own challenges, never the owner's", async () => {
      const limits = new Limits({ ...config, attemptsPerCode: 3 }, memoryLimitStore(), SECRET)
      for (const stranger of ['stranger-challenge-000000001', undefined]) {
        await spend(3, () => limits.reserveEmailAttempt('admin@acme.test', stranger))
        await expect(limits.reserveEmailAttempt('ADMIN@acme.test', stranger)).rejects.toMatchObject(
          { code: 'otp_locked' },
        )
      }
      const owner = await limits.reserveEmailAttempt('admin@acme.test', 'owner-challenge-00000001')
      await owner.succeeded()
    })

    it('keeps a replayed challenge burned: a right code gives back only its own point', async () => {
      const limits = new Limits({ ...config, attemptsPerCode: 3 }, memoryLimitStore(), SECRET)
      const challenge = 'copied-challenge-000000001'
      await spend(2, () => limits.reserveEmailAttempt('admin@acme.test', challenge))
      await (await limits.reserveEmailAttempt('admin@acme.test', challenge)).succeeded()
      await limits.reserveEmailAttempt('admin@acme.test', challenge)
      await expect(limits.reserveEmailAttempt('admin@acme.test', challenge)).rejects.toMatchObject({
        code: 'otp_locked',
      })
    })

    it('shares one cookieless challenge per address, whatever its case', async () => {
      const limits = new Limits({ ...config, attemptsPerCode: 2 }, memoryLimitStore(), SECRET)
      await limits.reserveEmailAttempt('admin@acme.test', undefined)
      await limits.reserveEmailAttempt('Admin@Acme.Test', undefined)
      await expect(limits.reserveEmailAttempt('ADMIN@ACME.TEST', undefined)).rejects.toMatchObject({
        code: 'otp_locked',
      })
      await limits.reserveEmailAttempt('other@acme.test', undefined)
    })
  })

  describe('SMS code attempts', () => {
    it('gives back an attempt Stytch never judged, and starts over after a right code', async () => {
      const limits = new Limits(
        { ...config, attemptsPerCode: 2, failuresPerMember: 2 },
        memoryLimitStore(),
        SECRET,
      )
      const attempt = await limits.reserveSmsAttempt('ist-1', 'org:m')
      await attempt.abandoned()
      const second = await limits.reserveSmsAttempt('ist-1', 'org:m')
      await second.succeeded()
      // Both counts start over: two more attempts, then locked.
      await limits.reserveSmsAttempt('ist-1', 'org:m')
      await limits.reserveSmsAttempt('ist-1', 'org:m')
      await expect(limits.reserveSmsAttempt('ist-1', 'org:m')).rejects.toMatchObject({
        code: 'otp_locked',
      })
    })
  })

  describe('SMS sends', () => {
    it('gives the cooldown and the member budgets back when Stytch refused the send', async () => {
      const limits = new Limits({ ...config, smsPerMemberPerHour: 1 }, memoryLimitStore(), SECRET)
      for (const status of [400, 429]) {
        await expect(
          limits.sendSms(MEMBER, PHONE, IP, () => Promise.reject(refused(status))),
        ).rejects.toMatchObject({ stytchStatus: status })
      }
      await limits.sendSms(MEMBER, PHONE, IP, () => Promise.resolve())
      await expect(
        limits.sendSms(MEMBER, PHONE, IP, () => Promise.resolve()),
      ).rejects.toMatchObject({ code: 'rate_limited' })
    })

    it("keeps the client's point for a refused send: refusals are no free Stytch calls", async () => {
      const limits = new Limits(
        { ...config, smsCooldownSeconds: 0, smsPerIpPerHour: 2 },
        memoryLimitStore(),
        SECRET,
      )
      await spend(2, () =>
        limits.sendSms(MEMBER, PHONE, IP, () => Promise.reject(refused(400))).catch(() => 0),
      )
      await expect(
        limits.sendSms(MEMBER, PHONE, IP, () => Promise.resolve()),
      ).rejects.toMatchObject({ code: 'rate_limited' })
    })

    it('keeps every point when the send timed out or Stytch failed: the SMS may have gone out', async () => {
      for (const failure of [
        timedOut(),
        new MfaError('stytch_unavailable', '', { stytchStatus: 502 }),
      ]) {
        const limits = new Limits(config, memoryLimitStore(), SECRET)
        await expect(limits.sendSms(MEMBER, PHONE, IP, () => Promise.reject(failure))).rejects.toBe(
          failure,
        )
        await expect(
          limits.sendSms(MEMBER, PHONE, IP, () => Promise.resolve()),
        ).rejects.toMatchObject({ code: 'rate_limited' })
      }
    })
  })

  describe('Stytch calls for unverified credentials', () => {
    it('refuses a client past its budget per minute, with Retry-After, counting IPv6 per /64', async () => {
      const limits = new Limits(
        { ...config, unverifiedCallsPerIpPerMinute: 3 },
        memoryLimitStore(),
        SECRET,
      )
      await spend(3, () => limits.beforeUnverifiedCall('2001:db8:1:2::1'))
      const refusal = await limits
        .beforeUnverifiedCall('2001:db8:1:2::ffff')
        .catch((e: unknown) => e)
      expect(refusal).toBeInstanceOf(MfaError)
      expect(refusal).toMatchObject({ code: 'rate_limited', status: 429 })
      const { retryAfterSeconds } = refusal as MfaError
      expect(retryAfterSeconds).toBeGreaterThan(0)
      expect(retryAfterSeconds).toBeLessThanOrEqual(60)
      await limits.beforeUnverifiedCall('2001:db8:1:3::1')
      await limits.beforeUnverifiedCall(IP)
    })
  })
})
