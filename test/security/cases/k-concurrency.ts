/** §2.11 Concurrency (K1–K8): double submits, parallel guesses, races, several instances. */
import { expect } from 'vitest'
import type { Browser, HttpResponse } from '../harness/http.js'
import { isSessionCookieSet } from '../harness/invariants.js'
import { ADMIN } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  GENEROUS_LIMITS,
  PENDING,
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  callsDuring,
  expectGuardsRefuse,
  smsCode,
  withCookies,
  wrongCode,
} from './shared.js'

/** K parallel submits of the one right code from the same browser. */
async function doubleSubmit(
  ctx: CaseContext,
  clients: readonly Browser[],
  k: number,
): Promise<HttpResponse[]> {
  const code = smsCode(ctx)
  return Promise.all(
    Array.from({ length: k }, (_, n) =>
      (clients[n % clients.length] as Browser).post('/auth/sms/verify', { code }),
    ),
  )
}

function judgeDoubleSubmit(responses: readonly HttpResponse[]): {
  winners: number
  sessionCookies: number
} {
  const winners = responses.filter((res) => res.status === 200)
  const withSession = responses.filter((res) => res.setCookies.some(isSessionCookieSet))
  for (const res of responses) {
    if (res.status === 200) continue
    expect([401, 409, 429], res.text).toContain(res.status)
    // A loser never clears (or overwrites) the winner's cookies, nor the IST.
    expect(res.setCookies).toEqual([])
  }
  return { winners: winners.length, sessionCookies: withSession.length }
}

/** Two instances of the app sharing one Redis (limits) and the emulator. */
async function twoInstances(ctx: CaseContext) {
  const redis = await ctx.redis()
  return [ctx.buildApp({ redis }), ctx.buildApp({ redis })] as const
}

export const concurrencyCases: readonly SecurityCase[] = [
  ...[2, 10, 50].map((k): SecurityCase => ({
    id: `K1.${k}`,
    category: 'K',
    title: `creates exactly one session and one session Set-Cookie from ${k} parallel submits of the right code, and the browser ends signed in`,
    expect: { sessions: 1, sessionCookies: 1, admitted: 1 },
    async run(ctx) {
      const client = await ctx.emailStep()
      const responses = await doubleSubmit(ctx, [client], k)
      const { winners, sessionCookies } = judgeDoubleSubmit(responses)
      expect(winners).toBe(1)
      expect(sessionCookies).toBe(1)
      expect(ctx.emulator.sessionsMinted()).toBe(1)
      expect((await client.get('/admin')).status).toBe(200)
      return {
        measures: {
          [`double submit K=${k}: sessions created`]: ctx.emulator.sessionsMinted(),
          [`double submit K=${k}: session Set-Cookie responses`]: sessionCookies,
        },
      }
    },
  })),
  {
    id: 'K2',
    category: 'K',
    title:
      'lets exactly the per-IST budget of 50 parallel wrong codes reach Stytch, and none succeeds',
    async run(ctx) {
      const client = await ctx.emailStep()
      const right = smsCode(ctx)
      let statuses: number[] = []
      const calls = await callsDuring(ctx, UPSTREAM.smsAuthenticate, async () => {
        const responses = await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            client.post('/auth/sms/verify', { code: wrongCode(right, n) }),
          ),
        )
        statuses = responses.map((res) => res.status)
      })
      expect(calls).toBe(5)
      expect(statuses.filter((status) => status === 401)).toHaveLength(5)
      expect(statuses.filter((status) => status === 429)).toHaveLength(45)
      expect((await client.post('/auth/sms/verify', { code: right })).status).toBe(429)
      return {
        measures: { 'concurrent-burst overshoot of the per-IST budget (50 parallel)': calls - 5 },
      }
    },
  },
  {
    id: 'K3',
    category: 'K',
    title: 'creates at most one session from the right code raced by nine wrong ones',
    expect: { sessions: [0, 1], admitted: [0, 1] },
    async run(ctx) {
      const client = await ctx.emailStep()
      const right = smsCode(ctx)
      const codes = [right, ...Array.from({ length: 9 }, (_, n) => wrongCode(right, n))]
      const responses = await Promise.all(
        codes.map((code) => client.post('/auth/sms/verify', { code })),
      )
      const { winners } = judgeDoubleSubmit(responses)
      expect(winners).toBeLessThanOrEqual(1)
      expect(ctx.emulator.sessionsMinted()).toBe(winners)
      expect((await client.get('/admin')).status).toBe(winners === 1 ? 200 : 401)
    },
  },
  {
    id: 'K4',
    category: 'K',
    title:
      'gives each new login its own IST, and only the newest SMS code works (older codes superseded)',
    expect: { sessions: 1 },
    async run(ctx) {
      const clients: Browser[] = []
      const codes: string[] = []
      for (let login = 0; login < 3; login += 1) {
        clients.push(await ctx.emailStep())
        codes.push(smsCode(ctx))
      }
      const ists = await Promise.all(
        clients.map(
          async (client) =>
            (await ctx.openPending(client.jar.get(PENDING) ?? ''))?.intermediateSessionToken,
        ),
      )
      expect(new Set(ists).size).toBe(3)
      for (let login = 0; login < 2; login += 1) {
        const res = await (clients[login] as Browser).post('/auth/sms/verify', {
          code: codes[login],
        })
        expect(res.status).toBe(401)
      }
      expect(
        (await (clients[2] as Browser).post('/auth/sms/verify', { code: codes[2] })).status,
      ).toBe(200)
    },
  },
  {
    id: 'K5',
    category: 'K',
    title:
      'lets a guarded request racing logout finish with the old session or 401, and refuses every request after logout',
    expect: { admitted: [0, 1], sessionCookies: [0, 1] },
    async run(ctx) {
      const client = await ctx.signIn()
      const cookies = {
        [SESSION]: client.jar.get(SESSION) ?? '',
        [SESSION_JWT]: client.jar.get(SESSION_JWT) ?? '',
      }
      const [guarded, out] = await Promise.all([
        withCookies(ctx, cookies).get('/admin/strict'),
        client.post('/auth/logout'),
      ])
      expect([200, 401]).toContain(guarded.status)
      expect(out.status).toBe(200)
      await expectGuardsRefuse((path) => withCookies(ctx, cookies).get(path))
    },
  },
  {
    id: 'K6.double-submit',
    category: 'K',
    needs: 'redis',
    title: 'creates one session from 10 parallel submits split across two instances sharing Redis',
    expect: { sessions: 1, sessionCookies: 1 },
    async run(ctx) {
      const [a, b] = await twoInstances(ctx)
      const client = await ctx.emailStep(ADMIN, { app: a })
      const { winners, sessionCookies } = judgeDoubleSubmit(
        await doubleSubmit(ctx, [client, client.on(b)], 10),
      )
      expect(winners).toBe(1)
      expect(sessionCookies).toBe(1)
    },
  },
  {
    id: 'K6.budget',
    category: 'K',
    needs: 'redis',
    title:
      'holds the per-IST budget for 50 parallel wrong codes split across two instances sharing Redis',
    async run(ctx) {
      const [a, b] = await twoInstances(ctx)
      const client = await ctx.emailStep(ADMIN, { app: a })
      const other = client.on(b)
      const right = smsCode(ctx)
      const calls = await callsDuring(ctx, UPSTREAM.smsAuthenticate, async () => {
        await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            (n % 2 === 0 ? client : other).post('/auth/sms/verify', { code: wrongCode(right, n) }),
          ),
        )
      })
      expect(calls).toBe(5)
      return { measures: { 'concurrent-burst overshoot across two instances': calls - 5 } }
    },
  },
  {
    id: 'K7',
    category: 'K',
    title:
      'never loses or downgrades the stored session when 10 concurrent requests refresh it (server storage)',
    app: { storage: 'server' },
    expect: { admitted: 11 },
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.emulator.advanceClock(301)
      const responses = await Promise.all(Array.from({ length: 10 }, () => client.get('/admin')))
      for (const res of responses) expect(res.status).toBe(200)
      expect((await client.get('/admin')).status).toBe(200)
    },
  },
  {
    id: 'K8',
    category: 'K',
    title:
      'stays bounded over 50 login/logout cycles (heap growth reported; scaled down from the 10k soak)',
    app: GENEROUS_LIMITS,
    expect: { sessions: 50, sessionCookies: 50, admitted: 50 },
    timeoutMs: 60_000,
    async run(ctx) {
      const before = process.memoryUsage().heapUsed
      for (let cycle = 0; cycle < 50; cycle += 1) {
        const client = ctx.client()
        await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
        await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) })
        expect((await client.post('/auth/sms/verify', { code: smsCode(ctx) })).status).toBe(200)
        expect((await client.get('/admin')).status).toBe(200)
        expect((await client.post('/auth/logout')).status).toBe(200)
      }
      const growth = (process.memoryUsage().heapUsed - before) / 1024 / 1024
      expect(growth).toBeLessThan(100)
      return { measures: { 'heap growth over 50 login/logout cycles (MB)': growth } }
    },
  },
]
