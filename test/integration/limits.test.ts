import { describe, expect, it } from 'vitest'
import { frameworks, type AppSpec } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN, NEWCOMER } from '../helpers/seed.js'
import { passEmailStep } from '../helpers/sign-in.js'

const emulator = useEmulator()
const SMS_SEND = '/v1/b2b/otps/sms/send'
const SMS_AUTHENTICATE = '/v1/b2b/otps/sms/authenticate'

function limits(values: Record<string, number>, extra: AppSpec['options'] = {}): AppSpec {
  return { options: { limits: values, ...extra } }
}

function wrongCode(): string {
  const right = emulator.current.lastCode(ADMIN.phone)
  return right === '000000' ? '111111' : '000000'
}

describe.each(frameworks)('abuse limits on $name', (framework) => {
  describe('the SMS cooldown', () => {
    it('refuses a resend right after Stytch sent the code, with Retry-After, and sends nothing', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const res = await client.post('/auth/sms/send')
      expect(res.status).toBe(429)
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
      expect(res.body.code).toBe('rate_limited')
      const retryAfter = Number(res.headers['retry-after'])
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(30)
      expect(res.body.retryAfter).toBe(retryAfter)
      expect(emulator.current.calls(SMS_SEND)).toBe(0)
      const state = await client.get('/login-state')
      const { resendAvailableAt, smsSentAt } = state.body as Record<string, string>
      expect(Date.parse(resendAvailableAt ?? '') - Date.parse(smsSentAt ?? '')).toBe(30_000)
    })

    it('tells a browser on the MFA page when to retry', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const res = await client.post('/auth/sms/send', {}, { form: true, browser: true })
      expect(res.status).toBe(303)
      expect(res.headers.location).toMatch(/^\/mfa\?error=rate_limited&retry_after=\d+$/)
    })

    it('lets exactly one of a burst of parallel sends through', async () => {
      const app = framework.build(emulator.current, {
        options: { phoneEnrollment: { enabled: true } },
      })
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current, NEWCOMER)
      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          client.post('/auth/sms/send', { phoneNumber: '+12025550123' }),
        ),
      )
      expect(responses.filter((res) => res.status === 200)).toHaveLength(1)
      expect(responses.filter((res) => res.status === 429)).toHaveLength(11)
      expect(emulator.current.calls(SMS_SEND)).toBe(1)
    })
  })

  it('refuses sends beyond the hourly budget of a member', async () => {
    const app = framework.build(
      emulator.current,
      limits({ smsCooldownSeconds: 0, smsPerMemberPerHour: 3 }),
    )
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current)
    // Stytch's own send at login counts: two more are allowed.
    expect((await client.post('/auth/sms/send')).status).toBe(200)
    expect((await client.post('/auth/sms/send')).status).toBe(200)
    const refused = await client.post('/auth/sms/send')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000)
    expect(emulator.current.calls(SMS_SEND)).toBe(2)
  })

  describe('code attempts', () => {
    it('burns the login after five wrong codes: even the right code is refused', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      for (let i = 0; i < 5; i += 1) {
        const res = await client.post('/auth/sms/verify', { code: wrongCode() })
        expect(res.status).toBe(401)
        expect(res.body.code).toBe('otp_invalid')
      }
      const last = await client.post('/auth/sms/verify', {
        code: emulator.current.lastCode(ADMIN.phone),
      })
      expect(last.status).toBe(429)
      expect(last.body.code).toBe('otp_locked')
      expect(last.headers['retry-after']).toBeDefined()
      expect(emulator.current.calls(SMS_AUTHENTICATE)).toBe(5)
      expect(emulator.current.sessionsMinted()).toBe(0)
    })

    it('never lets a parallel burst of wrong codes exceed the budget', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const code = wrongCode()
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => client.post('/auth/sms/verify', { code })),
      )
      expect(responses.filter((res) => res.status === 401)).toHaveLength(5)
      expect(responses.filter((res) => res.status === 429)).toHaveLength(15)
      expect(emulator.current.calls(SMS_AUTHENTICATE)).toBe(5)
    })

    it('counts failures per member across new logins and resends, and locks the member out', async () => {
      const app = framework.build(
        emulator.current,
        limits({ smsCooldownSeconds: 0, failuresPerMember: 7 }),
      )
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      for (let i = 0; i < 4; i += 1)
        expect((await client.post('/auth/sms/verify', { code: wrongCode() })).status).toBe(401)
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      expect((await client.post('/auth/sms/verify', { code: wrongCode() })).status).toBe(401)
      await passEmailStep(client, emulator.current)
      expect((await client.post('/auth/sms/verify', { code: wrongCode() })).status).toBe(401)
      expect((await client.post('/auth/sms/verify', { code: wrongCode() })).status).toBe(401)
      const locked = await client.post('/auth/sms/verify', {
        code: emulator.current.lastCode(ADMIN.phone),
      })
      expect(locked.status).toBe(429)
      expect(locked.body.code).toBe('otp_locked')
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(3000)
      expect(emulator.current.sessionsMinted()).toBe(0)
    })

    it('starts the member count over after a right code', async () => {
      const app = framework.build(emulator.current, limits({ failuresPerMember: 3 }))
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      for (let i = 0; i < 2; i += 1) await client.post('/auth/sms/verify', { code: wrongCode() })
      expect(
        (await client.post('/auth/sms/verify', { code: emulator.current.lastCode(ADMIN.phone) }))
          .status,
      ).toBe(200)
      const again = new Client(app.listener)
      await passEmailStep(again, emulator.current)
      for (let i = 0; i < 2; i += 1) await again.post('/auth/sms/verify', { code: wrongCode() })
      expect(
        (await again.post('/auth/sms/verify', { code: emulator.current.lastCode(ADMIN.phone) }))
          .status,
      ).toBe(200)
    })

    it('does not spend attempts on Stytch failures', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      emulator.current.injectFault(SMS_AUTHENTICATE, { kind: 'status', status: 503 }, 6)
      for (let i = 0; i < 6; i += 1) {
        expect((await client.post('/auth/sms/verify', { code: wrongCode() })).status).toBe(503)
      }
      expect(
        (await client.post('/auth/sms/verify', { code: emulator.current.lastCode(ADMIN.phone) }))
          .status,
      ).toBe(200)
    })

    it("burns the browser's email challenge after its wrong codes, until a new send opens another", async () => {
      const app = framework.build(emulator.current, limits({ attemptsPerCode: 2 }))
      const client = new Client(app.listener)
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const right = emulator.current.lastCode(ADMIN.email)
      const wrong = right === '000000' ? '111111' : '000000'
      expect((await client.post('/auth/email/verify', { code: wrong })).status).toBe(401)
      expect((await client.post('/auth/email/verify', { code: wrong })).status).toBe(401)
      const locked = await client.post('/auth/email/verify', { code: right })
      expect(locked.status).toBe(429)
      expect(locked.body.code).toBe('otp_locked')
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const again = await client.post('/auth/email/verify', {
        code: emulator.current.lastCode(ADMIN.email),
      })
      expect(again.status).toBe(200)
    })

    it('lets an API client without a cookie sign in again and again: right codes spend no budget', async () => {
      const app = framework.build(
        emulator.current,
        limits({ attemptsPerCode: 2, emailPerAddressPerHour: 100 }),
      )
      for (let i = 0; i < 4; i += 1) {
        await new Client(app.listener).post('/auth/email/send', {
          email: ADMIN.email,
          organization: 'acme',
        })
        const res = await new Client(app.listener).post('/auth/email/verify', {
          code: emulator.current.lastCode(ADMIN.email),
          email: ADMIN.email,
          organization: 'acme',
        })
        expect(res.status, `sign-in ${String(i + 1)}`).toBe(200)
      }
    })
  })

  it('lets the same address sign in again and again: a right code ends its attempt count', async () => {
    const app = framework.build(
      emulator.current,
      limits({ attemptsPerCode: 2, emailPerAddressPerHour: 100 }),
    )
    for (let i = 0; i < 4; i += 1) {
      const client = new Client(app.listener)
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const res = await client.post('/auth/email/verify', {
        code: emulator.current.lastCode(ADMIN.email),
      })
      expect(res.status, `sign-in ${String(i + 1)}`).toBe(200)
    }
  })

  describe('email sends', () => {
    it('refuses more than the hourly budget per address, the same for members and strangers', async () => {
      const app = framework.build(emulator.current, limits({ emailPerAddressPerHour: 2 }))
      for (const email of [ADMIN.email, 'stranger@acme.test']) {
        const client = new Client(app.listener)
        expect(
          (await client.post('/auth/email/send', { email, organization: 'acme' })).status,
        ).toBe(200)
        expect(
          (await client.post('/auth/email/send', { email, organization: 'acme' })).status,
        ).toBe(200)
        const refused = await client.post('/auth/email/send', { email, organization: 'acme' })
        expect(refused.status).toBe(429)
        expect(refused.body.code).toBe('rate_limited')
      }
    })

    it('counts IPv6 clients per /64', async () => {
      const app = framework.build(emulator.current, limits({ emailPerIpPerHour: 2 }))
      const from = (ip: string, email: string) =>
        new Client(app.listener).post(
          '/auth/email/send',
          { email, organization: 'acme' },
          { headers: { 'x-forwarded-for': ip } },
        )
      expect((await from('2001:db8:1:2::1', 'a@acme.test')).status).toBe(200)
      expect((await from('2001:db8:1:2::2', 'b@acme.test')).status).toBe(200)
      expect((await from('2001:db8:1:2:ffff::9', 'c@acme.test')).status).toBe(429)
      expect((await from('2001:db8:1:3::1', 'd@acme.test')).status).toBe(200)
    })
  })

  describe('SMS sends Stytch did not complete', () => {
    const ENROL = { phoneNumber: '+12025550123' }

    it('spends no cooldown on a send Stytch refused: the corrected resend goes out at once', async () => {
      const app = framework.build(emulator.current, {
        options: { phoneEnrollment: { enabled: true } },
      })
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current, NEWCOMER)
      emulator.current.injectFault(SMS_SEND, { kind: 'status', status: 400 })
      expect((await client.post('/auth/sms/send', ENROL)).status).toBeGreaterThanOrEqual(400)
      expect((await client.post('/auth/sms/send', ENROL)).status).toBe(200)
      expect(emulator.current.outbox({ to: ENROL.phoneNumber })).toHaveLength(1)
    })

    it('keeps the cooldown after a send that timed out: the SMS may have gone out', async () => {
      const app = framework.build(emulator.current, {
        options: { phoneEnrollment: { enabled: true } },
      })
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current, NEWCOMER)
      emulator.current.injectFault(SMS_SEND, { kind: 'hang' })
      expect((await client.post('/auth/sms/send', ENROL)).status).toBe(504)
      const resend = await client.post('/auth/sms/send', ENROL)
      expect(resend.status).toBe(429)
      expect(resend.body.code).toBe('rate_limited')
      expect(emulator.current.calls(SMS_SEND)).toBe(1)
    })
  })

  it('answers Stytch 429s with 429 and Retry-After, without retrying', async () => {
    const app = framework.build(emulator.current, limits({ smsCooldownSeconds: 0 }))
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current)
    emulator.current.injectFault(SMS_SEND, {
      kind: 'status',
      status: 429,
      body: {
        status_code: 429,
        request_id: 'request-id-test-429',
        error_type: 'too_many_requests',
        error_message: 'Too many requests have been made.',
        error_url: 'https://stytch.com/docs/api/errors/429',
      },
    })
    const res = await client.post('/auth/sms/send')
    expect(res.status).toBe(429)
    expect(res.body.code).toBe('rate_limited')
    expect(res.headers['retry-after']).toBe('60')
    expect(emulator.current.calls(SMS_SEND)).toBe(1)
  })
})
