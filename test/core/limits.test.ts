import { describe, expect, it } from 'vitest'
import type { Counter, LimitStore } from '../../src/core/limit-store.js'
import { Limits, clientKey } from '../../src/core/limits.js'
import { memoryLimitStore } from '../../src/limits/index.js'

const SECRET = 'limits-secret-0123456789-abcdefghijklmn'
const config = {
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

describe('Limits', () => {
  it('hashes keys so the store never holds an address or a token', () => {
    const limits = new Limits(config, memoryLimitStore(), SECRET)
    const key = limits.hash('acme|admin@acme.test')
    expect(key).not.toContain('admin')
    expect(key).toBe(limits.hash('acme|admin@acme.test'))
    expect(key).not.toBe(
      new Limits(config, memoryLimitStore(), `${SECRET}x`).hash('acme|admin@acme.test'),
    )
  })

  it('gives back earlier points when a later limit refuses', async () => {
    const limits = new Limits(
      { ...config, smsCooldownSeconds: 0, smsPerIpPerHour: 1 },
      memoryLimitStore(),
      SECRET,
    )
    await limits.beforeSmsSend('org:m1', undefined, '203.0.113.7')
    await expect(limits.beforeSmsSend('org:m2', undefined, '203.0.113.7')).rejects.toMatchObject({
      code: 'rate_limited',
    })
    // m2's member budget was refunded: from other addresses it still has all five sends.
    for (let i = 0; i < 5; i += 1) {
      await limits.beforeSmsSend('org:m2', undefined, `198.51.100.${String(i)}`)
    }
    await expect(limits.beforeSmsSend('org:m2', undefined, '198.51.100.99')).rejects.toMatchObject({
      code: 'rate_limited',
    })
  })

  it('fails closed with limits_unavailable when the store fails', async () => {
    const broken: Counter = {
      consume: () => Promise.reject(new Error('connection refused')),
      refund: () => Promise.reject(new Error('connection refused')),
      reset: () => Promise.reject(new Error('connection refused')),
    }
    const store: LimitStore = { counter: () => broken }
    const limits = new Limits(config, store, SECRET)
    await expect(limits.beforeSmsSend('org:m', undefined, '203.0.113.7')).rejects.toMatchObject({
      code: 'limits_unavailable',
      status: 503,
    })
    await expect(limits.beforeEmailSend('acme', 'a@acme.test', undefined)).rejects.toMatchObject({
      code: 'limits_unavailable',
    })
    await expect(limits.reserveAttempt('ist', 'org:m')).rejects.toMatchObject({
      code: 'limits_unavailable',
    })
  })

  it('gives back an attempt Stytch never judged, and starts over after a right code', async () => {
    const limits = new Limits(
      { ...config, attemptsPerCode: 2, failuresPerMember: 2 },
      memoryLimitStore(),
      SECRET,
    )
    const attempt = await limits.reserveAttempt('ist-1', 'org:m')
    await attempt.abandoned()
    const second = await limits.reserveAttempt('ist-1', 'org:m')
    await second.succeeded()
    // Both counts start over: two more attempts, then locked.
    await limits.reserveAttempt('ist-1', 'org:m')
    await limits.reserveAttempt('ist-1', 'org:m')
    await expect(limits.reserveAttempt('ist-1', 'org:m')).rejects.toMatchObject({
      code: 'otp_locked',
    })
  })
})
