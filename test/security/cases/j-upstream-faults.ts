/**
 * §2.10 Upstream faults: each fault applied to each Stytch call the library makes
 * (email-authenticate, sms/send, sms/authenticate, sessions/authenticate behind the strict guard,
 * sessions/revoke at logout), plus the shape, identity, outage and load faults (J6–J16).
 */
import { expect } from 'vitest'
import type { Fault } from '../../../src/emulator/index.js'
import type { Browser, HttpResponse } from '../harness/http.js'
import { ADMIN, MEMBER, ORG } from '../harness/seed.js'
import { DEADLINE_MS, DEADLINE_SLACK_MS } from '../harness/summary.js'
import type { AppSpec } from '../../helpers/apps.js'
import { passEmailStep, passSmsStep } from '../../helpers/sign-in.js'
import type { CaseContext, CaseOutcome, SecurityCase, UpstreamPath } from '../harness/types.js'
import {
  GENEROUS_LIMITS,
  NO_COOLDOWN,
  PENDING,
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  clears,
  expectAnswers,
  grantBody,
  pool,
  revokedLater,
  smsCode,
  stytchErrorFault,
  touchesPending,
  touchesSession,
  wrongCode,
} from './shared.js'

type EndpointName =
  | 'email-authenticate'
  | 'sms-send'
  | 'sms-authenticate'
  | 'sessions-authenticate'
  | 'sessions-revoke'

interface Endpoint {
  readonly name: EndpointName
  readonly path: UpstreamPath
  readonly app?: AppSpec
  /** Brings a client to the point where the next request calls this endpoint. */
  prepare(ctx: CaseContext): Promise<Browser>
  act(ctx: CaseContext, client: Browser): Promise<HttpResponse>
  /** What a failure must do to the cookies, as a verb phrase. */
  readonly keeps: string
  checkCookies(res: HttpResponse, client: Browser): void
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'email-authenticate',
    path: UPSTREAM.emailAuthenticate,
    prepare: (ctx) =>
      ctx.setup(async () => {
        const client = ctx.client()
        await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
        return client
      }),
    act: (ctx, client) =>
      client.post('/auth/email/verify', { code: ctx.emulator.lastCode(ADMIN.email) }),
    keeps: 'keeps the email step',
    checkCookies(res, client) {
      expect(touchesPending(res)).toBe(false)
      expect(client.jar.get(PENDING)).toBeDefined()
    },
  },
  {
    name: 'sms-send',
    path: UPSTREAM.smsSend,
    app: NO_COOLDOWN,
    prepare: (ctx) => ctx.emailStep(),
    act: (_ctx, client) => client.post('/auth/sms/send'),
    keeps: 'keeps the IST',
    checkCookies(res, client) {
      expect(touchesPending(res)).toBe(false)
      expect(client.jar.get(PENDING)).toBeDefined()
    },
  },
  {
    name: 'sms-authenticate',
    path: UPSTREAM.smsAuthenticate,
    prepare: (ctx) => ctx.emailStep(),
    act: (ctx, client) => client.post('/auth/sms/verify', { code: smsCode(ctx) }),
    keeps: 'keeps the IST',
    checkCookies(res, client) {
      expect(touchesPending(res)).toBe(false)
      expect(touchesSession(res)).toBe(false)
      expect(client.jar.get(PENDING)).toBeDefined()
    },
  },
  {
    name: 'sessions-authenticate',
    path: UPSTREAM.sessionsAuthenticate,
    prepare: (ctx) => ctx.signIn(),
    act: (_ctx, client) => client.get('/admin/strict'),
    keeps: 'keeps the session',
    checkCookies(res, client) {
      expect(touchesSession(res)).toBe(false)
      expect(client.jar.get(SESSION)).toBeDefined()
    },
  },
  {
    name: 'sessions-revoke',
    path: UPSTREAM.sessionsRevoke,
    prepare: (ctx) => ctx.signIn(),
    act: (_ctx, client) => client.post('/auth/logout'),
    keeps: 'signs out locally',
    checkCookies(res) {
      expect(clears(res, SESSION)).toBe(true)
      expect(clears(res, SESSION_JWT)).toBe(true)
    },
  },
]

interface FaultSpec {
  readonly id: string
  readonly label: string
  readonly fault: (ctx: CaseContext, client: Browser) => Fault
  /** Statuses the client may get (logout always answers 200). */
  readonly statuses: readonly number[]
  readonly slow?: boolean
  readonly endpoints?: readonly EndpointName[]
}

const BIG = 'x'.repeat(8 * 1024 * 1024)

const MATRIX: readonly FaultSpec[] = [
  {
    id: 'J1',
    label: 'J1 no response',
    fault: () => ({ kind: 'hang' }),
    statuses: [504],
    slow: true,
  },
  {
    id: 'J2',
    label: 'J2 body stalls',
    fault: () => ({ kind: 'stall-body' }),
    statuses: [504],
    slow: true,
  },
  {
    id: 'J3.500',
    label: 'J3 500 JSON',
    fault: () => ({ kind: 'status', status: 500 }),
    statuses: [503],
  },
  {
    id: 'J3.503',
    label: 'J3 503 JSON',
    fault: () => ({ kind: 'status', status: 503 }),
    statuses: [503],
  },
  { id: 'J4', label: 'J4 502 HTML', fault: () => ({ kind: 'html', status: 502 }), statuses: [502] },
  {
    id: 'J5',
    label: 'J5 200 malformed JSON',
    fault: () => ({ kind: 'malformed' }),
    statuses: [502],
  },
  { id: 'J9', label: 'J9 429', fault: () => ({ kind: 'status', status: 429 }), statuses: [429] },
  { id: 'J10', label: 'J10 connection reset', fault: () => ({ kind: 'reset' }), statuses: [503] },
  {
    id: 'J11',
    label: 'J11 8 MB 2xx body',
    fault: () => ({ kind: 'respond', body: { padding: BIG } }),
    statuses: [502, 503],
  },
  {
    id: 'J6.unauthenticated',
    label: 'J6 member_authenticated false',
    fault: () => ({
      kind: 'respond',
      body: {
        status_code: 200,
        request_id: 'request-id-test-j6',
        member_id: MEMBER.admin,
        member_authenticated: false,
        intermediate_session_token: '',
        session_token: '',
        session_jwt: '',
        member_session: null,
      },
    }),
    statuses: [401, 502],
    endpoints: ['email-authenticate', 'sms-authenticate', 'sessions-authenticate'],
  },
  {
    id: 'J6.no-token',
    label: 'J6 no session_token',
    fault: (ctx) => {
      const body = grantBody(ctx.emulator.now())
      Reflect.deleteProperty(body, 'session_token')
      return { kind: 'respond', body }
    },
    statuses: [502],
    endpoints: ['sms-authenticate', 'sessions-authenticate'],
  },
  {
    id: 'J6.null-session',
    label: 'J6 member_session null',
    fault: (ctx) => ({
      kind: 'respond',
      body: { ...grantBody(ctx.emulator.now()), member_session: null },
    }),
    statuses: [502],
    endpoints: ['sms-authenticate', 'sessions-authenticate'],
  },
  {
    id: 'J6.empty',
    label: 'J6 empty object',
    fault: () => ({ kind: 'respond', body: {} }),
    statuses: [502],
    endpoints: ['sms-send', 'sessions-revoke'],
  },
]

function faultCase(spec: FaultSpec, endpoint: Endpoint): SecurityCase {
  const logout = endpoint.name === 'sessions-revoke'
  const statuses = logout ? [200] : spec.statuses
  return {
    id: `${spec.id}.${endpoint.name}`,
    category: 'J',
    title: `answers ${statuses.join('/')} within the deadline when ${endpoint.name} meets "${spec.label.slice(spec.label.indexOf(' ') + 1)}", calls it once, and ${endpoint.keeps}`,
    ...(endpoint.app === undefined ? {} : { app: endpoint.app }),
    concurrent: spec.slow === true,
    async run(ctx): Promise<CaseOutcome> {
      const client = await endpoint.prepare(ctx)
      const before = ctx.emulator.calls(endpoint.path)
      ctx.fault(endpoint.path, spec.fault(ctx, client))
      const res = await endpoint.act(ctx, client)
      expect(statuses, res.text.slice(0, 200)).toContain(res.status)
      expect(res.ms).toBeLessThanOrEqual(DEADLINE_MS + DEADLINE_SLACK_MS)
      expect(ctx.emulator.calls(endpoint.path) - before).toBe(1)
      endpoint.checkCookies(res, client)
      // L3: nothing of Stytch's answer reaches the client.
      expect(res.text).not.toMatch(/Injected fault|request-id|request_id|\n\s+at |<html/i)
      if (res.status === 429) expect(res.headers['retry-after']).toMatch(/^\d+$/)
      // A revoke Stytch failed is tried again: let the retry land in this case, not the next.
      if (logout && ctx.app.events.some((event) => event.type === 'logout' && !event.revoked)) {
        await revokedLater(ctx)
      }
      return {
        faults: [
          {
            fault: spec.label,
            endpoint: endpoint.name,
            status: res.status,
            latencyMs: res.ms,
            cookies: endpoint.keeps,
          },
        ],
      }
    },
  }
}

const matrixCases = MATRIX.flatMap((spec) =>
  ENDPOINTS.filter((endpoint) => spec.endpoints?.includes(endpoint.name) ?? true).map((endpoint) =>
    faultCase(spec, endpoint),
  ),
)

/** sms/authenticate successes the SMS step must refuse: each is a session it did not ask for. */
const FORGED_GRANTS: readonly {
  readonly id: string
  readonly title: string
  readonly grant: Parameters<typeof grantBody>[1]
}[] = [
  {
    id: 'J7.member',
    title:
      'refuses an sms/authenticate success for another member than the IST-bound one (502, no session)',
    grant: { memberId: MEMBER.otherAdmin },
  },
  {
    id: 'J7.organization',
    title:
      'refuses an sms/authenticate success for another organization than the IST-bound one (502, no session)',
    grant: { organizationId: ORG.beta },
  },
  {
    id: 'J8.sms-authenticate',
    title:
      'refuses an sms/authenticate success whose session lacks the SMS factor (502, nothing stored)',
    grant: { factors: ['email'] },
  },
]

const forgedGrantCases = FORGED_GRANTS.map(({ id, title, grant }): SecurityCase => ({
  id,
  category: 'J',
  title,
  async run(ctx) {
    const client = await ctx.emailStep()
    ctx.fault(UPSTREAM.smsAuthenticate, {
      kind: 'respond',
      body: grantBody(ctx.emulator.now(), grant),
    })
    const res = await client.post('/auth/sms/verify', { code: smsCode(ctx) })
    expect(res.status).toBe(502)
    expect(touchesSession(res)).toBe(false)
    return undefined
  },
}))

export const faultCases: readonly SecurityCase[] = [
  ...matrixCases,
  ...forgedGrantCases,
  {
    id: 'J8.sessions-authenticate',
    category: 'J',
    title:
      'answers 403 mfa_required when Stytch says the session has no SMS factor (the guard does not admit)',
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.fault(UPSTREAM.sessionsAuthenticate, {
        kind: 'respond',
        body: grantBody(ctx.emulator.now(), {
          factors: ['email'],
          sessionToken: client.jar.get(SESSION) ?? '',
          sessionJwt: client.jar.get(SESSION_JWT) ?? '',
        }),
      })
      await expectAnswers(client, ['/admin/strict'], 403, 'mfa_required')
    },
  },
  {
    id: 'J9.budget',
    category: 'J',
    title:
      "does not count Stytch's 429 on sms/authenticate as a wrong code: five wrong codes are still judged after it",
    async run(ctx) {
      const client = await ctx.emailStep()
      ctx.fault(UPSTREAM.smsAuthenticate, { kind: 'status', status: 429 })
      expect((await client.post('/auth/sms/verify', { code: smsCode(ctx) })).status).toBe(429)
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect(
          (await client.post('/auth/sms/verify', { code: wrongCode(smsCode(ctx), attempt) }))
            .status,
        ).toBe(401)
      }
      expect((await client.post('/auth/sms/verify', { code: smsCode(ctx) })).status).toBe(429)
    },
  },
  {
    id: 'J12',
    category: 'J',
    title:
      'answers 503 without signing the member out when Stytch is down during the guard, and admits once it is back',
    // The check with Stytch after recovery may hand back a newer JWT, written back (same session).
    expect: { admitted: 1, sessionCookies: [0, 1] },
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.fault(UPSTREAM.sessionsAuthenticate, { kind: 'reset' })
      const down = await client.get('/admin/strict')
      expect(down.status).toBe(503)
      expect(touchesSession(down)).toBe(false)
      expect((await client.get('/admin/strict')).status).toBe(200)
    },
  },
  {
    id: 'J13',
    category: 'J',
    title:
      'answers 401 and clears the session cookies when Stytch says session_not_found during the guard',
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.fault(
        UPSTREAM.sessionsAuthenticate,
        stytchErrorFault(404, 'session_not_found', 'Session not found.', 'request-id-test-j13'),
      )
      const res = await client.get('/admin/strict')
      expect(res.status).toBe(401)
      expect(clears(res, SESSION)).toBe(true)
      expect(clears(res, SESSION_JWT)).toBe(true)
    },
  },
  {
    id: 'J14',
    category: 'J',
    title:
      'times out 200 concurrent sign-in starts cleanly within the deadline when Stytch takes 2 s, without unhandled rejections',
    app: GENEROUS_LIMITS,
    concurrent: true,
    timeoutMs: 30_000,
    async run(ctx) {
      ctx.fault(UPSTREAM.emailSend, { kind: 'delay', ms: 2000 }, 200)
      const results = await pool(
        Array.from({ length: 200 }, (_, n) => n),
        200,
        (n) =>
          ctx
            .client()
            .post(
              '/auth/email/send',
              { email: `load${n}@acme.test`, organization: 'acme' },
              { headers: { 'x-forwarded-for': `198.51.100.${(n % 250) + 1}` } },
            ),
      )
      const latency = Math.max(...results.map((res) => res.ms))
      for (const res of results) expect(res.status).toBe(504)
      expect(latency).toBeLessThanOrEqual(DEADLINE_MS + DEADLINE_SLACK_MS)
      return {
        faults: [
          {
            fault: 'J14 2 s latency x200',
            endpoint: 'email-send',
            status: 504,
            latencyMs: latency,
            cookies: 'none set',
          },
        ],
      }
    },
  },
  {
    id: 'J15',
    category: 'J',
    title:
      'creates no session from failed calls while Stytch fails every other call, and serves normally once it recovers',
    // Successful checks with Stytch may hand back newer JWTs, written back (same session).
    expect: { admitted: 10, sessions: 1, sessionCookies: [1, 11] },
    async run(ctx) {
      const client = await ctx.signIn()
      const statuses: number[] = []
      for (let round = 0; round < 20; round += 1) {
        if (round % 2 === 0)
          ctx.fault(UPSTREAM.sessionsAuthenticate, { kind: 'status', status: 503 })
        statuses.push((await client.get('/admin/strict')).status)
      }
      expect(statuses.filter((status) => status === 503)).toHaveLength(10)
      expect(statuses.filter((status) => status === 200)).toHaveLength(10)
      // Outside setup: this sign-in is what the case checks.
      const fresh = ctx.client()
      await passEmailStep(fresh, ctx.emulator)
      await passSmsStep(fresh, ctx.emulator)
    },
  },
  {
    id: 'J16',
    category: 'J',
    title: 'logs out locally and reports revoked: false when sessions/revoke answers 503',
    async run(ctx) {
      const client = await ctx.signIn()
      ctx.fault(UPSTREAM.sessionsRevoke, { kind: 'status', status: 503 })
      const res = await client.post('/auth/logout')
      expect(res.status).toBe(200)
      expect(clears(res, SESSION)).toBe(true)
      expect(ctx.app.events.filter((event) => event.type === 'logout').at(-1)).toMatchObject({
        revoked: false,
      })
      await revokedLater(ctx)
    },
  },
]
