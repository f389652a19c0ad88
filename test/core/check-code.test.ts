import { describe, expect, it } from 'vitest'
import { checkCode } from '../../src/core/check-code.js'
import { MfaError } from '../../src/core/errors.js'
import type { MfaEvent } from '../../src/core/events.js'
import { Limits, memberKey, type LimitsConfig } from '../../src/core/limits.js'
import { mfaOptionsSchema } from '../../src/core/options.js'
import { memoryLimitStore } from '../../src/limits/index.js'

/** The default limits, with two attempts per code. */
const config: LimitsConfig = mfaOptionsSchema.shape.limits.parse({ attemptsPerCode: 2 })
const IP = '203.0.113.7'
const MEMBER = { memberId: 'member-test-admin', organizationId: 'organization-test-acme' }

function setUp() {
  const limits = new Limits(config, memoryLimitStore(), 'check-code-secret-0123456789-abcdefgh')
  const events: MfaEvent[] = []
  const engine = { limits, emit: (event: MfaEvent) => events.push(event) }
  const smsCheck = (verdict: () => Promise<string>) =>
    checkCode(engine, {
      channel: 'sms',
      ip: IP,
      member: MEMBER,
      reserve: () => limits.reserveSmsAttempt('ist-1', memberKey(MEMBER)),
      verdict,
    })
  return { limits, events, engine, smsCheck }
}

const wrong = () => Promise.reject(new MfaError('otp_invalid', 'wrong code', { requestId: 'r-1' }))

describe('checkCode()', () => {
  it("returns Stytch's answer to a right code, and reports nothing", async () => {
    const { events, smsCheck } = setUp()
    await expect(smsCheck(() => Promise.resolve('grant'))).resolves.toBe('grant')
    expect(events).toEqual([])
  })

  it('reports a wrong code as otp_failed with the member, then rethrows it', async () => {
    const { events, smsCheck } = setUp()
    await expect(smsCheck(wrong)).rejects.toMatchObject({ code: 'otp_invalid' })
    expect(events).toStrictEqual([
      {
        type: 'otp_failed',
        channel: 'sms',
        code: 'otp_invalid',
        memberId: MEMBER.memberId,
        organizationId: MEMBER.organizationId,
        requestId: 'r-1',
        ip: IP,
      },
    ])
  })

  it('reports a lockout by the attempt budget like any failed attempt, without asking Stytch', async () => {
    const { events, smsCheck } = setUp()
    for (let attempt = 0; attempt < config.attemptsPerCode; attempt += 1) {
      await expect(smsCheck(wrong)).rejects.toMatchObject({ code: 'otp_invalid' })
    }
    let asked = false
    const locked = smsCheck(() => ((asked = true), Promise.resolve('grant')))
    await expect(locked).rejects.toMatchObject({ code: 'otp_locked' })
    expect(asked).toBe(false)
    expect(events.map((event) => event.type === 'otp_failed' && event.code)).toEqual([
      'otp_invalid',
      'otp_invalid',
      'otp_locked',
    ])
  })

  it('names no member for the email step, which may not know one', async () => {
    const { limits, events, engine } = setUp()
    const failed = checkCode(engine, {
      channel: 'email',
      ip: IP,
      reserve: () => limits.reserveEmailAttempt('admin@acme.test', undefined),
      verdict: wrong,
    })
    await expect(failed).rejects.toMatchObject({ code: 'otp_invalid' })
    expect(events).toStrictEqual([
      { type: 'otp_failed', channel: 'email', code: 'otp_invalid', requestId: 'r-1', ip: IP },
    ])
  })

  it('rethrows an error that is not an MfaError without reporting it', async () => {
    const { events, smsCheck } = setUp()
    const bug = new TypeError('a bug')
    await expect(smsCheck(() => Promise.reject(bug))).rejects.toBe(bug)
    expect(events).toEqual([])
  })
})
