/** §2.4 OTP verification: replay, expiry, brute force (D1–D12). */
import { expect } from 'vitest'
import type { Browser, HttpResponse } from '../harness/http.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  NO_COOLDOWN,
  PENDING,
  UPSTREAM,
  callsDuring,
  expectLoginRequiredLocally,
  expectProblem,
  smsCode,
  withCookies,
  wrongCode,
} from './shared.js'

async function verify(client: Browser, code: unknown, ip?: string): Promise<HttpResponse> {
  return client.post(
    '/auth/sms/verify',
    { code },
    ip === undefined ? {} : { headers: { 'x-forwarded-for': ip } },
  )
}

/** Wrong codes until the answer is no longer 401; returns how many were answered 401. */
async function wrongUntilRefused(
  ctx: CaseContext,
  client: Browser,
  limit: number,
  ip?: (attempt: number) => string,
): Promise<{ accepted: number; last: HttpResponse | undefined }> {
  let accepted = 0
  let last: HttpResponse | undefined
  for (let attempt = 0; attempt < limit; attempt += 1) {
    last = await verify(client, wrongCode(smsCode(ctx), attempt), ip?.(attempt))
    if (last.status !== 401) break
    expect(last.body?.code).toBe('otp_invalid')
    accepted += 1
  }
  return { accepted, last }
}

const D10_FORMATS: readonly (readonly [string, string])[] = [
  ['five digits', '12345'],
  ['seven digits', '1234567'],
  ['a letter', '12345a'],
  ['fullwidth digits', '１２３４５６'],
  ['Arabic-Indic digits', '١٢٣٤٥٦'],
  ['surrounding spaces', ' 123456 '],
  ['a trailing newline', '123456\n'],
]

const D11_TYPES: readonly (readonly [string, unknown])[] = [
  ['a number', 123456],
  ['an array', ['123456']],
  ['an operator object', { $ne: '' }],
  ['null', null],
  ['true', true],
  ['missing', undefined],
]

const D12_WILDCARDS = ['%', '*', '.*', '______', '%%%%%%', '******'] as const

/** A malformed code: 400 before any Stytch call, and the IST is kept. */
function malformed(id: string, what: string, code: unknown): SecurityCase {
  return {
    id,
    category: 'D',
    title: `refuses a code that is ${what} with 400 before any Stytch call, keeping the IST`,
    async run(ctx) {
      const client = await ctx.emailStep()
      const calls = await callsDuring(ctx, UPSTREAM.smsAuthenticate, async () => {
        const res = await client.post('/auth/sms/verify', code === undefined ? {} : { code })
        expectProblem(res, 400, 'invalid_request')
        expect(res.setCookies).toEqual([])
      })
      expect(calls).toBe(0)
      expect(client.jar.get(PENDING)).toBeDefined()
    },
  }
}

export const otpCases: readonly SecurityCase[] = [
  {
    id: 'D1',
    category: 'D',
    title: 'refuses a used code replayed with the same IST: 401, no new session',
    async run(ctx) {
      const client = await ctx.emailStep()
      const pending = client.jar.get(PENDING) ?? ''
      const code = smsCode(ctx)
      await ctx.setup(async () => {
        expect((await verify(client, code)).status).toBe(200)
      })
      const replay = await verify(withCookies(ctx, { [PENDING]: pending }), code)
      expect(replay.status).toBe(401)
    },
  },
  {
    id: 'D2',
    category: 'D',
    title: 'refuses a used code replayed with a fresh IST from a new login',
    async run(ctx) {
      await ctx.signIn()
      const used = smsCode(ctx)
      const fresh = await ctx.emailStep()
      const res = await verify(fresh, used === smsCode(ctx) ? wrongCode(used) : used)
      expectProblem(res, 401, 'otp_invalid')
    },
  },
  {
    id: 'D3',
    category: 'D',
    title: 'refuses the old code after a resend (one active code)',
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      const old = smsCode(ctx)
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      expect(smsCode(ctx)).not.toBe(old)
      expect((await verify(client, old)).status).toBe(401)
    },
  },
  {
    id: 'D4.code',
    category: 'D',
    title: 'refuses the right code after its 2 minutes (otp_invalid), the IST still being valid',
    async run(ctx) {
      const client = await ctx.emailStep()
      ctx.emulator.advanceClock(121)
      const res = await verify(client, smsCode(ctx))
      expectProblem(res, 401, 'otp_invalid')
    },
  },
  {
    id: 'D4.ist',
    category: 'D',
    title:
      'refuses the right code once the signed IST expiry passed (login_required), without a Stytch call',
    async run(ctx) {
      const client = await ctx.emailStep()
      ctx.emulator.advanceClock(10 * 60 + 1)
      await expectLoginRequiredLocally(ctx, () => verify(client, smsCode(ctx)))
    },
  },
  {
    id: 'D5',
    category: 'D',
    title:
      'burns the IST after 5 wrong codes: the 6th attempt, the right code, is refused with 429',
    async run(ctx) {
      const client = await ctx.emailStep()
      const { accepted, last } = await wrongUntilRefused(ctx, client, 10)
      expect(accepted).toBe(5)
      expect(last?.status).toBe(429)
      const right = await verify(client, smsCode(ctx))
      expectProblem(right, 429, 'otp_locked')
      expect(right.headers['retry-after']).toMatch(/^\d+$/)
      return {
        measures: {
          'wrong codes accepted per IST before it is burned': accepted,
          'right code refused after the budget (1 = yes)': right.status === 429 ? 1 : 0,
        },
      }
    },
  },
  {
    id: 'D6',
    category: 'D',
    title:
      'locks the member out after 10 wrong codes across new logins, with Retry-After, and refuses the right code while locked',
    async run(ctx) {
      let total = 0
      let locked: HttpResponse | undefined
      for (let login = 0; login < 4 && locked === undefined; login += 1) {
        const client = await ctx.emailStep()
        const { accepted, last } = await wrongUntilRefused(ctx, client, 6)
        total += accepted
        if (accepted < 5) locked = last
      }
      expect(total).toBe(10)
      expect(locked?.status).toBe(429)
      const client = await ctx.emailStep()
      const right = await verify(client, smsCode(ctx))
      expect(right.status).toBe(429)
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0)
      return { measures: { 'wrong codes allowed per member before lockout': total } }
    },
  },
  {
    id: 'D7',
    category: 'D',
    title:
      'does not reset the failure count on a resend: 4 wrong, resend, 1 wrong, then the right code is refused',
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      for (let attempt = 0; attempt < 4; attempt += 1) {
        expect((await verify(client, wrongCode(smsCode(ctx), attempt))).status).toBe(401)
      }
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      expect((await verify(client, wrongCode(smsCode(ctx)))).status).toBe(401)
      const right = await verify(client, smsCode(ctx))
      expect(right.status).toBe(429)
      return {
        measures: { 'failure count reset by a resend (1 = yes)': right.status === 200 ? 1 : 0 },
      }
    },
  },
  {
    id: 'D8',
    category: 'D',
    title:
      "starts the member's failure count over after a right code (NIST: earlier failures disregarded)",
    expect: { sessions: 2 },
    async run(ctx) {
      const first = await ctx.emailStep()
      for (let attempt = 0; attempt < 4; attempt += 1) {
        expect((await verify(first, wrongCode(smsCode(ctx), attempt))).status).toBe(401)
      }
      expect((await verify(first, smsCode(ctx))).status).toBe(200)
      const second = await ctx.emailStep()
      expect((await wrongUntilRefused(ctx, second, 6)).accepted).toBe(5)
      const third = await ctx.emailStep()
      for (let attempt = 0; attempt < 4; attempt += 1) {
        expect((await verify(third, wrongCode(smsCode(ctx), attempt))).status).toBe(401)
      }
      expect((await verify(third, smsCode(ctx))).status).toBe(200)
    },
  },
  ...(
    [
      ['IPv4 addresses', (n: number) => `198.51.100.${n + 1}`],
      [
        'IPv6 addresses rotating inside one /64',
        (n: number) => `2001:db8:1:2::${(n + 1).toString(16)}`,
      ],
    ] as const
  ).map(([what, ip], index): SecurityCase => ({
    id: `D9.${index + 1}`,
    category: 'D',
    title: `trips the member lockout when the wrong codes come from distinct ${what}`,
    async run(ctx) {
      let total = 0
      let attempt = 0
      let locked: HttpResponse | undefined
      for (let login = 0; login < 4 && locked === undefined; login += 1) {
        const client = await ctx.emailStep()
        const result = await wrongUntilRefused(ctx, client, 6, () => ip(attempt++))
        total += result.accepted
        if (result.accepted < 5) locked = result.last
      }
      expect(total).toBe(10)
      expect(locked?.status).toBe(429)
    },
  })),
  ...D10_FORMATS.map(([what, code], index) =>
    malformed(`D10.${index + 1}`, `in ${what} (${JSON.stringify(code)})`, code),
  ),
  ...D11_TYPES.map(([what, code], index) => malformed(`D11.${index + 1}`, what, code)),
  ...D12_WILDCARDS.map((code, index) =>
    malformed(`D12.${index + 1}`, `the wildcard ${JSON.stringify(code)}`, code),
  ),
]
