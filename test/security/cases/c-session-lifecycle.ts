/** §2.3 Session lifecycle: fixation, logout, expiry (C1–C10). */
import { expect } from 'vitest'
import type { Browser } from '../harness/http.js'
import { ADMIN, MEMBER, OTHER_ADMIN } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  PENDING,
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  callsDuring,
  clears,
  expectGuardsRefuse,
  revokedLater,
  smsCode,
  withCookies,
} from './shared.js'

/** Cookies of the framework's session middleware (connect.sid, koa.sess, koa.sess.sig). */
function frameworkCookies(client: Browser): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of client.jar.names()) {
    if (!name.includes('stytch')) found[name] = client.jar.get(name) ?? ''
  }
  return found
}

async function signInSteps(ctx: CaseContext, client: Browser): Promise<void> {
  expect(
    (await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })).status,
  ).toBe(200)
  expect(
    (await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) })).status,
  ).toBe(200)
  expect((await client.post('/auth/sms/verify', { code: smsCode(ctx) })).status).toBe(200)
}

/** Signs in, logs out, and returns the cookies the browser had before logout. */
async function loggedOut(ctx: CaseContext): Promise<{ token: string; jwt: string }> {
  const client = await ctx.signIn()
  const token = client.jar.get(SESSION) ?? ''
  const jwt = client.jar.get(SESSION_JWT) ?? ''
  const out = await client.post('/auth/logout')
  expect(out.status).toBe(200)
  return { token, jwt }
}

export const sessionCases: readonly SecurityCase[] = [
  {
    id: 'C1',
    category: 'C',
    title:
      "regenerates the server-side session at sign-in: a planted session cookie never becomes the victim's session",
    app: { storage: 'server' },
    expect: { sessions: 1, admitted: [1, 2] },
    async run(ctx) {
      const attacker = await ctx.signIn(OTHER_ADMIN)
      const planted = frameworkCookies(attacker)
      expect(Object.keys(planted).length).toBeGreaterThan(0)
      const victim = withCookies(ctx, planted)
      await signInSteps(ctx, victim)
      const after = frameworkCookies(victim)
      expect(after).not.toEqual(planted)
      expect((await victim.get('/admin')).body?.memberId).toBe(MEMBER.admin)
      const replay = await withCookies(ctx, planted).get('/admin')
      expect(replay.body?.memberId).not.toBe(MEMBER.admin)
    },
  },
  {
    id: 'C2',
    category: 'C',
    title:
      'creates no server-side session id during the email step, and nothing from step 1 opens a guarded route',
    app: { storage: 'server' },
    async run(ctx) {
      const client = ctx.client()
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      await client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) })
      expect(frameworkCookies(client)).toEqual({})
      expect(client.jar.get(PENDING)).toBeDefined()
      await expectGuardsRefuse((path) => client.get(path))
    },
  },
  {
    id: 'C3',
    category: 'C',
    title:
      'logs out with cleared cookies (same attributes), Clear-Site-Data and no-store, revokes once, and refuses the old cookies at once',
    async run(ctx) {
      const client = await ctx.signIn()
      const token = client.jar.get(SESSION) ?? ''
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      const before = ctx.emulator.calls(UPSTREAM.sessionsRevoke)
      const out = await client.post('/auth/logout')
      expect(out.status).toBe(200)
      expect(out.body?.status).toBe('signed_out')
      expect(ctx.emulator.calls(UPSTREAM.sessionsRevoke) - before).toBe(1)
      expect(out.headers['clear-site-data']).toBe('"cookies"')
      expect(out.headers['cache-control']).toContain('no-store')
      for (const name of [SESSION, SESSION_JWT, PENDING]) expect(clears(out, name), name).toBe(true)
      for (const header of out.setCookies) {
        expect(header).toMatch(/HttpOnly/)
        expect(header).toMatch(/Secure/)
        expect(header).toMatch(/Path=\//)
        expect(header).toMatch(/SameSite=(Lax|Strict)/)
      }
      const replay = withCookies(ctx, { [SESSION]: token, [SESSION_JWT]: jwt })
      for (const path of ['/admin', '/admin/strict', '/admin/role']) {
        expect((await replay.get(path)).status, path).toBe(401)
        replay.jar.set(SESSION, token)
        replay.jar.set(SESSION_JWT, jwt)
      }
    },
  },
  {
    id: 'C4.strict',
    category: 'C',
    title:
      'refuses the old session JWT on a route that checks with Stytch at once after logout (window 0 s)',
    async run(ctx) {
      const { jwt } = await loggedOut(ctx)
      const other = ctx.buildApp()
      const res = await withCookies(ctx, { [SESSION_JWT]: jwt })
        .on(other)
        .get('/admin/strict')
      expect(res.status).toBe(401)
      return { measures: { 'revocation window after logout, strict mode (s)': 0 } }
    },
  },
  {
    id: 'C4.same-instance',
    category: 'C',
    title:
      'refuses the old session JWT on the instance that logged out at once, in local-JWT mode too',
    async run(ctx) {
      const { jwt, token } = await loggedOut(ctx)
      const replays: Record<string, string>[] = [
        { [SESSION_JWT]: jwt },
        { [SESSION]: token, [SESSION_JWT]: jwt },
      ]
      for (const cookies of replays) {
        expect((await withCookies(ctx, cookies).get('/admin')).status).toBe(401)
      }
      return {
        measures: { 'revocation window after logout, local-JWT mode, same instance (s)': 0 },
      }
    },
  },
  {
    id: 'C4.other-instance',
    category: 'C',
    title:
      'lets another instance that verified the JWT locally admit it for at most the JWT lifetime (≤ 300 s), then refuses it',
    expect: { admitted: [1, 12] },
    async run(ctx) {
      const client = await ctx.signIn()
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      const other = ctx.buildApp()
      const elsewhere = withCookies(ctx, { [SESSION_JWT]: jwt }).on(other)
      expect((await elsewhere.get('/admin')).status).toBe(200)
      expect((await client.post('/auth/logout')).status).toBe(200)
      let window = 0
      for (let elapsed = 0; elapsed <= 330; elapsed += 30) {
        const res = await withCookies(ctx, { [SESSION_JWT]: jwt })
          .on(other)
          .get('/admin')
        if (res.status !== 200) break
        window = elapsed
        ctx.emulator.advanceClock(30)
      }
      expect(window).toBeLessThanOrEqual(300)
      return {
        measures: {
          'revocation window after logout, local-JWT mode, other instance (s, ≤)': window + 30,
        },
      }
    },
  },
  ...(
    [
      ['answers 500', { kind: 'status', status: 500 }, false],
      ['hangs past the deadline', { kind: 'hang' }, true],
    ] as const
  ).map(([what, fault, slow], index): SecurityCase => ({
    id: `C5.${index + 1}`,
    category: 'C',
    title: `signs out locally when Stytch ${what} at revoke, and refuses a replay of the cookies on this instance`,
    concurrent: slow,
    async run(ctx) {
      const client = await ctx.signIn()
      const token = client.jar.get(SESSION) ?? ''
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      ctx.fault(UPSTREAM.sessionsRevoke, fault)
      const out = await client.post('/auth/logout')
      expect(out.status).toBe(200)
      expect(out.ms).toBeLessThan(2500)
      for (const name of [SESSION, SESSION_JWT]) expect(clears(out, name)).toBe(true)
      const events = ctx.app.events.filter((event) => event.type === 'logout')
      expect(events.at(-1)).toMatchObject({ type: 'logout', revoked: false })
      const replay = withCookies(ctx, { [SESSION]: token, [SESSION_JWT]: jwt })
      for (const path of ['/admin', '/admin/strict']) {
        expect((await replay.get(path)).status).toBe(401)
        replay.jar.set(SESSION, token)
        replay.jar.set(SESSION_JWT, jwt)
      }
      await revokedLater(ctx)
    },
  })),
  {
    id: 'C6',
    category: 'C',
    title:
      'refuses a server-side session whose Stytch session expired, destroys it locally, and asks Stytch no more',
    app: { storage: 'server', options: { sessionDurationMinutes: 5 } },
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.emulator.advanceClock(5 * 60 + 1)
      expect((await client.get('/admin')).status).toBe(401)
      const calls = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
        expect((await client.get('/admin')).status).toBe(401)
      })
      expect(calls).toBe(0)
    },
  },
  {
    id: 'C7',
    category: 'C',
    title:
      'refuses a session left idle past its Stytch expiry (sessionDurationMinutes bounds it; there is no separate idle timeout)',
    app: { options: { sessionDurationMinutes: 5 } },
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.emulator.advanceClock(5 * 60 + 1)
      for (const path of ['/admin', '/admin/strict']) {
        const res = await client.get(path)
        expect(res.status).toBe(401)
      }
    },
  },
  {
    id: 'C8',
    category: 'C',
    title: 'refuses a session at its absolute expiry even with a request every minute until then',
    app: { options: { sessionDurationMinutes: 5 } },
    expect: { admitted: 5, sessionCookies: [0, 2] },
    async run(ctx) {
      const client = await ctx.signIn()
      for (let minute = 0; minute < 5; minute += 1) {
        expect((await client.get('/admin')).status, `minute ${minute}`).toBe(200)
        ctx.emulator.advanceClock(minute === 4 ? 61 : 60)
      }
      expect((await client.get('/admin')).status).toBe(401)
      expect((await client.get('/admin/strict')).status).toBe(401)
    },
  },
  {
    id: 'C9.query',
    category: 'C',
    title: 'ignores session credentials in the query string (session_token, session_jwt, sid)',
    async run(ctx) {
      const client = await ctx.signIn()
      const token = encodeURIComponent(client.jar.get(SESSION) ?? '')
      const jwt = encodeURIComponent(client.jar.get(SESSION_JWT) ?? '')
      for (const path of ['/admin', '/admin/strict']) {
        const res = await ctx
          .client()
          .get(
            `${path}?session_token=${token}&session_jwt=${jwt}&sid=${token}&stytch_session=${token}`,
          )
        expect(res.status).toBe(401)
      }
    },
  },
  {
    id: 'C9.body',
    category: 'C',
    title:
      'ignores session credentials in a body: a guarded POST and a logout without cookies revoke and admit nothing',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await ctx.signIn()
      const body = {
        session_token: client.jar.get(SESSION),
        session_jwt: client.jar.get(SESSION_JWT),
        [SESSION]: client.jar.get(SESSION),
      }
      expect((await ctx.client().post('/admin', body)).status).toBe(401)
      const calls = await callsDuring(ctx, UPSTREAM.sessionsRevoke, async () => {
        expect((await ctx.client().post('/auth/logout', body)).status).toBe(200)
      })
      expect(calls).toBe(0)
      expect((await client.get('/admin')).status).toBe(200)
    },
  },
  {
    id: 'C10.get',
    category: 'C',
    title: 'does not log out on GET /auth/logout (404/405), and the session stays valid',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await ctx.signIn()
      const calls = await callsDuring(ctx, UPSTREAM.sessionsRevoke, async () => {
        expect([404, 405]).toContain((await client.get('/auth/logout', { browser: true })).status)
      })
      expect(calls).toBe(0)
      expect((await client.get('/admin')).status).toBe(200)
    },
  },
  {
    id: 'C10.cross-site',
    category: 'C',
    title: 'refuses a cross-site POST to logout with 403, revoking nothing',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await ctx.signIn()
      const calls = await callsDuring(ctx, UPSTREAM.sessionsRevoke, async () => {
        const res = await client.post('/auth/logout', undefined, {
          headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        })
        expect(res.status).toBe(403)
        expect(res.setCookies).toEqual([])
      })
      expect(calls).toBe(0)
      expect((await client.get('/admin')).status).toBe(200)
    },
  },
]
