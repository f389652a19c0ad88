/** §2.2 Token and cookie tampering, type confusion (B1–B12). */
import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import type { Browser } from '../harness/http.js'
import { ADMIN, MEMBER, ORG, OTHER_ADMIN } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  PENDING,
  SECRET,
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  expectGuardsRefuse,
  expectLoginRequiredLocally,
  expectNoSessionSet,
  expectProblem,
  flipAt,
  grantBody,
  smsCode,
  withCookies,
} from './shared.js'

const NEW_SECRET = 'new-secret-0123456789-abcdefghijklmnopqrstu'
const FOREIGN_SECRET = 'foreign-secret-0123456789-abcdefghijklmnop'

/** Tries the SMS step with `pending` in the IST slot: 401 login_required, and Stytch never called. */
async function refusedWithoutUpstream(ctx: CaseContext, pending: string, code = '123456') {
  const before = ctx.emulator.calls()
  for (const [path, body] of [
    ['/auth/sms/verify', { code }],
    ['/auth/sms/send', {}],
  ] as const) {
    const res = await ctx
      .client()
      .post(path, body, { headers: { cookie: `${PENDING}=${pending}` } })
    expect([400, 401], path).toContain(res.status)
    if (res.status === 401) expect(res.body?.code).toBe('login_required')
    expectNoSessionSet(res)
  }
  expect(ctx.emulator.calls() - before).toBe(0)
}

async function pendingOf(
  ctx: CaseContext,
): Promise<{ client: Browser; value: string; ist: string }> {
  const client = await ctx.emailStep()
  const value = client.jar.get(PENDING) ?? ''
  const opened = await ctx.openPending(value)
  return { client, value, ist: String(opened?.intermediateSessionToken) }
}

/** A pending cookie for the MFA step around `ist`: the admin's, sealed as the library would. */
function sealMfaPending(
  ctx: CaseContext,
  ist: string,
  seal: {
    readonly expiresInMs: number
    readonly memberId?: string
    readonly organizationId?: string
    readonly secret?: string
  },
): Promise<string> {
  return ctx.sealPending(
    {
      stage: 'mfa',
      intermediateSessionToken: ist,
      memberId: seal.memberId ?? MEMBER.admin,
      organizationId: seal.organizationId ?? ORG.acme,
      hasPhone: true,
    },
    new Date(ctx.emulator.now().getTime() + seal.expiresInMs),
    seal.secret,
  )
}

const JWE_PARTS = [
  [0, 'protected header'],
  [2, 'initialization vector'],
  [3, 'ciphertext'],
  [4, 'authentication tag'],
] as const

export const cookieCases: readonly SecurityCase[] = [
  ...JWE_PARTS.map(([part, what]): SecurityCase => ({
    id: `B1.${part}`,
    category: 'B',
    title: `treats a pending cookie with one character of its ${what} changed as absent: 401, Stytch never called`,
    async run(ctx) {
      const { value } = await pendingOf(ctx)
      const parts = value.split('.')
      const segment = parts[part] ?? ''
      parts[part] = flipAt(segment, Math.floor(segment.length / 2))
      await refusedWithoutUpstream(ctx, parts.join('.'), smsCode(ctx))
    },
  })),
  {
    id: 'B2.stripped',
    category: 'B',
    title: 'treats a pending cookie with its authentication tag stripped as absent',
    async run(ctx) {
      const { value } = await pendingOf(ctx)
      const parts = value.split('.')
      await refusedWithoutUpstream(ctx, [...parts.slice(0, 4), ''].join('.'), smsCode(ctx))
      await refusedWithoutUpstream(ctx, parts.slice(0, 4).join('.'), smsCode(ctx))
    },
  },
  {
    id: 'B2.raw-ist',
    category: 'B',
    title: "refuses Stytch's raw intermediate session token placed unsealed in the pending cookie",
    async run(ctx) {
      const { ist } = await pendingOf(ctx)
      await refusedWithoutUpstream(ctx, ist, smsCode(ctx))
    },
  },
  ...(
    [
      ['8 KB of random base64url', () => randomBytes(6000).toString('base64url')],
      ['invalid base64url in five parts', () => '!!!.@@@.###.$$$.^^^'],
      ['percent sequences that are not UTF-8', () => '%E0%A4%A.%FF%FE.%C0%AF.%ZZ.%'],
      ['a JSON object', () => encodeURIComponent('{"stage":"mfa","memberId":"x"}')],
    ] as const
  ).map(([what, make], index): SecurityCase => ({
    id: `B3.${index + 1}`,
    category: 'B',
    title: `treats a pending cookie of ${what} as absent, without a throw`,
    async run(ctx) {
      await refusedWithoutUpstream(ctx, make())
    },
  })),
  {
    id: 'B3.nul',
    category: 'B',
    title:
      'survives a NUL byte in the Cookie header (400 from the HTTP parser or 401, never a crash)',
    async run(ctx) {
      const body = '{"code":"123456"}'
      const res = await ctx.raw(
        `POST /auth/sms/verify HTTP/1.1\r\nHost: admin.example.test\r\nX-Forwarded-Proto: https\r\nOrigin: https://admin.example.test\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nCookie: ${PENDING}=abc\u0000def\r\nConnection: close\r\n\r\n${body}`,
      )
      expect([400, 401]).toContain(res.status)
      expect(ctx.emulator.calls()).toBe(0)
    },
  },
  {
    id: 'B4.unknown-key',
    category: 'B',
    title: 'refuses a pending cookie sealed with a key the app does not have',
    async run(ctx) {
      const { ist } = await pendingOf(ctx)
      const forged = await sealMfaPending(ctx, ist, {
        expiresInMs: 300_000,
        secret: FOREIGN_SECRET,
      })
      await refusedWithoutUpstream(ctx, forged, smsCode(ctx))
    },
  },
  {
    id: 'B4.rotated',
    category: 'B',
    title:
      'accepts a pending cookie sealed with the previous secret while it is still listed (rotation)',
    async run(ctx) {
      const { client } = await pendingOf(ctx)
      const rotated = ctx.buildApp({
        options: { cookieSecrets: [NEW_SECRET, SECRET], limits: { smsCooldownSeconds: 0 } },
      })
      const res = await client.on(rotated).post('/auth/sms/send')
      expect(res.status).toBe(200)
      expect(res.body?.status).toBe('sms_sent')
    },
  },
  {
    id: 'B4.removed',
    category: 'B',
    title: 'refuses a pending cookie sealed with a secret that was removed from the list',
    async run(ctx) {
      const { client } = await pendingOf(ctx)
      const removed = ctx.buildApp({ options: { cookieSecrets: [NEW_SECRET] } })
      await expectLoginRequiredLocally(ctx, () =>
        client.on(removed).post('/auth/sms/verify', { code: smsCode(ctx) }),
      )
    },
  },
  {
    id: 'B5.raw-ist',
    category: 'B',
    title: 'never treats a valid IST placed in the session cookies as a session',
    async run(ctx) {
      const { ist } = await pendingOf(ctx)
      const slots: Record<string, string>[] = [
        { [SESSION]: ist },
        { [SESSION_JWT]: ist },
        { [SESSION]: ist, [SESSION_JWT]: ist },
      ]
      for (const cookies of slots) {
        const client = withCookies(ctx, cookies)
        await expectGuardsRefuse((path) => client.get(path))
      }
    },
  },
  {
    id: 'B5.sealed',
    category: 'B',
    title: 'never treats the sealed pending cookie copied into the session cookies as a session',
    async run(ctx) {
      const { value } = await pendingOf(ctx)
      const client = withCookies(ctx, { [SESSION]: value, [SESSION_JWT]: value })
      await expectGuardsRefuse((path) => client.get(path))
    },
  },
  {
    id: 'B5.bearer',
    category: 'B',
    title: 'ignores Authorization: Bearer (not a supported credential), whatever token it carries',
    async run(ctx) {
      const { ist, value } = await pendingOf(ctx)
      const session = await ctx.setup(async () => {
        const signedIn = await ctx.signIn(OTHER_ADMIN)
        return signedIn.jar.get(SESSION_JWT) ?? ''
      })
      for (const token of [ist, value, session]) {
        const res = await ctx
          .client()
          .get('/admin', { headers: { authorization: `Bearer ${token}` } })
        expect(res.status).toBe(401)
      }
    },
  },
  {
    id: 'B6',
    category: 'B',
    title: 'never sends a session token or JWT placed in the pending cookie to Stytch as an IST',
    async run(ctx) {
      const signedIn = await ctx.signIn()
      for (const value of [signedIn.jar.get(SESSION) ?? '', signedIn.jar.get(SESSION_JWT) ?? '']) {
        await refusedWithoutUpstream(ctx, value)
      }
    },
  },
  {
    id: 'B7',
    category: 'B',
    title:
      'refuses an IST bound (inside the seal) to another member: Stytch sees the mismatch, no session, no SMS to the other member',
    async run(ctx) {
      const { ist } = await pendingOf(ctx)
      for (const [memberId, organizationId] of [
        [MEMBER.otherAdmin, ORG.acme],
        [MEMBER.plain, ORG.beta],
      ] as const) {
        const swapped = await sealMfaPending(ctx, ist, {
          expiresInMs: 300_000,
          memberId,
          organizationId,
        })
        const client = withCookies(ctx, { [PENDING]: swapped })
        const verify = await client.post('/auth/sms/verify', { code: smsCode(ctx) })
        expectProblem(verify, 401, 'login_required')
      }
      expect(ctx.emulator.outbox({ to: OTHER_ADMIN.phone })).toEqual([])
    },
  },
  {
    id: 'B8.clock',
    category: 'B',
    title:
      'refuses a pending cookie re-sent after its sealed expiry, whatever Max-Age the browser kept',
    async run(ctx) {
      const { client } = await pendingOf(ctx)
      const code = smsCode(ctx)
      ctx.emulator.advanceClock(11 * 60)
      await expectLoginRequiredLocally(ctx, () => client.post('/auth/sms/verify', { code }))
    },
  },
  {
    id: 'B8.sealed-past',
    category: 'B',
    title: 'refuses a pending cookie whose sealed expiry is in the past, with a live IST inside',
    async run(ctx) {
      const { ist } = await pendingOf(ctx)
      const expired = await sealMfaPending(ctx, ist, { expiresInMs: -1000 })
      await refusedWithoutUpstream(ctx, expired, smsCode(ctx))
    },
  },
  {
    id: 'B9.other-user',
    category: 'B',
    title:
      "treats another member's session cookies as that member, never elevating to the victim's role",
    expect: { admitted: 1 },
    async run(ctx) {
      const other = await ctx.signIn(OTHER_ADMIN)
      const thief = ctx.client()
      thief.jar.set(SESSION, other.jar.get(SESSION) ?? '')
      thief.jar.set(SESSION_JWT, other.jar.get(SESSION_JWT) ?? '')
      const admin = await thief.get('/admin')
      expect(admin.body?.memberId).toBe(MEMBER.otherAdmin)
      expect((await thief.get('/admin/role')).status).toBe(403)
    },
  },
  {
    id: 'B9.mixed',
    category: 'B',
    title:
      "never mixes two members' cookies into more rights: the verified JWT decides, the role check follows it",
    expect: { admitted: 1 },
    async run(ctx) {
      const admin = await ctx.signIn(ADMIN)
      const other = await ctx.signIn(OTHER_ADMIN)
      const mixed = withCookies(ctx, {
        [SESSION]: admin.jar.get(SESSION) ?? '',
        [SESSION_JWT]: other.jar.get(SESSION_JWT) ?? '',
      })
      expect((await mixed.get('/admin')).body?.memberId).toBe(MEMBER.otherAdmin)
      expect((await mixed.get('/admin/role')).status).toBe(403)
    },
  },
  ...(
    [
      ['the session token', SESSION],
      ['the session JWT', SESSION_JWT],
    ] as const
  ).map(([what, name]): SecurityCase => ({
    id: `B10.${name === SESSION ? 'token' : 'jwt'}`,
    category: 'B',
    title: `treats ${what} cookie sent twice (a tossed cookie next to the real one) as no session`,
    async run(ctx) {
      const victim = await ctx.signIn(ADMIN)
      const attacker = await ctx.signIn(OTHER_ADMIN)
      const cookie = `${name}=${attacker.jar.get(name) ?? ''}; ${victim.jar.header() ?? ''}`
      await expectGuardsRefuse((path) => ctx.client().get(path, { headers: { cookie } }))
    },
  })),
  {
    id: 'B10.pending',
    category: 'B',
    title: 'treats a pending cookie sent twice as absent and calls Stytch not at all',
    async run(ctx) {
      const { value } = await pendingOf(ctx)
      const other = await ctx.emailStep(OTHER_ADMIN)
      const before = ctx.emulator.calls()
      const res = await ctx.client().post(
        '/auth/sms/verify',
        { code: smsCode(ctx) },
        {
          headers: { cookie: `${PENDING}=${other.jar.get(PENDING) ?? ''}; ${PENDING}=${value}` },
        },
      )
      expect(res.status).toBe(401)
      expect(ctx.emulator.calls()).toBe(before)
    },
  },
  {
    id: 'B10.unprefixed',
    category: 'B',
    title:
      'ignores session cookies without the __Host- prefix on https: a tossed unprefixed session neither wins nor signs in',
    expect: { admitted: 1 },
    async run(ctx) {
      const victim = await ctx.signIn(ADMIN)
      const attacker = await ctx.signIn(OTHER_ADMIN)
      const tossed = `stytch_session=${attacker.jar.get(SESSION) ?? ''}; stytch_session_jwt=${attacker.jar.get(SESSION_JWT) ?? ''}`
      const both = await ctx
        .client()
        .get('/admin', { headers: { cookie: `${tossed}; ${victim.jar.header() ?? ''}` } })
      expect(both.body?.memberId).toBe(MEMBER.admin)
      expect((await ctx.client().get('/admin', { headers: { cookie: tossed } })).status).toBe(401)
    },
  },
  ...(
    [
      [
        'a session_token carrying "; Domain=evil.example"',
        { sessionToken: 'abc; Domain=evil.example' },
      ],
      ['a session_token carrying CR LF and a header', { sessionToken: 'abc\r\nSet-Cookie: x=y' }],
      ['a session_jwt carrying ";"', { sessionJwt: 'a.b.c; Path=/evil' }],
    ] as const
  ).map(([what, tokens], index): SecurityCase => ({
    id: `B11.${index + 1}`,
    category: 'B',
    title: `refuses ${what} from Stytch (502, no Set-Cookie injection, no session)`,
    async run(ctx) {
      const client = await ctx.emailStep()
      ctx.fault(UPSTREAM.smsAuthenticate, {
        kind: 'respond',
        body: grantBody(ctx.emulator.now(), tokens),
      })
      const res = await client.post('/auth/sms/verify', { code: smsCode(ctx) })
      expectProblem(res, 502, 'stytch_bad_response')
      expect(res.setCookies.join('\n')).not.toMatch(/evil|x=y/i)
      expectNoSessionSet(res)
    },
  })),
  {
    id: 'B12',
    category: 'B',
    title:
      'refuses a 6 KB session_jwt from Stytch rather than set a cookie over 4096 bytes (fails closed, 502)',
    async run(ctx) {
      const client = await ctx.emailStep()
      ctx.fault(UPSTREAM.smsAuthenticate, {
        kind: 'respond',
        body: grantBody(ctx.emulator.now(), { sessionJwt: `eyJ${'a'.repeat(6 * 1024)}.e30.c2ln` }),
      })
      const res = await client.post('/auth/sms/verify', { code: smsCode(ctx) })
      expect(res.status).toBe(502)
      expectNoSessionSet(res)
      expect(res.setCookies.every((header) => header.length < 4096)).toBe(true)
    },
  },
  {
    id: 'B12.edge',
    category: 'B',
    title:
      'keeps every Set-Cookie under 4096 bytes (attributes included) for the largest session_jwt it accepts (4000 characters)',
    expect: { sessionCookies: 1 },
    async run(ctx) {
      const client = await ctx.emailStep()
      const jwt = `eyJ${'a'.repeat(4000 - 12)}.e30.c2ln`
      ctx.fault(UPSTREAM.smsAuthenticate, {
        kind: 'respond',
        body: grantBody(ctx.emulator.now(), { sessionJwt: jwt }),
      })
      const res = await client.post('/auth/sms/verify', { code: smsCode(ctx) })
      expect(res.status).toBe(200)
      for (const header of res.setCookies) expect(Buffer.byteLength(header)).toBeLessThan(4096)
    },
  },
]
