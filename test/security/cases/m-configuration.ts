/** §2.13 Configuration and deployment fail-safes (M1–M7). */
import { expect } from 'vitest'
import { untrustedProxyApp } from '../harness/custom-apps.js'
import { HOST } from '../harness/http.js'
import { parseSetCookie } from '../harness/invariants.js'
import { ADMIN } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import { FLOW_ROUTES, GUARDED, ORIGIN, UPSTREAM, expectAnswers, smsCode } from './shared.js'

/** A request to the development host, as a browser on http://localhost writes it. */
const LOCAL = { headers: { host: 'localhost:3000' } } as const

/** Stytch calls the flow steps made (the startup check is not one of them). */
function flowCalls(ctx: CaseContext): number {
  return Object.values(UPSTREAM).reduce((sum, path) => sum + ctx.emulator.calls(path), 0)
}

export const configurationCases: readonly SecurityCase[] = [
  {
    id: 'M1.missing',
    category: 'M',
    title: 'refuses to start without cookie secrets',
    run(ctx) {
      expect(() => ctx.buildApp({ options: { cookieSecrets: [] } })).toThrow(/cookieSecrets/)
      expect(() => ctx.buildApp({ options: { cookieSecrets: undefined } })).toThrow(/cookieSecrets/)
      return Promise.resolve(undefined)
    },
  },
  {
    id: 'M1.weak',
    category: 'M',
    title: 'refuses to start with a cookie secret under 32 characters, or one repeated',
    run(ctx) {
      expect(() => ctx.buildApp({ options: { cookieSecrets: ['short-secret'] } })).toThrow(/32/)
      const secret = 'a-long-enough-secret-0123456789-abcdefghij'
      expect(() => ctx.buildApp({ options: { cookieSecrets: [secret, secret] } })).toThrow(/repeat/)
      return Promise.resolve(undefined)
    },
  },
  {
    id: 'M2',
    category: 'M',
    title: 'without a configured origin, checks Origin against the request host: never "allow all"',
    app: { options: { origin: undefined } },
    async run(ctx) {
      for (const headers of [
        { 'sec-fetch-site': null, origin: 'https://evil.example' },
        { 'sec-fetch-site': null, origin: null },
        { 'sec-fetch-site': null, origin: 'http://admin.example.test' },
      ]) {
        expect((await ctx.client().post('/auth/logout', undefined, { headers })).status).toBe(403)
      }
      const own = await ctx
        .client()
        .post('/auth/logout', undefined, { headers: { 'sec-fetch-site': null, origin: ORIGIN } })
      expect(own.status).toBe(200)
    },
  },
  {
    id: 'M3',
    category: 'M',
    title: 'offers no option to rename the cookies or set a Domain: such options fail at startup',
    run(ctx) {
      for (const extra of [
        { cookieName: 'sess' },
        { cookieDomain: 'example.test' },
        { cookies: { domain: 'x' } },
      ]) {
        expect(() => ctx.buildApp({ options: extra as never })).toThrow(/option/)
      }
      return Promise.resolve(undefined)
    },
  },
  {
    id: 'M4.http',
    category: 'M',
    title:
      'refuses a sign-in over plain http with 400 insecure_transport on every step, never a 500 or a silent cookie',
    async run(ctx) {
      const client = ctx.client({ https: false })
      for (const path of FLOW_ROUTES) {
        const res = await client.post(path, {
          email: ADMIN.email,
          organization: 'acme',
          code: '123456',
        })
        expect(res.status, path).toBe(400)
        expect(res.body?.code).toBe('insecure_transport')
        expect(res.setCookies).toEqual([])
      }
      expect(flowCalls(ctx)).toBe(0)
    },
  },
  {
    id: 'M4.dev',
    category: 'M',
    title:
      'sets unprefixed cookies without Secure over http to localhost only when allowInsecureCookies is set (development)',
    app: { options: { allowInsecureCookies: true } },
    expect: { sessions: 1, admitted: 1 },
    async run(ctx) {
      const client = ctx.client({ https: false })
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }, LOCAL)
      await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) }, LOCAL)
      const done = await client.post('/auth/sms/verify', { code: smsCode(ctx) }, LOCAL)
      expect(done.status).toBe(200)
      for (const header of done.setCookies) {
        const cookie = parseSetCookie(header)
        expect(cookie.name.startsWith('__Host-')).toBe(false)
        expect(cookie.attributes.has('secure')).toBe(false)
      }
      expect((await client.get('/admin', LOCAL)).status).toBe(200)
    },
  },
  {
    id: 'M4.remote',
    category: 'M',
    title:
      'refuses plain http to a host that is not loopback with 400 insecure_transport on every step even when allowInsecureCookies is on, before Stytch and without a cookie',
    app: { options: { allowInsecureCookies: true } },
    async run(ctx) {
      const client = ctx.client({ https: false })
      for (const host of [HOST, '192.168.1.20:3000', 'localhost.evil.example']) {
        for (const path of FLOW_ROUTES) {
          const res = await client.post(
            path,
            { email: ADMIN.email, organization: 'acme', code: '123456' },
            { headers: { host } },
          )
          expect(res.status, `${host} ${path}`).toBe(400)
          expect(res.body?.code).toBe('insecure_transport')
          expect(res.setCookies).toEqual([])
        }
      }
      expect(flowCalls(ctx)).toBe(0)
    },
  },
  {
    id: 'M4.spoofed-host',
    category: 'M',
    title:
      'gives a client that writes Host: localhost to a plain-http deployment with allowInsecureCookies on plain cookies for itself only: requests to the real host never read them, so planting them signs no one in',
    app: { options: { allowInsecureCookies: true } },
    expect: { sessions: 1, admitted: 1 },
    async run(ctx) {
      // The attacker reaches the deployment over plain http and names localhost itself: the
      // library takes it for development and answers with plain cookies, to the attacker.
      const attacker = ctx.client({ https: false })
      await attacker.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }, LOCAL)
      await attacker.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) }, LOCAL)
      expect((await attacker.post('/auth/sms/verify', { code: smsCode(ctx) }, LOCAL)).status).toBe(
        200,
      )
      expect((await attacker.get('/admin', LOCAL)).status).toBe(200)
      const planted = {
        stytch_session: attacker.jar.get('stytch_session') ?? '',
        stytch_session_jwt: attacker.jar.get('stytch_session_jwt') ?? '',
      }
      expect(planted.stytch_session_jwt).not.toBe('')
      // A browser writes the host it was sent to: a victim's requests name the real host, over
      // http or https. Cookies a sibling subdomain planted under the plain names are not read.
      for (const victim of [ctx.client({ https: false }), ctx.client()]) {
        for (const [name, value] of Object.entries(planted)) victim.jar.set(name, value)
        await expectAnswers(victim, ['/admin'], 401, 'not_signed_in')
      }
      // Nor can a victim be handed plain cookies on the real host: plain http is refused there.
      const signIn = await ctx
        .client({ https: false })
        .post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      expect(signIn.body?.code).toBe('insecure_transport')
    },
  },
  {
    id: 'M4.proxy',
    category: 'M',
    title: 'sets __Host- Secure cookies behind a trusted TLS proxy (X-Forwarded-Proto: https)',
    expect: { sessions: 1 },
    async run(ctx) {
      const client = ctx.client()
      const headers: string[] = []
      headers.push(
        ...(await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }))
          .setCookies,
      )
      headers.push(
        ...(await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) }))
          .setCookies,
      )
      headers.push(...(await client.post('/auth/sms/verify', { code: smsCode(ctx) })).setCookies)
      expect(headers.length).toBeGreaterThanOrEqual(4)
      for (const header of headers) {
        const cookie = parseSetCookie(header)
        expect(cookie.name.startsWith('__Host-')).toBe(true)
        expect(cookie.attributes.has('secure')).toBe(true)
      }
    },
  },
  {
    id: 'M5',
    category: 'M',
    title:
      'ignores X-Forwarded-For and X-Forwarded-Proto from a peer that is not a trusted proxy (rate-limit key and Secure)',
    async run(ctx) {
      const app = ctx.adoptApp(
        (emulator) =>
          untrustedProxyApp(ctx.framework, emulator, { options: { allowInsecureCookies: true } }),
        { trustsProxy: false },
      )
      const statuses: number[] = []
      for (let n = 0; n < 31; n += 1) {
        const res = await ctx.client({ app }).post(
          '/auth/email/send',
          { email: `spoof${n}@acme.test`, organization: 'acme' },
          {
            headers: {
              'x-forwarded-for': `203.0.113.${n + 1}`,
              'x-forwarded-proto': 'https',
              // The dev mode the untrusted header would be judged in covers localhost only.
              host: 'localhost:3000',
            },
          },
        )
        statuses.push(res.status)
        for (const header of res.setCookies) {
          const cookie = parseSetCookie(header)
          expect(cookie.attributes.has('secure')).toBe(false)
          expect(cookie.name.startsWith('__Host-')).toBe(false)
        }
      }
      expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true)
      expect(statuses[30]).toBe(429)
    },
  },
  {
    id: 'M6',
    category: 'M',
    title:
      'refuses a live project with the test host or plain http, and a test project with the live host',
    run(ctx) {
      const live = 'project-live-00000000-0000-4000-8000-000000000000'
      const test = 'project-test-00000000-0000-4000-8000-000000000000'
      for (const stytch of [
        { projectId: live, secret: 'secret-live-x', baseUrl: 'https://test.stytch.com/' },
        { projectId: live, secret: 'secret-live-x', baseUrl: 'http://stytch.internal/' },
        { projectId: test, secret: 'secret-test-x', baseUrl: 'https://api.stytch.com/' },
      ]) {
        expect(() => ctx.buildApp({ options: { stytch } })).toThrow(/baseUrl/)
      }
      return Promise.resolve(undefined)
    },
  },
  {
    id: 'M7',
    category: 'M',
    title:
      'denies every guarded request (documented 500 configuration_error, never 200) when server storage is required but no session middleware runs',
    app: { options: { sessionStorage: 'server' } },
    expect: { statuses: [500] },
    async run(ctx) {
      for (const path of GUARDED) {
        const res = await ctx.client().get(path)
        expect(res.status, path).toBe(500)
      }
    },
  },
]
