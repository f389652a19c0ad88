/** §2.8 CSRF and cross-origin (H1–H9). */
import { expect } from 'vitest'
import type { Browser } from '../harness/http.js'
import { ADMIN } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import type { HttpResponse } from '../harness/http.js'
import { FLOW_ROUTES, NO_COOLDOWN, ORIGIN, smsCode } from './shared.js'

/** Refused as cross-site: 403 for API clients, a 303 back with the error for browsers. */
function refused(res: HttpResponse): boolean {
  return (
    res.status === 403 ||
    (res.status === 303 && (res.headers.location ?? '').includes('error=cross_site_request'))
  )
}

type Headers = Readonly<Record<string, string | null>>

const BODY = { email: ADMIN.email, organization: 'acme', code: '123456' }

/** Every flow step refuses these headers with 403 before Stytch is called; nothing is set. */
async function refusedEverywhere(
  ctx: CaseContext,
  client: Browser,
  headers: Headers,
): Promise<void> {
  const before = ctx.emulator.calls()
  for (const path of FLOW_ROUTES) {
    const res = await client.post(path, BODY, { headers })
    expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
    expect(res.body?.code).toBe('cross_site_request')
    expect(res.setCookies).toEqual([])
  }
  expect(ctx.emulator.calls()).toBe(before)
}

const NO_METADATA = { 'sec-fetch-site': null, 'sec-fetch-mode': null, origin: null, referer: null }

export const csrfCases: readonly SecurityCase[] = [
  ...FLOW_ROUTES.map((path, index): SecurityCase => ({
    id: `H1.${index + 1}`,
    category: 'H',
    title: `refuses a cross-site POST to ${path} carrying the IST cookie with 403, before Stytch`,
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      const before = ctx.emulator.calls()
      const hostile: Headers[] = [
        { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', accept: 'text/html' },
      ]
      for (const headers of hostile) {
        const res = await client.post(path, { ...BODY, code: smsCode(ctx) }, { headers })
        expect(refused(res), `${res.status} ${res.headers.location ?? ''}`).toBe(true)
        expect(res.setCookies).toEqual([])
      }
      expect(ctx.emulator.calls()).toBe(before)
      return { csrfCombinations: 3 }
    },
  })),
  {
    id: 'H2',
    category: 'H',
    title:
      'refuses a POST without Origin, Referer or Fetch Metadata (fail-safe default) on every step',
    async run(ctx) {
      await refusedEverywhere(ctx, ctx.client(), NO_METADATA)
      return { csrfCombinations: 1 }
    },
  },
  ...(
    [
      ['https://admin.example.test.evil.com', 'a suffix of the site'],
      ['https://evil.com', 'another site'],
      ['null', 'null'],
      ['http://admin.example.test', 'the site over http'],
      ['https://admin.example.test:444', 'the site on another port'],
    ] as const
  ).map(([origin, what], index): SecurityCase => ({
    id: `H3.${index + 1}`,
    category: 'H',
    title: `refuses a POST whose Origin is ${what} (${origin}) on every step, without Fetch Metadata`,
    async run(ctx) {
      await refusedEverywhere(ctx, ctx.client(), { 'sec-fetch-site': null, origin })
      await refusedEverywhere(ctx, ctx.client(), {
        'sec-fetch-site': null,
        origin: null,
        referer: `${origin}/page`,
      })
      return { csrfCombinations: 2 }
    },
  })),
  {
    id: 'H4.same-site',
    category: 'H',
    title: 'refuses Sec-Fetch-Site: same-site from a sibling subdomain by default',
    async run(ctx) {
      await refusedEverywhere(ctx, ctx.client(), {
        'sec-fetch-site': 'same-site',
        origin: 'https://blog.example.test',
      })
      return { csrfCombinations: 1 }
    },
  },
  {
    id: 'H4.trusted',
    category: 'H',
    title: 'accepts Sec-Fetch-Site: same-site only when trustSameSite is configured',
    app: { options: { trustSameSite: true } },
    async run(ctx) {
      const res = await ctx.client().post('/auth/logout', undefined, {
        headers: { 'sec-fetch-site': 'same-site', origin: 'https://blog.example.test' },
      })
      expect(res.status).toBe(200)
      const cross = await ctx.client().post('/auth/logout', undefined, {
        headers: { 'sec-fetch-site': 'cross-site' },
      })
      expect(cross.status).toBe(403)
      return { csrfCombinations: 2 }
    },
  },
  {
    id: 'H5',
    category: 'H',
    title:
      'passes same-origin POSTs (Fetch Metadata same-origin or none, exact Origin, same-origin Referer) through the CSRF layer',
    async run(ctx) {
      const accepted: Headers[] = [
        { 'sec-fetch-site': 'same-origin' },
        { 'sec-fetch-site': 'none', origin: null },
        { 'sec-fetch-site': null, origin: ORIGIN },
        { 'sec-fetch-site': null, origin: null, referer: `${ORIGIN}/login` },
      ]
      for (const headers of accepted) {
        const res = await ctx.client().post('/auth/logout', undefined, { headers })
        expect(res.status, JSON.stringify(headers)).toBe(200)
      }
      return { csrfCombinations: accepted.length }
    },
  },
  {
    id: 'H6',
    category: 'H',
    title:
      "refuses login CSRF: the attacker's own email code auto-posted from another site signs the victim into nothing",
    async run(ctx) {
      await ctx.setup(async () => {
        await ctx.client().post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      })
      const code = ctx.emulator.lastCode(ADMIN.email)
      const victim = ctx.client({ browser: true })
      for (const headers of [
        { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        { 'sec-fetch-site': null, origin: 'https://evil.example' },
        { 'sec-fetch-site': null, origin: 'null' },
      ]) {
        const res = await victim.post(
          '/auth/email/verify',
          { code, email: ADMIN.email, organization: 'acme' },
          { form: true, headers },
        )
        expect(refused(res), `${res.status} ${res.headers.location ?? ''}`).toBe(true)
      }
      expect(victim.jar.names()).toEqual([])
      expect(ctx.emulator.calls('/v1/b2b/otps/email/authenticate')).toBe(0)
      return { csrfCombinations: 3 }
    },
  },
  {
    id: 'H7',
    category: 'H',
    title:
      'changes nothing on GET or HEAD to any flow route, even a top-level cross-site navigation',
    async run(ctx) {
      const client = await ctx.emailStep()
      const before = ctx.emulator.calls()
      for (const path of FLOW_ROUTES) {
        for (const method of ['GET', 'HEAD']) {
          const res = await client.send(
            method,
            `${path}?code=123456&email=${ADMIN.email}`,
            undefined,
            {
              browser: true,
              headers: { 'sec-fetch-site': 'cross-site' },
            },
          )
          expect([404, 405], `${method} ${path}`).toContain(res.status)
        }
      }
      expect(ctx.emulator.calls()).toBe(before)
      return { csrfCombinations: 1 }
    },
  },
  {
    id: 'H8',
    category: 'H',
    title: 'never answers a CORS preflight from another origin with Access-Control-Allow-Origin',
    async run(ctx) {
      for (const path of [...FLOW_ROUTES, '/admin']) {
        const res = await ctx.client().send('OPTIONS', path, undefined, {
          headers: {
            origin: 'https://evil.example',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
            'sec-fetch-site': 'cross-site',
            'sec-fetch-mode': 'cors',
          },
        })
        expect(res.headers['access-control-allow-origin']).toBeUndefined()
        expect(res.headers['access-control-allow-credentials']).toBeUndefined()
      }
      return { csrfCombinations: 1 }
    },
  },
  {
    id: 'H9',
    category: 'H',
    title:
      'refuses a state-changing request to a guarded route from another site even with a valid MFA session (403 before the handler)',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await ctx.signIn()
      const hostile: Headers[] = [
        { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        { 'sec-fetch-site': 'same-site', origin: 'https://blog.example.test' },
        { 'sec-fetch-site': null, origin: 'https://evil.example' },
        { 'sec-fetch-site': null, origin: null, referer: null },
      ]
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const headers of hostile) {
          const res = await client.send(method, '/admin', { do: 'something' }, { headers })
          expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(403)
          expect(res.body?.code).toBe('cross_site_request')
        }
      }
      expect((await client.post('/admin', { do: 'something' })).status).toBe(200)
      return { csrfCombinations: 4 * hostile.length }
    },
  },
]
