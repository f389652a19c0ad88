/**
 * Limits keyed by what they protect (E15–E17): one budget per inbox however the organization is
 * named; wrong email codes burn only the challenge of whoever sent them; a send that Stytch
 * refused costs no cooldown.
 */
import { expect } from 'vitest'
import type { Browser, HttpResponse } from '../harness/http.js'
import { ADMIN, ORG } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  PENDING,
  UPSTREAM,
  callsDuring,
  expectProblem,
  refusedEnrolment,
  withCookies,
  wrongCode,
} from './shared.js'

/** The names Stytch accepts for one organization, and spellings of one inbox. */
const ORGANIZATION_NAMES = ['acme', ORG.acme, 'ACME'] as const
const ADDRESS_SPELLINGS = [ADMIN.email, ADMIN.email.toUpperCase(), 'Admin@Acme.test'] as const

function emailCode(ctx: CaseContext): string {
  const code = ctx.emulator.lastCode(ADMIN.email)
  if (code === undefined) throw new Error('no email code was sent to the admin')
  return code
}

/** A wrong email code, posted with whatever cookie `client` holds and the address in the body. */
function guess(ctx: CaseContext, client: Browser, n: number): Promise<HttpResponse> {
  return client.post('/auth/email/verify', {
    code: wrongCode(emailCode(ctx), n),
    email: ADDRESS_SPELLINGS[n % ADDRESS_SPELLINGS.length],
    organization: ORGANIZATION_NAMES[n % ORGANIZATION_NAMES.length],
  })
}

/** Sorts answers to wrong codes: judged by Stytch (401) or refused before it (429). */
function tally(responses: readonly HttpResponse[]): { judged: number; locked: number } {
  for (const res of responses) {
    expect([401, 429], res.text).toContain(res.status)
    expect(res.body?.code).toBe(res.status === 401 ? 'otp_invalid' : 'otp_locked')
  }
  return {
    judged: responses.filter((res) => res.status === 401).length,
    locked: responses.filter((res) => res.status === 429).length,
  }
}

/** The owner's own send, then their right code: the email step passes (MFA comes next). */
async function ownerSignsIn(ctx: CaseContext, owner: Browser): Promise<void> {
  const res = await owner.post('/auth/email/verify', { code: emailCode(ctx) })
  expect(res.status, res.text).toBe(200)
  expect(res.body?.status).toBe('mfa_required')
}

export const limitIdentityCases: readonly SecurityCase[] = [
  {
    id: 'E15.sends',
    category: 'E',
    title:
      'gives an attacker who names the organization by slug and by id alternately (and respells the address) no more email sends than one name',
    app: { options: { limits: { emailPerAddressPerHour: 3 } } },
    async run(ctx) {
      const statuses: number[] = []
      const calls = await callsDuring(ctx, UPSTREAM.emailSend, async () => {
        for (let n = 0; n < 12; n += 1) {
          const res = await ctx.client().post('/auth/email/send', {
            email: ADDRESS_SPELLINGS[n % ADDRESS_SPELLINGS.length],
            organization: ORGANIZATION_NAMES[n % ORGANIZATION_NAMES.length],
          })
          if (res.status === 429) expect(res.body?.code).toBe('rate_limited')
          statuses.push(res.status)
        }
      })
      expect(statuses.filter((status) => status === 200)).toHaveLength(3)
      expect(statuses.filter((status) => status === 429)).toHaveLength(9)
      expect(calls).toBe(3)
      expect(ctx.emulator.outbox({ channel: 'email' })).toHaveLength(3)
      return {
        measures: { 'email sends to one inbox under 3 organization names (budget 3)': calls },
      }
    },
  },
  {
    id: 'E15.codes',
    category: 'E',
    title:
      'gives an attacker who names the organization by slug and by id alternately no more wrong email codes than one name',
    app: { options: { limits: { attemptsPerCode: 3 } } },
    async run(ctx) {
      await ctx.setup(() =>
        ctx.client().post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }),
      )
      const responses: HttpResponse[] = []
      const calls = await callsDuring(ctx, UPSTREAM.emailAuthenticate, async () => {
        for (let n = 0; n < 12; n += 1) responses.push(await guess(ctx, ctx.client(), n))
      })
      expect(tally(responses)).toEqual({ judged: 3, locked: 9 })
      expect(calls).toBe(3)
      return {
        measures: { 'wrong email codes judged under 3 organization names (budget 3)': calls },
      }
    },
  },
  {
    id: 'E16.stranger',
    category: 'E',
    title:
      "keeps the owner's right email code working after a stranger posts 50 wrong codes for the address without the owner's cookie",
    async run(ctx) {
      const owner = ctx.client()
      await owner.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const stranger = ctx.client()
      const responses: HttpResponse[] = []
      const calls = await callsDuring(ctx, UPSTREAM.emailAuthenticate, async () => {
        for (let n = 0; n < 50; n += 1) responses.push(await guess(ctx, stranger, n))
      })
      // The stranger burns the one challenge they hold (the address's cookieless one), no more.
      expect(tally(responses)).toEqual({ judged: 5, locked: 45 })
      expect(calls).toBe(5)
      await ownerSignsIn(ctx, owner)
      return { measures: { 'wrong email codes a cookieless stranger gets judged': calls } }
    },
  },
  {
    id: 'E16.stranger-sends',
    category: 'E',
    title:
      "keeps the owner's right email code working after a stranger sends codes to the address and posts 50 wrong codes with those cookies, within (sends + 1) × attemptsPerCode guesses",
    app: { options: { limits: { emailPerAddressPerHour: 4, attemptsPerCode: 5 } } },
    async run(ctx) {
      const strangers: Browser[] = []
      for (let n = 0; n < 3; n += 1) {
        const stranger = ctx.client()
        const sent = await stranger.post('/auth/email/send', {
          email: ADDRESS_SPELLINGS[n],
          organization: ORGANIZATION_NAMES[n],
        })
        expect(sent.status).toBe(200)
        strangers.push(stranger)
      }
      const cookieless = ctx.client()
      const responses: HttpResponse[] = []
      const calls = await callsDuring(ctx, UPSTREAM.emailAuthenticate, async () => {
        for (let n = 0; n < 50; n += 1) {
          const stranger = strangers[n % 4]
          responses.push(
            stranger === undefined
              ? await guess(ctx, cookieless, n)
              : await stranger.post('/auth/email/verify', { code: wrongCode(emailCode(ctx), n) }),
          )
        }
      })
      const bound = (3 + 1) * 5
      expect(tally(responses)).toEqual({ judged: bound, locked: 50 - bound })
      expect(calls).toBe(bound)
      // The owner's own send (the last of the hour) and right code still sign them in.
      const owner = ctx.client()
      expect(
        (await owner.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })).status,
      ).toBe(200)
      await ownerSignsIn(ctx, owner)
      // And the stranger can open no further challenge this hour.
      const more = await ctx
        .client()
        .post('/auth/email/send', { email: ADMIN.email, organization: ORG.acme })
      expect(more.status).toBe(429)
      return {
        measures: { 'wrong email codes judged with 3 stranger sends (bound (3 + 1) × 5)': calls },
      }
    },
  },
  {
    id: 'E16.replay',
    category: 'E',
    title:
      'gives copies of a pending email cookie no new budget: 20 parallel wrong codes from 4 copies reach Stytch 5 times',
    async run(ctx) {
      const original = ctx.client()
      await original.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const cookie = original.jar.get(PENDING)
      expect(cookie).toBeDefined()
      const copies = [
        original,
        ...Array.from({ length: 3 }, () => withCookies(ctx, { [PENDING]: cookie ?? '' })),
      ]
      const right = emailCode(ctx)
      let responses: HttpResponse[] = []
      const calls = await callsDuring(ctx, UPSTREAM.emailAuthenticate, async () => {
        responses = await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            (copies[n % copies.length] as Browser).post('/auth/email/verify', {
              code: wrongCode(right, n),
            }),
          ),
        )
      })
      expect(tally(responses)).toEqual({ judged: 5, locked: 15 })
      expect(calls).toBe(5)
      const late = await withCookies(ctx, { [PENDING]: cookie ?? '' }).post('/auth/email/verify', {
        code: right,
      })
      expectProblem(late, 429, 'otp_locked')
      return { measures: { 'wrong email codes judged across 4 copies of one cookie': calls } }
    },
  },
  {
    id: 'E17',
    category: 'E',
    title:
      'accepts an immediate resend after Stytch refused an SMS send with a 400: a refused send spends no cooldown',
    app: { options: { phoneEnrollment: { enabled: true } } },
    async run(ctx) {
      const { client } = await refusedEnrolment(ctx, '+12025550123', {
        errorType: 'invalid_phone_number',
        message: 'The phone number is invalid.',
        requestId: 'request-id-test-e17',
      })
      const calls = await callsDuring(ctx, UPSTREAM.smsSend, async () => {
        const resent = await client.post('/auth/sms/send', { phoneNumber: '+12025550123' })
        expect(resent.status, resent.text).toBe(200)
      })
      expect(calls).toBe(1)
      expect(ctx.emulator.outbox({ to: '+12025550123' })).toHaveLength(1)
      // The accepted send does start the cooldown.
      expect((await client.post('/auth/sms/send')).status).toBe(429)
    },
  },
]
