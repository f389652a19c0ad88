import { describe, expect, it } from 'vitest'
import { NO_COOLDOWN, frameworks } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN, NEWCOMER, PLAIN } from '../helpers/seed.js'
import { passEmailStep } from '../helpers/sign-in.js'

const emulator = useEmulator()

describe.each(frameworks)('the sign-in flow on $name', (framework) => {
  describe('sendEmailOtp()', () => {
    it('emails a code and answers email_sent with a sealed pending cookie', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      const res = await client.post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ status: 'email_sent', next: '/login/code' })
      expect(res.headers['cache-control']).toBe('no-store')
      expect(emulator.current.lastCode(ADMIN.email)).toMatch(/^\d{6}$/)
      const pending = client.jar.get('__Host-stytch_mfa_pending')
      expect(pending).toBeDefined()
      expect(pending).not.toContain(ADMIN.email)
    })

    it('answers exactly the same for an address that is not a member', async () => {
      const app = framework.build(emulator.current)
      const known = await new Client(app.listener).post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      const unknown = await new Client(app.listener).post('/auth/email/send', {
        email: 'nobody@else.test',
        organization: 'acme',
      })
      expect(unknown.status).toBe(known.status)
      expect(unknown.body).toEqual(known.body)
      expect(emulator.current.lastCode('nobody@else.test')).toBeUndefined()
    })

    it('redirects a form post to the email code page', async () => {
      const app = framework.build(emulator.current)
      const res = await new Client(app.listener).post(
        '/auth/email/send',
        { email: ADMIN.email, organization: 'acme' },
        { form: true, browser: true },
      )
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/login/code')
    })

    it('refuses a malformed email with 400 invalid_request and sends nothing', async () => {
      const app = framework.build(emulator.current)
      const res = await new Client(app.listener).post('/auth/email/send', {
        email: 'a@x.test,b@y.test',
        organization: 'acme',
      })
      expect(res.status).toBe(400)
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
      expect(res.body.code).toBe('invalid_request')
      expect(res.headers['set-cookie']).toBeUndefined()
      expect(emulator.current.calls('/v1/b2b/otps/email/login_or_signup')).toBe(0)
    })
  })

  describe('verifyEmailOtp()', () => {
    describe('when the organization requires MFA', () => {
      it('answers mfa_required, says Stytch already sent the SMS, and sets no session', async () => {
        const app = framework.build(emulator.current)
        const client = new Client(app.listener)
        await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
        const res = await client.post('/auth/email/verify', {
          code: emulator.current.lastCode(ADMIN.email),
        })
        expect(res.status).toBe(200)
        expect(res.body).toEqual({
          status: 'mfa_required',
          next: '/mfa',
          smsSent: true,
          phoneNumber: '+1 ••••••0100',
          needsPhone: false,
          methods: ['sms', 'totp'],
          enrolled: ['sms'],
          defaultMethod: 'sms',
          needsEnrolment: false,
        })
        expect(client.jar.get('__Host-stytch_session')).toBeUndefined()
        expect(client.jar.get('__Host-stytch_session_jwt')).toBeUndefined()
        expect(JSON.stringify(res.body)).not.toContain('intermediate')
        expect(emulator.current.sessionsMinted()).toBe(0)
        expect(emulator.current.calls('/v1/b2b/otps/sms/send')).toBe(0)
      })

      it('sets the pending cookie HttpOnly, Secure, SameSite=Strict, Path=/ with the __Host- prefix', async () => {
        const app = framework.build(emulator.current)
        const client = new Client(app.listener)
        await passEmailStep(client, emulator.current)
        const cookie = client.setCookies
          .filter((c) => c.startsWith('__Host-stytch_mfa_pending='))
          .at(-1)
        expect(cookie).toMatch(/; HttpOnly/)
        expect(cookie).toMatch(/; Secure/)
        expect(cookie).toMatch(/; SameSite=Strict/)
        expect(cookie).toMatch(/; Path=\//)
        expect(cookie).not.toMatch(/Domain=/i)
        expect(cookie).toMatch(/Max-Age=(\d+)/)
        expect(Number(/Max-Age=(\d+)/.exec(cookie ?? '')?.[1])).toBeLessThanOrEqual(600)
      })

      it('redirects a browser to the MFA page', async () => {
        const app = framework.build(emulator.current)
        const client = new Client(app.listener)
        await client.post(
          '/auth/email/send',
          { email: ADMIN.email, organization: 'acme' },
          { form: true, browser: true },
        )
        const res = await client.post(
          '/auth/email/verify',
          { code: emulator.current.lastCode(ADMIN.email) },
          { form: true, browser: true },
        )
        expect(res.status).toBe(303)
        expect(res.headers.location).toBe('/mfa')
      })
    })

    describe('when the organization does not require MFA', () => {
      it('signs the member in without an SMS factor', async () => {
        const app = framework.build(emulator.current)
        const client = new Client(app.listener)
        await client.post('/auth/email/send', { email: PLAIN.email, organization: 'beta' })
        const res = await client.post('/auth/email/verify', {
          code: emulator.current.lastCode(PLAIN.email),
        })
        expect(res.status).toBe(200)
        expect(res.body).toEqual({ status: 'signed_in', next: '/' })
        expect(client.jar.get('__Host-stytch_session')).toBeDefined()
        const admin = await client.get('/admin')
        expect(admin.status).toBe(403)
        expect(admin.body.code).toBe('mfa_required')
      })
    })

    it('answers a wrong code with 401 otp_invalid and keeps the step open', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const right = emulator.current.lastCode(ADMIN.email)
      const wrong = right === '000000' ? '111111' : '000000'
      const res = await client.post('/auth/email/verify', { code: wrong })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('otp_invalid')
      const retry = await client.post('/auth/email/verify', { code: right })
      expect(retry.body.status).toBe('mfa_required')
    })

    it('answers login_required when no email step is in progress', async () => {
      const app = framework.build(emulator.current)
      const res = await new Client(app.listener).post('/auth/email/verify', { code: '123456' })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('login_required')
      expect(emulator.current.calls('/v1/b2b/otps/email/authenticate')).toBe(0)
    })
  })

  describe('verifySmsOtp()', () => {
    it('completes the sign-in: session cookies set, pending cookie cleared, admin route open', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const res = await client.post('/auth/sms/verify', {
        code: emulator.current.lastCode(ADMIN.phone),
      })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ status: 'signed_in', next: '/' })
      expect(client.jar.get('__Host-stytch_mfa_pending')).toBeUndefined()
      const session = client.setCookies.find((c) => c.startsWith('__Host-stytch_session='))
      expect(session).toMatch(/; HttpOnly/)
      expect(session).toMatch(/; Secure/)
      expect(session).toMatch(/; SameSite=Lax/)
      const admin = await client.get('/admin')
      expect(admin.status).toBe(200)
      expect(admin.body.organizationId).toMatch(/^organization-/)
      expect(app.admitted.get('/admin')).toBe(1)
    })

    it('works with form posts end to end and lands on the returnTo path', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      const form = { form: true, browser: true } as const
      await client.post(
        '/auth/email/send',
        { email: ADMIN.email, organization: 'acme', returnTo: '/admin?tab=2' },
        form,
      )
      await client.post(
        '/auth/email/verify',
        { code: emulator.current.lastCode(ADMIN.email) },
        form,
      )
      const res = await client.post(
        '/auth/sms/verify',
        { code: emulator.current.lastCode(ADMIN.phone) },
        form,
      )
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/admin?tab=2')
      expect((await client.get('/admin', { browser: true })).status).toBe(200)
    })

    it('answers a wrong code with 401 otp_invalid, keeps the pending cookie and creates no session', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const right = emulator.current.lastCode(ADMIN.phone)
      const res = await client.post('/auth/sms/verify', {
        code: right === '000000' ? '111111' : '000000',
      })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('otp_invalid')
      expect(res.headers['set-cookie']).toBeUndefined()
      expect(emulator.current.sessionsMinted()).toBe(0)
      const retry = await client.post('/auth/sms/verify', { code: right })
      expect(retry.status).toBe(200)
    })

    it('sends a browser with a wrong code back to the MFA page with the error', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const right = emulator.current.lastCode(ADMIN.phone)
      const res = await client.post(
        '/auth/sms/verify',
        { code: right === '000000' ? '111111' : '000000' },
        { form: true, browser: true },
      )
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/mfa?error=otp_invalid')
    })

    it('refuses a code that is not six digits before calling Stytch', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      for (const code of [
        '12345',
        '1234567',
        '12345a',
        '１２３４５６',
        ' 123456 ',
        123456,
        ['123456'],
        null,
      ]) {
        const res = await client.post('/auth/sms/verify', { code })
        expect(res.status, JSON.stringify(code)).toBe(400)
        expect(res.body.code).toBe('invalid_request')
      }
      expect(emulator.current.calls('/v1/b2b/otps/sms/authenticate')).toBe(0)
    })
  })

  describe('sendSmsOtp()', () => {
    it('resends the code to the member phone and the old code stops working', async () => {
      const app = framework.build(emulator.current, NO_COOLDOWN)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const first = emulator.current.lastCode(ADMIN.phone)
      const res = await client.post('/auth/sms/send')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        status: 'sms_sent',
        phoneNumber: '+1 ••••••0100',
        resendAfterSeconds: 0,
      })
      const second = emulator.current.lastCode(ADMIN.phone)
      expect(emulator.current.outbox({ to: ADMIN.phone })).toHaveLength(2)
      if (first !== second) {
        const stale = await client.post('/auth/sms/verify', { code: first })
        expect(stale.status).toBe(401)
      }
      expect((await client.post('/auth/sms/verify', { code: second })).status).toBe(200)
    })

    it('answers login_required without a login in progress and calls Stytch not at all', async () => {
      const app = framework.build(emulator.current)
      const res = await new Client(app.listener).post('/auth/sms/send', {
        member_id: 'member-test-x',
        organization_id: 'acme',
      })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('login_required')
      expect(emulator.current.calls('/v1/b2b/otps/sms/send')).toBe(0)
    })

    describe('when the member has no phone', () => {
      it('refuses with phone_enrollment_disabled unless the app enables enrolment', async () => {
        const app = framework.build(emulator.current)
        const client = new Client(app.listener)
        await passEmailStep(client, emulator.current, NEWCOMER)
        const res = await client.post('/auth/sms/send', { phoneNumber: '+12025550123' })
        expect(res.status).toBe(409)
        expect(res.body.code).toBe('phone_enrollment_disabled')
        expect(emulator.current.calls('/v1/b2b/otps/sms/send')).toBe(0)
      })

      it('enrols a valid number when enabled and completes MFA with it', async () => {
        const app = framework.build(emulator.current, {
          options: { phoneEnrollment: { enabled: true } },
        })
        const client = new Client(app.listener)
        await passEmailStep(client, emulator.current, NEWCOMER)
        const state = await client.get('/login-state')
        expect(state.body).toMatchObject({
          stage: 'mfa',
          needsPhone: true,
          enrollmentAllowed: true,
        })
        const bad = await client.post('/auth/sms/send', { phoneNumber: '+1 202 555 0123' })
        expect(bad.status).toBe(400)
        expect(bad.body.code).toBe('invalid_phone_number')
        const premium = await client.post('/auth/sms/send', { phoneNumber: '+19005550123' })
        expect(premium.body.code).toBe('invalid_phone_number')
        expect(emulator.current.calls('/v1/b2b/otps/sms/send')).toBe(0)
        const sent = await client.post('/auth/sms/send', { phoneNumber: '+12025550123' })
        expect(sent.status).toBe(200)
        expect(sent.body.phoneNumber).toBe('+1 ••••••0123')
        const done = await client.post('/auth/sms/verify', {
          code: emulator.current.lastCode('+12025550123'),
        })
        expect(done.status).toBe(200)
        expect((await client.get('/admin')).status).toBe(200)
      })
    })
  })
})
