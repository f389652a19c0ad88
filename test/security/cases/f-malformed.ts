/** §2.6 Malformed, oversized, unicode and prototype-pollution input (F1–F18). */
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { expect } from 'vitest'
import type { Browser, SendOptions } from '../harness/http.js'
import { decodeClaims } from '../harness/jwt.js'
import { ADMIN, MEMBER } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  FLOW_ROUTES,
  NO_COOLDOWN,
  ORIGIN,
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  callsDuring,
  expectGuardsRefuse,
  expectProblem,
  smsCode,
  withCookies,
  wrongCode,
} from './shared.js'

const JSON_TYPE = 'application/json'

/** Posts raw bytes to the SMS verify step of a login in progress; Stytch must not be called. */
async function rawVerify(
  ctx: CaseContext,
  raw: string | Buffer,
  options: Omit<SendOptions, 'raw'> = {},
): Promise<{ status: number; calls: number; client: Browser }> {
  const client = await ctx.emailStep()
  let status = 0
  const calls = await callsDuring(ctx, UPSTREAM.smsAuthenticate, async () => {
    status = (
      await client.post('/auth/sms/verify', undefined, { contentType: JSON_TYPE, ...options, raw })
    ).status
  })
  return { status, calls, client }
}

function requestHead(path: string, headers: Record<string, string>): string {
  const lines = Object.entries({
    Host: 'admin.example.test',
    'X-Forwarded-Proto': 'https',
    Origin: ORIGIN,
    'Sec-Fetch-Site': 'same-origin',
    Accept: 'application/json',
    Connection: 'close',
    ...headers,
  }).map(([name, value]) => `${name}: ${value}`)
  return `POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`
}

const F10_EMAILS: readonly (readonly [string, unknown])[] = [
  ['a comma-separated list', 'admin@acme.test,attacker@evil.test'],
  ['a semicolon-separated list', 'admin@acme.test;attacker@evil.test'],
  ['a quoted local part with "@"', '"attacker@evil.test"@acme.test'],
  ['CR LF and a Bcc header', 'admin@acme.test\r\nBcc:attacker@evil.test'],
  ['300 characters', `${'a'.repeat(288)}@acme.test`],
  ['a Cyrillic homoglyph', '\u0430dmin@acme.test'],
  ['a NUL byte', 'admin@acme.test\u0000'],
  ['an array', ['admin@acme.test', 'attacker@evil.test']],
]

const F11_BODIES: readonly (readonly [string, string, string])[] = [
  [
    'a lone surrogate in the email',
    '/auth/email/send',
    '{"email":"adm\\ud800in@acme.test","organization":"acme"}',
  ],
  [
    'a right-to-left override in the organization',
    '/auth/email/send',
    '{"email":"admin@acme.test","organization":"ac\\u202eme"}',
  ],
  ['a zero-width joiner in the code', '/auth/sms/verify', '{"code":"123\\u200d456"}'],
  [
    'a 4-byte emoji in the email',
    '/auth/email/send',
    '{"email":"\\ud83d\\ude00@acme.test","organization":"acme"}',
  ],
]

export const malformedCases: readonly SecurityCase[] = [
  ...(['{"code":', '{', 'NaN'] as const).map((raw, index): SecurityCase => ({
    id: `F1.${index + 1}`,
    category: 'F',
    title: `refuses the non-JSON body ${JSON.stringify(raw)} sent as JSON with 400, calling Stytch not at all`,
    async run(ctx) {
      expect(await rawVerify(ctx, raw)).toMatchObject({ status: 400, calls: 0 })
    },
  })),
  {
    id: 'F2',
    category: 'F',
    title:
      'refuses a JSON body sent as text/plain (a CSRF-style simple request) with 415 on every step',
    async run(ctx) {
      const client = await ctx.emailStep()
      const before = ctx.emulator.calls()
      for (const path of FLOW_ROUTES) {
        const res = await client.post(path, undefined, {
          raw: JSON.stringify({ email: ADMIN.email, organization: 'acme', code: '123456' }),
          contentType: 'text/plain',
        })
        expect(res.status, path).toBe(415)
      }
      expect(ctx.emulator.calls()).toBe(before)
    },
  },
  ...(
    [
      ['17 KB', 17 * 1024],
      ['1 MB', 1024 * 1024],
    ] as const
  ).map(([what, size], index): SecurityCase => ({
    id: `F3.${index + 1}`,
    category: 'F',
    title: `refuses a ${what} body with 413 before reading it into a Stytch call`,
    async run(ctx) {
      const raw = JSON.stringify({ code: '123456', pad: 'x'.repeat(size) })
      expect(await rawVerify(ctx, raw)).toMatchObject({ status: 413, calls: 0 })
    },
  })),
  {
    id: 'F3.3',
    category: 'F',
    title: 'answers 413 to a 100 MB body streamed in chunks well before it ends, and keeps serving',
    async run(ctx) {
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const chunked = Buffer.concat([
        Buffer.from(`${chunk.length.toString(16)}\r\n`),
        chunk,
        Buffer.from('\r\n'),
      ])
      const res = await ctx.raw(
        requestHead('/auth/email/send', {
          'Content-Type': JSON_TYPE,
          'Transfer-Encoding': 'chunked',
        }),
        { chunks: Array.from({ length: 1600 }, () => chunked), intervalMs: 1, timeoutMs: 10_000 },
      )
      // The server answers 413 and closes with the rest unread: the client may only see the
      // reset (its kernel drops the answer), so the answer is read on the server side.
      expect([0, 413]).toContain(res.status)
      const answer = ctx.exchanges().find((exchange) => exchange.url === '/auth/email/send')
      expect(answer?.status).toBe(413)
      expect(answer?.ms).toBeLessThan(1000)
      expect(ctx.emulator.calls()).toBe(0)
      return { measures: { 'time to 413 on a streamed 100 MB body (ms)': answer?.ms ?? -1 } }
    },
  },
  ...(
    [
      ['100,000 nested arrays (over the limit)', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['8,000 nested arrays (within the limit)', `${'['.repeat(8000)}${']'.repeat(8000)}`],
      ['1,500 nested objects', `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`],
    ] as const
  ).map(([what, raw], index): SecurityCase => ({
    id: `F4.${index + 1}`,
    category: 'F',
    title: `refuses ${what} with 400/413, without a stack overflow`,
    async run(ctx) {
      const { status, calls } = await rawVerify(ctx, raw)
      expect([400, 413]).toContain(status)
      expect(calls).toBe(0)
    },
  })),
  ...(
    [
      [
        '__proto__ (JSON)',
        (code: string) => `{"__proto__":{"isAdmin":true,"mfa":true,"polluted":1},"code":"${code}"}`,
        JSON_TYPE,
      ],
      [
        'constructor.prototype (JSON)',
        (code: string) =>
          `{"constructor":{"prototype":{"mfa":true,"polluted":1}},"code":"${code}"}`,
        JSON_TYPE,
      ],
      [
        '__proto__[isAdmin] (form)',
        (code: string) => `__proto__[isAdmin]=true&constructor[prototype][polluted]=1&code=${code}`,
        'application/x-www-form-urlencoded',
      ],
    ] as const
  ).map(([what, body, type], index): SecurityCase => ({
    id: `F5.${index + 1}`,
    category: 'F',
    title: `ignores a ${what} pollution payload: nothing polluted, a wrong code stays wrong, the guard still refuses`,
    async run(ctx) {
      const client = await ctx.emailStep()
      const res = await client.post('/auth/sms/verify', undefined, {
        raw: body(wrongCode(smsCode(ctx))),
        contentType: type,
      })
      expect([400, 401]).toContain(res.status)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect((await ctx.client().get('/admin')).status).toBe(401)
    },
  })),
  {
    id: 'F6.body',
    category: 'F',
    title:
      'refuses the qs DoS payload a[__proto__]=b&a[__proto__]&a[length]=100000000 as a form body with 400, quickly',
    async run(ctx) {
      const res = await ctx.client().post('/auth/email/send', undefined, {
        raw: 'a[__proto__]=b&a[__proto__]&a[length]=100000000',
        contentType: 'application/x-www-form-urlencoded',
      })
      expect(res.status).toBe(400)
      expect(res.ms).toBeLessThan(1000)
      expect(ctx.emulator.calls()).toBe(0)
    },
  },
  {
    id: 'F6.query',
    category: 'F',
    title: 'ignores the qs DoS payload in the query string of a step',
    async run(ctx) {
      const res = await ctx
        .client()
        .post('/auth/email/send?a[__proto__]=b&a[__proto__]&a[length]=100000000', {
          email: ADMIN.email,
          organization: 'acme',
        })
      expect(res.status).toBe(200)
      expect(res.ms).toBeLessThan(1000)
    },
  },
  {
    id: 'F7.params',
    category: 'F',
    title: 'refuses a form of 10,000 parameters with 413 (over the body limit)',
    async run(ctx) {
      const raw = Array.from({ length: 10_000 }, (_, n) => `p${n}=1`).join('&')
      expect(
        await rawVerify(ctx, raw, { contentType: 'application/x-www-form-urlencoded' }),
      ).toMatchObject({ status: 413, calls: 0 })
    },
  },
  {
    id: 'F7.depth',
    category: 'F',
    title: 'treats a form key nested 1,000 levels deep as one unknown field (400, no recursion)',
    async run(ctx) {
      const raw = `a${'[a]'.repeat(1000)}=1`
      expect(
        await rawVerify(ctx, raw, { contentType: 'application/x-www-form-urlencoded' }),
      ).toMatchObject({ status: 400, calls: 0 })
    },
  },
  {
    id: 'F8',
    category: 'F',
    title: 'refuses compressed bodies (gzip, deflate, br) with 415, never inflating a bomb',
    async run(ctx) {
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, ' '))
      for (const encoding of ['gzip', 'deflate', 'br', 'GZIP']) {
        const { status, calls } = await rawVerify(ctx, bomb, {
          headers: { 'content-encoding': encoding },
        })
        expect(status, encoding).toBe(415)
        expect(calls).toBe(0)
      }
    },
  },
  {
    id: 'F9.json',
    category: 'F',
    title:
      'reads duplicate JSON keys deterministically (the last wins, as JSON.parse) with one Stytch call',
    expect: { sessions: 1 },
    async run(ctx) {
      const client = await ctx.emailStep()
      const right = smsCode(ctx)
      const calls = await callsDuring(ctx, UPSTREAM.smsAuthenticate, async () => {
        const res = await client.post('/auth/sms/verify', undefined, {
          raw: `{"code":"${wrongCode(right)}","code":"${right}"}`,
          contentType: JSON_TYPE,
        })
        expect(res.status).toBe(200)
      })
      expect(calls).toBe(1)
    },
  },
  {
    id: 'F9.form',
    category: 'F',
    title: 'refuses a repeated form field with 400 and no Stytch call',
    async run(ctx) {
      const client = await ctx.emailStep()
      const right = smsCode(ctx)
      expect(
        await rawVerify(ctx, `code=${wrongCode(right)}&code=${right}`, {
          contentType: 'application/x-www-form-urlencoded',
        }),
      ).toMatchObject({ status: 400, calls: 0 })
      expect(client.jar.get('__Host-stytch_mfa_pending')).toBeDefined()
    },
  },
  ...F10_EMAILS.map(([what, email], index): SecurityCase => ({
    id: `F10.${index + 1}`,
    category: 'F',
    title: `refuses an email address that is ${what} with 400, and never mails more than one exact recipient`,
    async run(ctx) {
      const calls = await callsDuring(ctx, UPSTREAM.emailSend, async () => {
        const res = await ctx.client().post('/auth/email/send', { email, organization: 'acme' })
        expectProblem(res, 400, 'invalid_request')
      })
      expect(calls).toBe(0)
      expect(ctx.emulator.outbox({ channel: 'email' })).toEqual([])
    },
  })),
  ...F11_BODIES.map(([what, path, raw], index): SecurityCase => ({
    id: `F11.${index + 1}`,
    category: 'F',
    title: `handles ${what} safely (400, nothing sent upstream)`,
    async run(ctx) {
      const client = path === '/auth/sms/verify' ? await ctx.emailStep() : ctx.client()
      const before = ctx.emulator.calls()
      const res = await client.post(path, undefined, { raw, contentType: JSON_TYPE })
      expect(res.status).toBe(400)
      expect(ctx.emulator.calls()).toBe(before)
    },
  })),
  {
    id: 'F11.5',
    category: 'F',
    title: 'handles a body of invalid UTF-8 bytes safely (400, nothing sent upstream)',
    async run(ctx) {
      const raw = Buffer.concat([
        Buffer.from('{"email":"a'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('@acme.test","organization":"acme"}'),
      ])
      const res = await ctx
        .client()
        .post('/auth/email/send', undefined, { raw, contentType: JSON_TYPE })
      expect(res.status).toBe(400)
      expect(ctx.emulator.calls()).toBe(0)
    },
  },
  {
    id: 'F12.query',
    category: 'F',
    title: 'never lets a repeated code in the query override the body',
    async run(ctx) {
      const client = await ctx.emailStep()
      const right = smsCode(ctx)
      const res = await client.post(`/auth/sms/verify?code=${right}&code=${right}`, {
        code: wrongCode(right),
      })
      expectProblem(res, 401, 'otp_invalid')
    },
  },
  {
    id: 'F12.ids',
    category: 'F',
    title:
      'takes identity from neither query nor body: member_id in both, the SMS still goes to the IST member',
    app: NO_COOLDOWN,
    async run(ctx) {
      const client = await ctx.emailStep()
      const res = await client.post(
        `/auth/sms/send?member_id=${MEMBER.otherAdmin}&member_id=${MEMBER.plain}`,
        {
          member_id: MEMBER.otherAdmin,
        },
      )
      expect(res.status).toBe(200)
      expect(ctx.emulator.outbox({ channel: 'sms' }).at(-1)?.to).toBe(ADMIN.phone)
    },
  },
  {
    id: 'F13',
    category: 'F',
    title:
      'ignores session_duration_minutes and session_custom_claims in the body: the session has the configured 60 minutes and no extra claim',
    expect: { sessions: 1 },
    async run(ctx) {
      const client = await ctx.emailStep()
      const res = await client.post('/auth/sms/verify', {
        code: smsCode(ctx),
        session_duration_minutes: 527_040,
        session_custom_claims: { role: 'admin' },
      })
      expect(res.status).toBe(200)
      const claims = decodeClaims(client.jar.get(SESSION_JWT) ?? '')
      const session = claims['https://stytch.com/session'] as { expires_at: string }
      const minutes = (Date.parse(session.expires_at) - ctx.emulator.now().getTime()) / 60_000
      expect(minutes).toBeGreaterThan(59)
      expect(minutes).toBeLessThanOrEqual(60)
      expect(claims.role).toBeUndefined()
    },
  },
  {
    id: 'F14.big-cookie',
    category: 'F',
    title: 'answers a 16 KB Cookie header with a 4xx (431 from Node or 401), never a 500',
    async run(ctx) {
      const res = await ctx
        .client()
        .get('/admin', { headers: { cookie: `${SESSION}=${'a'.repeat(16 * 1024)}` } })
      expect([400, 401, 431]).toContain(res.status)
    },
  },
  {
    id: 'F14.many-cookies',
    category: 'F',
    title: 'answers 200 cookies with junk values around the real names with 401',
    async run(ctx) {
      const cookie = [
        ...Array.from({ length: 200 }, (_, n) => `c${n}=%${n.toString(16)}%ZZ`),
        `${SESSION}=%E0%A4%A`,
        `${SESSION_JWT}=%ZZ.%00.%`,
      ].join('; ')
      await expectGuardsRefuse((path) => ctx.client().get(path, { headers: { cookie } }))
    },
  },
  {
    id: 'F14.fetch-site',
    category: 'F',
    title:
      'ignores a Sec-Fetch-Site value not in the spec and falls back to the exact Origin check',
    async run(ctx) {
      const client = ctx.client()
      const ok = await client.post('/auth/logout', undefined, {
        headers: { 'sec-fetch-site': 'weird' },
      })
      expect(ok.status).toBe(200)
      const evil = await client.post('/auth/logout', undefined, {
        headers: { 'sec-fetch-site': 'weird', origin: 'https://evil.example' },
      })
      expect(evil.status).toBe(403)
    },
  },
  {
    id: 'F15.methods',
    category: 'F',
    title:
      'answers PUT, DELETE, PATCH and OPTIONS with a body on the verify step without side effects',
    async run(ctx) {
      const client = await ctx.emailStep()
      const calls = await callsDuring(ctx, UPSTREAM.smsAuthenticate, async () => {
        for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
          const res = await client.send(method, '/auth/sms/verify', { code: smsCode(ctx) })
          expect([200, 204, 404, 405], method).toContain(res.status)
        }
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'F15.override',
    category: 'F',
    title:
      'ignores X-HTTP-Method-Override: the POST stays a POST (a wrong code is still judged wrong)',
    async run(ctx) {
      const client = await ctx.emailStep()
      for (const method of ['GET', 'HEAD', 'DELETE']) {
        const res = await client.post(
          '/auth/sms/verify',
          { code: wrongCode(smsCode(ctx)) },
          { headers: { 'x-http-method-override': method, 'x-method-override': method } },
        )
        expect(res.status).toBe(401)
      }
    },
  },
  {
    id: 'F16',
    category: 'F',
    title:
      'keeps serving other requests while a body trickles in one byte at a time, and survives its abort',
    concurrent: true,
    async run(ctx) {
      const port = await ctx.app.port()
      const slow = ctx.raw(
        requestHead('/auth/sms/verify', { 'Content-Type': JSON_TYPE, 'Content-Length': '40' }),
        { chunks: Array.from({ length: 12 }, () => ' '), intervalMs: 100, timeoutMs: 1400 },
      )
      const latencies: number[] = []
      for (let round = 0; round < 10; round += 1) {
        const others = await Promise.all(
          Array.from({ length: 5 }, () => ctx.client().get('/login-state')),
        )
        for (const res of others) {
          expect(res.status).toBe(200)
          latencies.push(res.ms)
        }
        await ctx.sleep(50)
      }
      const res = await slow
      expect(res.status).toBe(0)
      expect(port).toBeGreaterThan(0)
      expect(Math.max(...latencies)).toBeLessThan(1000)
      expect(ctx.emulator.calls()).toBe(0)
    },
  },
  {
    id: 'F17',
    category: 'F',
    title:
      'drops a truncated body (Content-Length larger than what arrives, then close) without a Stytch call',
    async run(ctx) {
      await ctx.raw(
        `${requestHead('/auth/email/send', { 'Content-Type': JSON_TYPE, 'Content-Length': '100' })}{"email":"a`,
        { closeAfterWrite: true, timeoutMs: 1000 },
      )
      await ctx.sleep(50)
      expect(ctx.emulator.calls()).toBe(0)
    },
  },
  {
    id: 'F18',
    category: 'F',
    title:
      'holds the invariants for 60 generated bodies per step over HTTP (property; the volume lives in fuzz.test.ts)',
    timeoutMs: 60_000,
    async run(ctx) {
      const client = await ctx.emailStep()
      const body = fc.oneof(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
        fc.record({ code: fc.string({ maxLength: 8 }) }),
        fc.record({ email: fc.string(), organization: fc.string(), returnTo: fc.string() }),
      )
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...FLOW_ROUTES),
          body,
          fc.boolean(),
          async (path, input, form) => {
            const res = await client.post(path, input, form ? { form: true } : {})
            expect([200, 303, 400, 401, 403, 409, 413, 415, 429]).toContain(res.status)
          },
        ),
        { numRuns: 60 * FLOW_ROUTES.length, seed: 20_261_123 },
      )
      expect(withCookies(ctx, {}).jar.names()).toEqual([])
    },
  },
]
