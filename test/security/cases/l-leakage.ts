/** §2.12 Enumeration, timing, information leakage and logging (L1–L8). */
import { performance } from 'node:perf_hooks'
import { expect } from 'vitest'
import type { HttpResponse } from '../harness/http.js'
import { parseSetCookie } from '../harness/invariants.js'
import { ADMIN, INVITED, NEWCOMER, MEMBER, PLAIN } from '../harness/seed.js'
import type { SecurityCase } from '../harness/types.js'
import {
  FLOW_ROUTES,
  GENEROUS_LIMITS,
  PENDING,
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  median,
  smsCode,
  withCookies,
  wrongCode,
} from './shared.js'

/** A response with what legitimately varies (dates, cookie values) taken out. */
function comparable(res: HttpResponse): unknown {
  const headers = Object.fromEntries(
    Object.entries(res.headers).filter(
      ([name]) => !['date', 'etag', 'x-response-time'].includes(name),
    ),
  )
  const cookies = res.setCookies.map((header) => {
    const cookie = parseSetCookie(header)
    return {
      name: cookie.name,
      attributes: [...cookie.attributes.entries()].filter(([key]) => key !== 'expires'),
    }
  })
  return { status: res.status, text: res.text, headers, cookies }
}

const PROBLEM_KEYS = ['code', 'retryAfter', 'status', 'title', 'type']

/**
 * A logger that keeps its lines for the case and still writes them to the console, where the
 * runner scans everything the process says for secrets.
 */
function scannedLogger(lines: string[]) {
  return {
    warn: (message: string) => {
      lines.push(message)
      console.warn(message)
    },
    error: (message: string) => {
      lines.push(message)
      console.error(message)
    },
  }
}

export const leakageCases: readonly SecurityCase[] = [
  {
    id: 'L1',
    category: 'L',
    title:
      'answers the email step identically for a member, a stranger, an invited member and an address a JIT organization would provision (timing measured)',
    app: GENEROUS_LIMITS,
    timeoutMs: 60_000,
    async run(ctx) {
      const send = (email: string, organization: string) =>
        ctx.client().post('/auth/email/send', { email, organization })
      const kinds = [
        [ADMIN.email, 'acme'],
        ['ghost@acme.test', 'acme'],
        [INVITED.email, 'gamma'],
        ['someone@elsewhere.test', 'gamma'],
      ] as const
      const answers = await Promise.all(
        kinds.map(([email, organization]) => send(email, organization)),
      )
      const [first, ...rest] = answers.map(comparable)
      for (const other of rest) expect(other).toEqual(first)
      const timings: Record<'member' | 'stranger', number[]> = { member: [], stranger: [] }
      for (let trial = 0; trial < 60; trial += 1) {
        for (const [kind, email] of [
          ['member', ADMIN.email],
          ['stranger', `ghost${trial}@acme.test`],
        ] as const) {
          const started = performance.now()
          await send(email, 'acme')
          timings[kind].push(performance.now() - started)
        }
      }
      const delta = Math.abs(median(timings.member) - median(timings.stranger))
      expect(delta).toBeLessThan(10)
      return {
        measures: { 'email-enumeration |Δ median| member vs stranger, 60 trials (ms)': delta },
      }
    },
  },
  {
    id: 'L2',
    category: 'L',
    title:
      'gives one identical 401 for a wrong, an expired and a superseded code (a consumed login answers login_required, documented)',
    app: { options: { limits: { smsCooldownSeconds: 0 } } },
    async run(ctx) {
      const bodies: string[] = []
      const wrong = await ctx.emailStep()
      bodies.push((await wrong.post('/auth/sms/verify', { code: wrongCode(smsCode(ctx)) })).text)
      const expired = await ctx.emailStep()
      ctx.emulator.advanceClock(121)
      bodies.push((await expired.post('/auth/sms/verify', { code: smsCode(ctx) })).text)
      const superseded = await ctx.emailStep()
      const old = smsCode(ctx)
      await ctx.setup(() => superseded.post('/auth/sms/send'))
      bodies.push((await superseded.post('/auth/sms/verify', { code: old })).text)
      expect(new Set(bodies).size).toBe(1)
      expect(JSON.parse(bodies[0] ?? '{}')).toMatchObject({ code: 'otp_invalid', status: 401 })
      const consumed = await ctx.emailStep()
      const pending = consumed.jar.get(PENDING) ?? ''
      const code = smsCode(ctx)
      await ctx.setup(() => consumed.post('/auth/sms/verify', { code }))
      const replay = await withCookies(ctx, { [PENDING]: pending }).post('/auth/sms/verify', {
        code,
      })
      expect(replay.status).toBe(401)
    },
  },
  {
    id: 'L3',
    category: 'L',
    title:
      'answers every upstream fault with a bare problem body: no stack, no Stytch message, no request id, no token',
    async run(ctx) {
      const faults = [
        { kind: 'status', status: 500 },
        { kind: 'status', status: 400 },
        { kind: 'html', status: 502 },
        { kind: 'malformed' },
        { kind: 'reset' },
        { kind: 'status', status: 429 },
      ] as const
      const client = await ctx.emailStep()
      for (const fault of faults) {
        ctx.fault(UPSTREAM.smsAuthenticate, fault)
        const res = await client.post('/auth/sms/verify', { code: smsCode(ctx) })
        expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
        for (const key of Object.keys(res.body ?? {})) expect(PROBLEM_KEYS).toContain(key)
        expect(res.text).not.toMatch(/Injected fault|request-id|\n\s+at |Error:|<html/i)
      }
    },
  },
  {
    id: 'L4',
    category: 'L',
    title:
      'reports a whole sign-in and its failures as events with ids and no user input (CR/LF in input never reaches them)',
    expect: { sessions: 1 },
    async run(ctx) {
      const client = ctx.client()
      await client.post('/auth/email/send', {
        email: 'evil@acme.test\r\nX-Injected: 1',
        organization: 'acme',
      })
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) })
      await client.post('/auth/sms/verify', { code: wrongCode(smsCode(ctx)) })
      await client.post('/auth/sms/verify', { code: smsCode(ctx) })
      await client.post('/auth/logout', undefined, { headers: { 'sec-fetch-site': 'cross-site' } })
      await client.post('/auth/logout')
      const events = ctx.app.events
      const types = events.map((event) => event.type)
      expect(types).toEqual(
        expect.arrayContaining([
          'otp_sent',
          'otp_verified',
          'otp_failed',
          'request_refused',
          'logout',
        ]),
      )
      for (const event of events) {
        const text = JSON.stringify(event)
        expect(text).not.toMatch(/\\r|\\n|X-Injected|evil@/)
      }
      const verified = events.find(
        (event) => event.type === 'otp_verified' && event.channel === 'sms',
      )
      expect(verified).toMatchObject({ memberId: MEMBER.admin, signedIn: true })
    },
  },
  {
    id: 'L5',
    category: 'L',
    title:
      'answers every auth endpoint, success or failure, with Cache-Control: no-store and no ETag',
    expect: { sessions: 1, admitted: 1 },
    async run(ctx) {
      const client = ctx.client()
      const flow: HttpResponse[] = []
      for (const path of FLOW_ROUTES) flow.push(await client.post(path, { code: '000000' }))
      flow.push(await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }))
      flow.push(
        await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) }),
      )
      flow.push(await client.post('/auth/sms/verify', { code: smsCode(ctx) }))
      flow.push(await client.post('/auth/logout'))
      for (const res of flow) {
        expect(res.headers['cache-control']).toContain('no-store')
        expect(res.headers.etag).toBeUndefined()
      }
      // The guard's answers too (the admitted one is the app's handler, which may add an ETag).
      for (const res of [
        await ctx.client().get('/admin'),
        await ctx.signIn().then((c) => c.get('/admin')),
      ]) {
        expect(res.headers['cache-control']).toContain('no-store')
      }
    },
  },
  {
    id: 'L6',
    category: 'L',
    title:
      'tells no session (401), no MFA (403) and wrong organization (403) apart without naming anyone',
    expect: { sessions: 1 },
    async run(ctx) {
      const anonymous = await ctx.client().get('/admin/other-org')
      const plain = ctx.client()
      await plain.post('/auth/email/send', { email: PLAIN.email, organization: 'beta' })
      await plain.post('/auth/email/verify', { code: ctx.emulator.lastCode(PLAIN.email) })
      const noMfa = await plain.get('/admin/other-org')
      const wrongOrg = await withCookies(ctx, { [SESSION_JWT]: ctx.jwt() }).get('/admin/other-org')
      expect([anonymous.status, noMfa.status, wrongOrg.status]).toEqual([401, 403, 403])
      expect([anonymous.body?.code, noMfa.body?.code, wrongOrg.body?.code]).toEqual([
        'not_signed_in',
        'mfa_required',
        'forbidden',
      ])
      for (const res of [anonymous, noMfa, wrongOrg]) {
        expect(res.text).not.toMatch(/member-|organization-|acme|beta/)
      }
    },
  },
  {
    id: 'L7.lockout',
    category: 'L',
    title: 'reports a lockout refusal once per refused request, with no code or token in the event',
    async run(ctx) {
      const client = await ctx.emailStep()
      for (let attempt = 0; attempt < 6; attempt += 1) {
        await client.post('/auth/sms/verify', { code: wrongCode(smsCode(ctx), attempt) })
      }
      const locked = ctx.app.events.filter(
        (event) => event.type === 'otp_failed' && event.code === 'otp_locked',
      )
      expect(locked).toHaveLength(1)
      for (const { code } of ctx.emulator.outbox())
        expect(JSON.stringify(locked)).not.toContain(code)
    },
  },
  {
    id: 'L7.enrolment',
    category: 'L',
    title: 'reports a phone enrolment as one SMS event without the number',
    app: { options: { phoneEnrollment: { enabled: true } } },
    async run(ctx) {
      const client = await ctx.emailStep(NEWCOMER)
      const before = ctx.app.events.length
      expect((await client.post('/auth/sms/send', { phoneNumber: '+12025550166' })).status).toBe(
        200,
      )
      const events = ctx.app.events.slice(before)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        type: 'otp_sent',
        channel: 'sms',
        memberId: MEMBER.newcomer,
      })
      expect(JSON.stringify(events)).not.toContain('2025550166')
    },
  },
  {
    id: 'L9',
    category: 'L',
    title:
      'reports Stytch failures (a refused secret, an outage, an answer it cannot trust) as upstream_failed events and log lines holding no code, token, IST, phone number, email address or secret',
    async run(ctx) {
      const lines: string[] = []
      const wrongSecret = 'secret-test-wrong-l9-000000000000000000000000'
      ctx.secret(wrongSecret)
      const app = ctx.buildApp({ options: { logger: scannedLogger(lines) } })
      const client = await ctx.emailStep(ADMIN, { app })
      const code = smsCode(ctx)
      ctx.fault(UPSTREAM.smsAuthenticate, { kind: 'status', status: 500 })
      expect((await client.post('/auth/sms/verify', { code })).status).toBe(503)
      ctx.fault(UPSTREAM.smsAuthenticate, { kind: 'malformed' })
      expect((await client.post('/auth/sms/verify', { code })).status).toBe(502)
      const refused = ctx.buildApp({
        options: {
          logger: scannedLogger(lines),
          selfCheck: true,
          stytch: {
            projectId: ctx.emulator.projectId,
            secret: wrongSecret,
            baseUrl: ctx.emulator.url,
            timeoutMs: 1000,
          },
        },
      })
      const send = await ctx
        .client({ app: refused })
        .post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      expect(send.status).toBe(502)
      await expect
        .poll(() => refused.events.filter((event) => event.type === 'upstream_failed').length)
        .toBe(2)
      const failures = [...app.events, ...refused.events].filter(
        (event) => event.type === 'upstream_failed',
      )
      expect(failures.map((event) => [event.operation, event.code])).toEqual(
        expect.arrayContaining([
          ['otps.sms.authenticate', 'stytch_unavailable'],
          ['otps.sms.authenticate', 'stytch_bad_response'],
          ['otps.email.login_or_signup', 'stytch_error'],
          ['organizations.members.get', 'stytch_error'],
        ]),
      )
      expect(lines).toHaveLength(4)
      expect(
        lines.filter((line) => line.includes('refused the project id and secret')),
      ).toHaveLength(2)
      // The runner scans these lines and events for every secret; the address typed is one too.
      for (const text of [...lines, ...failures.map((event) => JSON.stringify(event))]) {
        expect(text).not.toMatch(/acme\.test|\+1202|Injected fault/)
      }
    },
  },
  {
    id: 'L8',
    category: 'L',
    title:
      'never puts a code, IST or token in a Location header along a browser sign-in with errors',
    expect: { sessions: 1 },
    async run(ctx) {
      const client = ctx.client({ browser: true })
      const locations: string[] = []
      const keep = (res: HttpResponse) => {
        if (res.headers.location !== undefined) locations.push(res.headers.location)
      }
      keep(
        await client.post(
          '/auth/email/send',
          { email: ADMIN.email, organization: 'acme', returnTo: '/admin' },
          { form: true },
        ),
      )
      const emailCode = ctx.emulator.lastCode(ADMIN.email) ?? ''
      keep(await client.post('/auth/email/verify', { code: wrongCode(emailCode) }, { form: true }))
      keep(await client.post('/auth/email/verify', { code: emailCode }, { form: true }))
      const code = smsCode(ctx)
      keep(await client.post('/auth/sms/verify', { code: wrongCode(code) }, { form: true }))
      keep(await client.post('/auth/sms/verify', { code }, { form: true }))
      expect(locations).toHaveLength(5)
      const secrets = [
        emailCode,
        code,
        client.jar.get(SESSION) ?? '',
        client.jar.get(SESSION_JWT) ?? '',
      ]
      for (const location of locations) {
        for (const secret of secrets) expect(location).not.toContain(secret)
      }
    },
  },
]
