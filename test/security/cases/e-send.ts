/** §2.5 SMS send, resend flooding, toll fraud, phone input (E1–E14). */
import { expect } from 'vitest'
import { ADMIN, NEWCOMER } from '../harness/seed.js'
import type { SecurityCase } from '../harness/types.js'
import {
  NO_COOLDOWN,
  PENDING,
  UPSTREAM,
  callsDuring,
  expectProblem,
  pool,
  refusedEnrolment,
  smsCode,
  touchesPending,
} from './shared.js'

const ENROLMENT = { options: { phoneEnrollment: { enabled: true } } } as const

const E7_INPUTS: readonly (readonly [string, unknown])[] = [
  ['empty', ''],
  ['a lone "+"', '+'],
  ['no "+"', '12025550123'],
  ['spaces and brackets', '+1 (202) 555-0123'],
  ['a trailing newline', '+12025550123\n'],
  ['more than 15 digits', '+1202555012345678'],
  ['a leading 0 country code', '+0123456789'],
  ['fullwidth digits', '+１２０２５５５０１２３'],
  ['an extension', '+12025550123;ext=1'],
  ['a number type', 12025550123],
  ['an array', ['+12025550123']],
  ['100 KB', `+1${'2'.repeat(100 * 1024)}`],
]

/** Valid numbers of countries outside the default allow-list (US, CA). */
const FOREIGN_NUMBERS = [
  '+447911123456',
  '+33612345678',
  '+4915123456789',
  '+919812345678',
  '+2348031234567',
  '+8613812345678',
  '+79161234567',
  '+5511912345678',
  '+61412345678',
  '+819012345678',
]

/** Premium, shared-cost, toll-free and international-network numbers. */
const COSTLY_NUMBERS = [
  '+19005550100',
  '+18005550100',
  '+18885550100',
  '+8821234567890',
  '+97912345678',
]

export const sendCases: readonly SecurityCase[] = [
  {
    id: 'E1',
    category: 'E',
    title: 'does not call sms/send when Stytch already sent the code at primary login, and says so',
    async run(ctx) {
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        const client = ctx.client()
        await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
        const res = await client.post('/auth/email/verify', {
          code: ctx.emulator.lastCode(ADMIN.email),
        })
        expect(res.body).toMatchObject({ status: 'mfa_required', smsSent: true, needsPhone: false })
      })
      expect(calls).toBe(0)
      expect(ctx.emulator.outbox({ channel: 'sms' })).toHaveLength(1)
    },
  },
  {
    id: 'E2',
    category: 'E',
    title:
      'sends no extra SMS under a flood of 1,000 resends for one member (cooldown after the login SMS), each refused with 429 and Retry-After',
    timeoutMs: 60_000,
    async run(ctx) {
      const client = await ctx.emailStep()
      const before = ctx.emulator.outbox({ channel: 'sms' }).length
      const statuses = await pool(Array.from({ length: 1000 }), 8, async () => {
        ctx.emulator.advanceClock(0.06)
        const res = await client.post('/auth/sms/send', {}, { noJar: false })
        if (res.status === 429) expect(res.headers['retry-after']).toMatch(/^\d+$/)
        return res.status
      })
      const sent = ctx.emulator.outbox({ channel: 'sms' }).length - before
      expect(sent).toBeLessThanOrEqual(1)
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(999)
      return {
        measures: { 'SMS sent under a 1,000-request resend flood (after the login SMS)': sent },
      }
    },
  },
  {
    id: 'E3',
    category: 'E',
    title: 'sends exactly one SMS for a burst of 50 parallel sends (atomic cooldown)',
    app: ENROLMENT,
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const statuses = await Promise.all(
        Array.from({ length: 50 }, () =>
          client.post('/auth/sms/send', { phoneNumber: '+12025550199' }),
        ),
      )
      const sent = ctx.emulator.outbox({ channel: 'sms' }).length
      expect(sent).toBe(1)
      expect(statuses.filter((res) => res.status === 200)).toHaveLength(1)
      expect(statuses.filter((res) => res.status === 429)).toHaveLength(49)
      return { measures: { 'SMS sent under a 50-way parallel send burst': sent } }
    },
  },
  {
    id: 'E4',
    category: 'E',
    title: 'refuses the send beyond the daily cap per member with 429 and Retry-After',
    app: { options: { limits: { smsCooldownSeconds: 0, smsPerMemberPerDay: 3 } } },
    async run(ctx) {
      const client = await ctx.emailStep()
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      const capped = await client.post('/auth/sms/send')
      expectProblem(capped, 429, 'rate_limited')
      expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0)
    },
  },
  {
    id: 'E5.disabled',
    category: 'E',
    title:
      'refuses first-time enrolment of 100 numbers (premium ones included) when enrolment is off, calling Stytch not at all',
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const numbers = [
        ...COSTLY_NUMBERS,
        ...Array.from({ length: 95 }, (_, n) => `+1202555${String(1000 + n).padStart(4, '0')}`),
      ]
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        for (const phoneNumber of numbers) {
          const res = await client.post('/auth/sms/send', { phoneNumber })
          expectProblem(res, 409, 'phone_enrollment_disabled')
        }
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'E5.premium',
    category: 'E',
    title:
      'refuses premium, toll-free and international-network numbers at enrolment before calling Stytch',
    app: ENROLMENT,
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        for (const phoneNumber of COSTLY_NUMBERS) {
          const res = await client.post('/auth/sms/send', { phoneNumber })
          expect(res.status, phoneNumber).toBe(400)
          expect(res.body?.code).toBe('invalid_phone_number')
        }
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'E5.flood',
    category: 'E',
    title: 'sends at most one SMS when one IST tries to enrol 500 distinct numbers',
    app: ENROLMENT,
    timeoutMs: 60_000,
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const numbers = Array.from(
        { length: 500 },
        (_, n) => `+1202555${String(2000 + n).padStart(4, '0')}`,
      )
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        await pool(numbers, 8, async (phoneNumber) => {
          const res = await client.post('/auth/sms/send', { phoneNumber })
          expect([200, 429], phoneNumber).toContain(res.status)
        })
      })
      expect(calls).toBeLessThanOrEqual(1)
      expect(ctx.emulator.outbox({ channel: 'sms' }).length).toBeLessThanOrEqual(1)
      return { measures: { 'SMS sent while one IST tries 500 enrolment numbers': calls } }
    },
  },
  {
    id: 'E6',
    category: 'E',
    title:
      'ignores a different number in the body for a member who has a phone: the SMS goes to the enrolled one',
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      const res = await client.post('/auth/sms/send', { phoneNumber: '+12025550177' })
      expect(res.status).toBe(200)
      expect(ctx.emulator.outbox({ channel: 'sms' }).at(-1)?.to).toBe(ADMIN.phone)
      expect(ctx.emulator.outbox({ to: '+12025550177' })).toEqual([])
    },
  },
  ...E7_INPUTS.map(([what, phoneNumber], index): SecurityCase => ({
    id: `E7.${index + 1}`,
    category: 'E',
    title: `refuses an enrolment phone number that is ${what} with 400/413 before calling Stytch`,
    app: ENROLMENT,
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        const res = await client.post('/auth/sms/send', { phoneNumber })
        expect([400, 413]).toContain(res.status)
      })
      expect(calls).toBe(0)
    },
  })),
  {
    id: 'E8',
    category: 'E',
    title:
      'refuses valid numbers of ten countries outside the allow-list before calling Stytch (prefix hopping)',
    app: ENROLMENT,
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        for (const phoneNumber of FOREIGN_NUMBERS) {
          const res = await client.post('/auth/sms/send', { phoneNumber })
          expect(res.status, phoneNumber).toBe(400)
          expect(res.body?.code).toBe('invalid_phone_number')
        }
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'E9',
    category: 'E',
    title:
      "passes Stytch's 429 on sms/send through with Retry-After, calls once, and keeps the IST",
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      ctx.fault(UPSTREAM.smsSend, { kind: 'status', status: 429 })
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        const res = await client.post('/auth/sms/send')
        expect(res.status).toBe(429)
        expect(res.headers['retry-after']).toMatch(/^\d+$/)
        expect(touchesPending(res)).toBe(false)
      })
      expect(calls).toBe(1)
      expect(client.jar.get(PENDING)).toBeDefined()
    },
  },
  {
    id: 'E10',
    category: 'E',
    title:
      "answers Stytch's unsupported-country refusal with a generic 400 that does not echo the number",
    app: ENROLMENT,
    async run(ctx) {
      const { res } = await refusedEnrolment(ctx, '+12025550188', {
        errorType: 'invalid_phone_number_country_code',
        message: 'Unsupported country for +12025550188',
        requestId: 'request-id-test-e10',
      })
      expect(res.text).not.toContain('2025550188')
      expect(res.text).not.toContain('Unsupported country')
    },
  },
  {
    id: 'E11',
    category: 'E',
    title:
      'refuses a resend without an IST, whatever member_id the body names, calling Stytch not at all',
    async run(ctx) {
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        for (let attempt = 0; attempt < 20; attempt += 1) {
          const res = await ctx.client().post('/auth/sms/send', {
            member_id: 'member-test-admin-000000000-0000-4000-8000-000000000001',
            organization_id: 'acme',
          })
          expect(res.status).toBe(401)
        }
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'E12',
    category: 'E',
    title:
      'shows only a masked phone number in the send and verify answers, never the code or the IST',
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = ctx.client()
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const verified = await client.post('/auth/email/verify', {
        code: ctx.emulator.lastCode(ADMIN.email),
      })
      const sent = await client.post('/auth/sms/send')
      const ist = String(
        (await ctx.openPending(client.jar.get(PENDING) ?? ''))?.intermediateSessionToken,
      )
      for (const res of [verified, sent]) {
        expect(res.body?.phoneNumber).toBe('+1 ••••••0100')
        expect(res.text).not.toContain(ADMIN.phone)
        expect(res.text).not.toContain(ist)
        expect(res.text).not.toContain(smsCode(ctx))
      }
    },
  },
  {
    id: 'E13',
    category: 'E',
    title: 'answers the email step with the same fields for a member with and without a phone',
    async run(ctx) {
      const shapes: string[][] = []
      for (const member of [ADMIN, NEWCOMER]) {
        const client = ctx.client()
        await client.post('/auth/email/send', { email: member.email, organization: 'acme' })
        const res = await client.post('/auth/email/verify', {
          code: ctx.emulator.lastCode(member.email),
        })
        expect(res.status).toBe(200)
        shapes.push(Object.keys(res.body ?? {}).sort())
      }
      expect(shapes[0]).toEqual(shapes[1])
    },
  },
  {
    id: 'E14.get',
    category: 'E',
    title: 'sends nothing on GET /auth/sms/send (404/405)',
    async run(ctx) {
      const client = await ctx.emailStep()
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        expect([404, 405]).toContain((await client.get('/auth/sms/send')).status)
        expect([404, 405]).toContain((await client.get('/auth/sms/send', { browser: true })).status)
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'E14.cross-site',
    category: 'E',
    title: 'refuses a cross-site send with 403, sending nothing',
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        const res = await client.post(
          '/auth/sms/send',
          {},
          { headers: { 'sec-fetch-site': 'cross-site' } },
        )
        expect(res.status).toBe(403)
      })
      expect(calls).toBe(0)
    },
  },
]
