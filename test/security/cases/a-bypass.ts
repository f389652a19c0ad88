/** §2.1 MFA bypass and flow integrity (A1–A16). */
import { expect } from 'vitest'
import { coreRequest, replyStatus } from '../harness/core.js'
import { ADMIN, MEMBER, ORG, OTHER_ADMIN, PLAIN } from '../harness/seed.js'
import type { SecurityCase } from '../harness/types.js'
import {
  GUARDED,
  NO_COOLDOWN,
  PENDING,
  SESSION,
  SESSION_JWT,
  clears,
  expectAnswers,
  expectGuardsRefuse,
  expectLoginRequiredLocally,
  expectNoSessionSet,
  expectProblem,
  smsCode,
  touchesPending,
  withCookies,
  wrongCode,
} from './shared.js'

const A12_VARIANTS: readonly (readonly [string, string, string])[] = [
  ['GET', '/ADMIN', 'upper case'],
  ['GET', '/admin/', 'a trailing slash'],
  ['GET', '//admin', 'a doubled leading slash'],
  ['GET', '/admin;x', 'a matrix parameter'],
  ['GET', '/%61dmin', 'a percent-encoded letter'],
  ['GET', '/admin%2f', 'an encoded trailing slash'],
  ['GET', '/./admin', 'a dot segment'],
  ['GET', '/api/../admin', 'a dot-dot segment'],
  ['GET', '/admin%20', 'an encoded trailing space'],
  ['HEAD', '/admin', 'HEAD'],
]

const A13_HEADERS: readonly (readonly [string, Record<string, string>])[] = [
  ['X-Forwarded-For: 127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }],
  ['X-Real-IP: 127.0.0.1', { 'x-real-ip': '127.0.0.1' }],
  ['X-Debug: 1', { 'x-debug': '1', debug: 'true' }],
  ['X-Original-URL: /login-state', { 'x-original-url': '/login-state' }],
  ['X-Rewrite-URL: /login-state', { 'x-rewrite-url': '/login-state' }],
  ['X-HTTP-Method-Override: OPTIONS', { 'x-http-method-override': 'OPTIONS' }],
]

export const bypassCases: readonly SecurityCase[] = [
  {
    id: 'A1',
    category: 'A',
    title:
      'answers 401 to GET and POST on every guarded route without cookies, and sends a browser to the login page with a safe returnTo',
    async run(ctx) {
      const api = ctx.client()
      const browser = ctx.client({ browser: true })
      for (const path of GUARDED) {
        const get = await api.get(path)
        expect(get.status, path).toBe(401)
        expect(get.body?.code).toBe('not_signed_in')
        expect((await api.post(path, {})).status, `POST ${path}`).toBe(401)
        const page = await browser.get(path)
        expect(page.status).toBe(303)
        expect(page.headers.location).toBe(`/login?returnTo=${encodeURIComponent(path)}`)
      }
    },
  },
  {
    id: 'A2',
    category: 'A',
    title:
      'refuses a guarded route to a client holding only the IST cookie, keeps the IST, and the flow can still finish',
    expect: { sessions: 1, admitted: 1 },
    async run(ctx) {
      const client = await ctx.emailStep()
      for (const path of GUARDED) {
        const res = await client.get(path)
        expect(res.status, path).toBe(401)
        expect(touchesPending(res)).toBe(false)
      }
      expect(client.jar.get(PENDING)).toBeDefined()
      expect((await client.post('/auth/sms/verify', { code: smsCode(ctx) })).status).toBe(200)
      expect((await client.get('/admin')).status).toBe(200)
    },
  },
  {
    id: 'A3',
    category: 'A',
    title:
      'accepts none of the cookies the email step set as a session, replayed as they came or in the session slots',
    async run(ctx) {
      const setCookies: string[] = []
      await ctx.setup(async () => {
        const client = ctx.client()
        const sent = await client.post('/auth/email/send', {
          email: ADMIN.email,
          organization: 'acme',
        })
        const verified = await client.post('/auth/email/verify', {
          code: ctx.emulator.lastCode(ADMIN.email),
        })
        setCookies.push(...sent.setCookies, ...verified.setCookies)
      })
      expect(setCookies.length).toBeGreaterThan(0)
      const pairs = setCookies.map((header) => (header.split(';')[0] ?? '').trim())
      const values = pairs.map((pair) => pair.slice(pair.indexOf('=') + 1)).filter(Boolean)
      const replays = [
        pairs.join('; '),
        ...values.flatMap((value) => [
          `${SESSION}=${value}`,
          `${SESSION_JWT}=${value}`,
          `${SESSION}=${value}; ${SESSION_JWT}=${value}`,
        ]),
      ]
      for (const cookie of replays) {
        for (const path of ['/admin', '/admin/strict']) {
          const res = await ctx.client().get(path, { headers: { cookie } })
          expect(res.status, `${path} with ${cookie.slice(0, 60)}`).toBe(401)
        }
      }
    },
  },
  {
    id: 'A4',
    category: 'A',
    title: 'sets no session cookie and returns no token in either step-1 response (cookie storage)',
    async run(ctx) {
      const client = ctx.client()
      const sent = await client.post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      const verified = await client.post('/auth/email/verify', {
        code: ctx.emulator.lastCode(ADMIN.email),
      })
      expect(verified.body?.status).toBe('mfa_required')
      const ist = (await ctx.openPending(client.jar.get(PENDING) ?? ''))?.intermediateSessionToken
      expect(typeof ist).toBe('string')
      for (const res of [sent, verified]) {
        expectNoSessionSet(res)
        expect(res.text).not.toMatch(/session_token|session_jwt|intermediate_session/i)
        expect(res.text).not.toContain(String(ist))
      }
      expect((await client.get('/admin')).status).toBe(401)
    },
  },
  {
    id: 'A4.server',
    category: 'A',
    title:
      'stores nothing a guard accepts in the server-side session before step 2 (express-session / koa-session)',
    app: { storage: 'server' },
    async run(ctx) {
      const client = ctx.client()
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      const verified = await client.post('/auth/email/verify', {
        code: ctx.emulator.lastCode(ADMIN.email),
      })
      expect(verified.status).toBe(200)
      expectNoSessionSet(verified)
      await expectGuardsRefuse((path) => client.get(path))
    },
  },
  {
    id: 'A5',
    category: 'A',
    title:
      'answers 401 login_required to an SMS verify without an email step, calling Stytch not at all',
    async run(ctx) {
      const client = ctx.client()
      await expectLoginRequiredLocally(ctx, () =>
        client.post('/auth/sms/verify', { code: '123456' }),
      )
      expect(ctx.emulator.calls()).toBe(0)
    },
  },
  {
    id: 'A6',
    category: 'A',
    title:
      'ignores member_authenticated / mfa_passed in the verify body: a wrong code stays a wrong code',
    async run(ctx) {
      const client = await ctx.emailStep()
      const res = await client.post('/auth/sms/verify', {
        code: wrongCode(smsCode(ctx)),
        member_authenticated: true,
        mfa_passed: true,
        authenticated: 'true',
      })
      expectProblem(res, 401, 'otp_invalid')
      expectNoSessionSet(res)
      expect((await client.get('/admin')).status).toBe(401)
    },
  },
  {
    id: 'A7',
    category: 'A',
    title:
      "ignores a victim's member_id in the send and verify bodies: the code goes to, and the session belongs to, the IST-bound member",
    app: NO_COOLDOWN,
    expect: { sessions: 1, admitted: 1 },
    async run(ctx) {
      const attacker = await ctx.emailStep(ADMIN)
      const hostile = { member_id: MEMBER.otherAdmin, memberId: MEMBER.otherAdmin }
      expect((await attacker.post('/auth/sms/send', hostile)).status).toBe(200)
      const last = ctx.emulator.outbox({ channel: 'sms' }).at(-1)
      expect(last?.to).toBe(ADMIN.phone)
      expect(ctx.emulator.outbox({ to: OTHER_ADMIN.phone })).toEqual([])
      const res = await attacker.post('/auth/sms/verify', { code: smsCode(ctx), ...hostile })
      expect(res.status).toBe(200)
      const admin = await attacker.get('/admin')
      expect(admin.body?.memberId).toBe(MEMBER.admin)
    },
  },
  {
    id: 'A8',
    category: 'A',
    title:
      'ignores another organization in the body and the query: the session belongs to the IST-bound organization',
    expect: { sessions: 1, admitted: 1 },
    async run(ctx) {
      const attacker = await ctx.emailStep(ADMIN)
      const res = await attacker.post(
        `/auth/sms/verify?organization_id=${ORG.beta}&organization=beta`,
        {
          code: smsCode(ctx),
          organization_id: ORG.beta,
          organization: 'beta',
          organizationId: ORG.beta,
        },
      )
      expect(res.status).toBe(200)
      const admin = await attacker.get('/admin')
      expect(admin.body?.organizationId).toBe(ORG.acme)
    },
  },
  {
    id: 'A9',
    category: 'A',
    title:
      'answers 403 mfa_required on every MFA route to a session Stytch issued without an SMS factor (MFA optional)',
    // The strict route's check with Stytch may hand back a newer JWT, written back (same session).
    expect: { sessions: 1, sessionCookies: [1, 2] },
    async run(ctx) {
      const client = ctx.client()
      await client.post('/auth/email/send', { email: PLAIN.email, organization: 'beta' })
      const signedIn = await client.post('/auth/email/verify', {
        code: ctx.emulator.lastCode(PLAIN.email),
      })
      expect(signedIn.body?.status).toBe('signed_in')
      await expectAnswers(client, ['/admin', '/admin/strict', '/admin/fresh'], 403, 'mfa_required')
    },
  },
  ...(['impersonated', 'trusted_auth_token'] as const).map((factor): SecurityCase => ({
    id: `A10.${factor}`,
    category: 'A',
    title: `answers 403 mfa_required to a validly signed session whose factors are [email, ${factor}]`,
    async run(ctx) {
      const client = withCookies(ctx, { [SESSION_JWT]: ctx.jwt({ factors: ['email', factor] }) })
      await expectAnswers(client, ['/admin', '/admin/role', '/admin/acme'], 403, 'mfa_required')
    },
  })),
  {
    id: 'A11.organization',
    category: 'A',
    title:
      'answers 403 forbidden to a valid MFA session of another organization than the route allows',
    async run(ctx) {
      const client = await ctx.signIn()
      await expectAnswers(client, ['/admin/other-org'], 403, 'forbidden')
    },
  },
  {
    id: 'A11.role',
    category: 'A',
    title:
      'answers 403 forbidden to a valid MFA session of the right organization without the role',
    async run(ctx) {
      const client = await ctx.signIn(OTHER_ADMIN)
      await expectAnswers(client, ['/admin/role'], 403, 'forbidden')
    },
  },
  {
    id: 'A11.mfa',
    category: 'A',
    title:
      'answers 403 to a session with the right organization and role but no SMS factor (MFA alone false)',
    async run(ctx) {
      const client = withCookies(ctx, { [SESSION_JWT]: ctx.jwt({ factors: ['email'] }) })
      await expectAnswers(client, ['/admin/role', '/admin/acme'], 403, 'mfa_required')
    },
  },
  {
    id: 'A11.fresh',
    category: 'A',
    title:
      'answers 403 mfa_stale to a session whose SMS factor is older than the route maxAge (freshness alone false)',
    async run(ctx) {
      const client = withCookies(ctx, { [SESSION_JWT]: ctx.jwt({ factorAgeSeconds: 11 * 60 }) })
      await expectAnswers(client, ['/admin/fresh'], 403, 'mfa_stale')
    },
  },
  {
    id: 'A11.combined',
    category: 'A',
    title:
      'ANDs every condition of a guard with organization, role and maxAge: each one false on its own denies',
    async run(ctx) {
      const core = ctx.core()
      const guard = core.requireMfa({
        organizations: [ORG.acme],
        roles: ['stytch_admin'],
        maxAge: '10m',
      })
      const ask = async (jwt: string) =>
        replyStatus(
          await guard(
            coreRequest({
              method: 'GET',
              url: '/admin',
              headers: { cookie: `${SESSION_JWT}=${jwt}`, accept: 'application/json' },
            }),
          ),
        )
      expect(await ask(ctx.jwt())).toBe('admitted')
      expect(await ask(ctx.jwt({ factors: ['email'] }))).toBe(403)
      expect(await ask(ctx.jwt({ roles: ['stytch_member'] }))).toBe(403)
      expect(await ask(ctx.jwt({ organizationId: ORG.beta, slug: 'beta' }))).toBe(403)
      expect(await ask(ctx.jwt({ factorAgeSeconds: 3600 }))).toBe(403)
      expect(await ask(ctx.jwt({ sessionExpiresIn: -1 }))).toBe(401)
    },
  },
  ...A12_VARIANTS.map(([method, path, what], index): SecurityCase => ({
    id: `A12.${index + 1}`,
    category: 'A',
    title: `never admits ${method} ${path} (${what}) without MFA: no session and an email-only session are refused`,
    async run(ctx) {
      const anonymous = ctx.client()
      const emailOnly = withCookies(ctx, { [SESSION_JWT]: ctx.jwt({ factors: ['email'] }) })
      for (const client of [anonymous, emailOnly]) {
        const res = await client.send(method, path)
        expect([400, 401, 403, 404, 405], `${method} ${path}`).toContain(res.status)
      }
    },
  })),
  ...A13_HEADERS.map(([what, headers], index): SecurityCase => ({
    id: `A13.${index + 1}`,
    category: 'A',
    title: `ignores ${what} on the guarded routes`,
    async run(ctx) {
      const jwt = ctx.jwt({ factors: ['email'] })
      for (const path of ['/admin', '/admin/strict', '/admin/role']) {
        const emailOnly = withCookies(ctx, { [SESSION_JWT]: jwt })
        expect((await ctx.client().get(path, { headers })).status).toBe(401)
        // The strict route asks Stytch, which does not know the crafted session: 401.
        const denied = path === '/admin/strict' ? 401 : 403
        expect((await emailOnly.get(path, { headers })).status).toBe(denied)
      }
    },
  })),
  {
    id: 'A14.empty-secret',
    category: 'A',
    title: 'refuses to start with an empty Stytch secret (configuration_error at startup)',
    run(ctx) {
      expect(() =>
        ctx.buildApp({
          options: {
            stytch: { projectId: ctx.emulator.projectId, secret: '', baseUrl: ctx.emulator.url },
          },
        }),
      ).toThrow(/secret/)
      expect(() =>
        ctx.buildApp({
          options: { stytch: { projectId: '', secret: 'x', baseUrl: ctx.emulator.url } },
        }),
      ).toThrow(/projectId/)
      return Promise.resolve(undefined)
    },
  },
  {
    id: 'A14.wrong-project',
    category: 'A',
    title:
      'never admits anyone when the project id is wrong: the guard fails closed (5xx or 401), never 200',
    expect: { statuses: [502, 503] },
    async run(ctx) {
      const app = ctx.buildApp({
        options: {
          stytch: {
            projectId: 'project-test-99999999-0000-4000-8000-000000000000',
            secret: ctx.emulator.secret,
            baseUrl: ctx.emulator.url,
            timeoutMs: 1000,
          },
        },
      })
      const client = ctx.client({ app })
      client.jar.set(SESSION_JWT, ctx.jwt())
      client.jar.set(SESSION, 'session-token-test-unknown-000000000000000000')
      for (const path of ['/admin', '/admin/strict']) {
        expect([401, 502, 503], path).toContain((await client.get(path)).status)
      }
    },
  },
  {
    id: 'A14.wrong-secret',
    category: 'A',
    title:
      'never admits a real session when the Stytch secret is wrong, and does not pretend an email was sent',
    expect: { statuses: [502, 503] },
    async run(ctx) {
      const real = await ctx.signIn()
      const app = ctx.buildApp({
        options: {
          stytch: {
            projectId: ctx.emulator.projectId,
            secret: 'secret-test-wrong-000000000000000000',
            baseUrl: ctx.emulator.url,
            timeoutMs: 1000,
          },
        },
      })
      const client = real.on(app)
      const strict = await client.get('/admin/strict')
      expect(strict.status).toBe(502)
      const send = await ctx
        .client({ app })
        .post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      expect(send.status).toBe(502)
    },
  },
  {
    id: 'A15',
    category: 'A',
    title:
      'ignores a member session pre-populated on the request by an earlier middleware: 401 without a credential',
    async run(ctx) {
      const forged = {
        memberSessionId: 'forged',
        memberId: MEMBER.admin,
        organizationId: ORG.acme,
        organizationSlug: 'acme',
        authenticationFactors: [
          { type: 'otp', deliveryMethod: 'sms', lastAuthenticatedAt: new Date() },
        ],
        roles: ['stytch_admin'],
        expiresAt: new Date(Date.now() + 3_600_000),
      }
      ctx.app.decorate = (req) => {
        Object.assign(req, {
          stytchMemberSession: forged,
          stytch: forged,
          user: forged,
          session: { stytchB2bMfa: { sessionToken: 'forged', sessionJwt: 'forged' } },
        })
      }
      for (const path of ['/admin', '/admin/strict', '/admin/role']) {
        expect((await ctx.client().get(path)).status, path).toBe(401)
      }
      ctx.app.decorate = undefined
    },
  },
  {
    id: 'A16',
    category: 'A',
    title:
      'answers 403 mfa_stale to an SMS factor 13 hours old on a maxAge route, and admits it where no maxAge is set (documented)',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = withCookies(ctx, { [SESSION_JWT]: ctx.jwt({ factorAgeSeconds: 13 * 3600 }) })
      const stale = await client.get('/admin/fresh')
      expectProblem(stale, 403, 'mfa_stale')
      expect(clears(stale, SESSION_JWT)).toBe(false)
      expect((await client.get('/admin')).status).toBe(200)
    },
  },
]
