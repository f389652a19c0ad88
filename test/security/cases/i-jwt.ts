/** §2.9 JWT, JWKS and clock behaviour (I1–I12), with tokens signed by the emulator's key. */
import { createHmac, createPublicKey, randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import type { Browser } from '../harness/http.js'
import type { JwtOptions } from '../harness/jwt.js'
import { jwtPayload } from '../harness/jwt.js'
import { ORG } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  SESSION_JWT,
  UPSTREAM,
  callsDuring,
  expectGuardsRefuse,
  pool,
  withCookies,
} from './shared.js'

const jwksPath = (ctx: CaseContext) => `/v1/b2b/sessions/jwks/${ctx.emulator.projectId}` as const

/** An app whose Stytch options differ (tolerance, clock). */
function appWith(
  ctx: CaseContext,
  stytch: Record<string, unknown>,
  options: Record<string, unknown> = {},
) {
  return ctx.buildApp({
    options: {
      stytch: {
        projectId: ctx.emulator.projectId,
        secret: ctx.emulator.secret,
        baseUrl: ctx.emulator.url,
        timeoutMs: 1000,
        ...stytch,
      },
      ...options,
    },
  })
}

/** The JWT alone (no session token to rescue it) on `path`: its status, and whether Stytch was asked. */
async function present(
  ctx: CaseContext,
  jwt: string,
  path = '/admin',
  client?: Browser,
): Promise<{ status: number; remote: number }> {
  let status = 0
  const remote = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
    const browser = client ?? withCookies(ctx, {})
    browser.jar.set(SESSION_JWT, jwt)
    status = (await browser.get(path)).status
  })
  return { status, remote }
}

function refusedJwt(
  id: string,
  title: string,
  make: (ctx: CaseContext) => string | Promise<string>,
): SecurityCase {
  return {
    id,
    category: 'I',
    title,
    async run(ctx) {
      const jwt = await make(ctx)
      await expectGuardsRefuse((path) => present(ctx, jwt, path))
    },
  }
}

/** Signs `header.payload` with HMAC-SHA256 keyed by the JWKS public key (the alg-confusion attack). */
async function hs256WithPublicKey(ctx: CaseContext, options: JwtOptions): Promise<string> {
  const res = await fetch(`${ctx.emulator.origin}${jwksPath(ctx)}`)
  const { keys } = (await res.json()) as {
    keys: { kid: string; n: string; e: string; kty: string }[]
  }
  const key = keys[0]
  if (key === undefined) throw new Error('the emulator lists no key')
  const pem = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  })
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${encode(jwtPayload(ctx.emulator, options))}`
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`
}

export const jwtCases: readonly SecurityCase[] = [
  {
    id: 'I0',
    category: 'I',
    title:
      'admits a well-formed JWT signed by the Stytch key, locally (positive control for the JWT cases)',
    expect: { admitted: 1 },
    async run(ctx) {
      expect(await present(ctx, ctx.jwt())).toMatchObject({ status: 200, remote: 0 })
    },
  },
  {
    id: 'I1.crafted',
    category: 'I',
    title: 'never accepts a JWT expired one second ago locally (tolerance 0): remote decides, 401',
    async run(ctx) {
      expect(await present(ctx, ctx.jwt({ iat: -301, nbf: -301, exp: -1 }))).toMatchObject({
        status: 401,
        remote: 1,
      })
    },
  },
  {
    id: 'I1.real',
    category: 'I',
    title:
      'sends an expired JWT of a live session to Stytch, which refreshes it (remote fallback admits)',
    expect: { admitted: 1, sessionCookies: 1 },
    async run(ctx) {
      const client = await ctx.signIn()
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      ctx.emulator.advanceClock(301)
      expect(await present(ctx, jwt)).toMatchObject({ status: 200, remote: 1 })
    },
  },
  {
    id: 'I2.within',
    category: 'I',
    title:
      'applies a configured 60 s tolerance to nbf only as documented, and never trusts a JWT past its exp locally (Stytch decides)',
    expect: { admitted: 1 },
    async run(ctx) {
      const app = appWith(ctx, { jwtClockToleranceSeconds: 60 })
      const skewed = ctx.jwt({ nbf: 30, iat: 30, exp: 330 })
      const tolerant = await present(ctx, skewed, '/admin', ctx.client({ app }))
      expect(tolerant).toEqual({ status: 200, remote: 0 })
      expect((await present(ctx, skewed)).status).toBe(401)
      const expired = ctx.jwt({ iat: -330, nbf: -330, exp: -30 })
      const late = await present(ctx, expired, '/admin', ctx.client({ app }))
      expect(late).toEqual({ status: 401, remote: 1 })
    },
  },
  {
    id: 'I2.beyond',
    category: 'I',
    title:
      'refuses a JWT expired 90 s ago with a 60 s tolerance, and refuses a tolerance over 60 s at startup',
    async run(ctx) {
      const app = appWith(ctx, { jwtClockToleranceSeconds: 60 })
      const { status } = await present(
        ctx,
        ctx.jwt({ iat: -390, nbf: -390, exp: -90 }),
        '/admin',
        ctx.client({ app }),
      )
      expect(status).toBe(401)
      expect(() => appWith(ctx, { jwtClockToleranceSeconds: 61 })).toThrow(
        /jwtClockToleranceSeconds/,
      )
    },
  },
  {
    id: 'I3.nbf',
    category: 'I',
    title:
      'never accepts a JWT whose nbf is 10 minutes ahead locally (issuer clock skew): remote decides, 401',
    async run(ctx) {
      expect(await present(ctx, ctx.jwt({ nbf: 600, iat: 600, exp: 900 }))).toMatchObject({
        status: 401,
        remote: 1,
      })
    },
  },
  {
    id: 'I3.iat',
    category: 'I',
    title:
      'trusts a JWT with a future iat but a valid nbf no longer than its exp (documented: Stytch sets nbf = iat, the nbf check catches skew)',
    expect: { admitted: 1 },
    async run(ctx) {
      const jwt = ctx.jwt({ iat: 600, nbf: 0, exp: 300 })
      expect((await present(ctx, jwt)).status).toBe(200)
      ctx.emulator.advanceClock(301)
      expect((await present(ctx, jwt)).status).toBe(401)
    },
  },
  {
    id: 'I4.reachable',
    category: 'I',
    title:
      'treats fresh JWTs as expired when the server clock runs 10 minutes ahead, and lets Stytch decide (admitted remotely)',
    expect: { admitted: 1, sessionCookies: [0, 1] },
    async run(ctx) {
      const client = await ctx.signIn()
      const app = ctx.buildApp({
        options: { now: () => new Date(ctx.emulator.now().getTime() + 600_000) },
      })
      expect(
        await present(ctx, client.jar.get(SESSION_JWT) ?? '', '/admin', ctx.client({ app })),
      ).toMatchObject({ status: 200, remote: 1 })
    },
  },
  {
    id: 'I4.down',
    category: 'I',
    title: 'answers 503, never 200, when the server clock runs ahead and Stytch is unreachable',
    async run(ctx) {
      const client = await ctx.signIn()
      const app = ctx.buildApp({
        options: { now: () => new Date(ctx.emulator.now().getTime() + 600_000) },
      })
      ctx.fault(UPSTREAM.sessionsAuthenticate, { kind: 'reset' })
      const { status } = await present(
        ctx,
        client.jar.get(SESSION_JWT) ?? '',
        '/admin',
        ctx.client({ app }),
      )
      expect(status).toBe(503)
    },
  },
  refusedJwt('I5.none', 'refuses alg "none" with an empty signature', (ctx) =>
    ctx.jwt({ header: { alg: 'none' }, key: 'none' }),
  ),
  refusedJwt(
    'I5.hs256',
    'refuses HS256 signed with the Stytch public key as the HMAC secret',
    (ctx) => hs256WithPublicKey(ctx, {}),
  ),
  refusedJwt('I5.rs512', 'refuses an RS512 header when only RS256 is allowed', (ctx) =>
    ctx.jwt({ header: { alg: 'RS512' } }),
  ),
  refusedJwt(
    'I6.jku',
    'ignores a jku header pointing at an attacker JWKS (the token is refused)',
    (ctx) => ctx.jwt({ header: { jku: 'https://evil.example/jwks.json' }, key: 'foreign' }),
  ),
  refusedJwt('I6.x5u', 'ignores an x5u header pointing at an attacker certificate', (ctx) =>
    ctx.jwt({ header: { x5u: 'https://evil.example/cert.pem' }, key: 'foreign' }),
  ),
  refusedJwt('I6.jwk', 'ignores an embedded jwk header', (ctx) =>
    ctx.jwt({ header: { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }, key: 'foreign' }),
  ),
  refusedJwt('I7.aud', "refuses another Stytch project's audience", (ctx) =>
    ctx.jwt({ claims: { aud: ['project-test-99999999-0000-4000-8000-000000000000'] } }),
  ),
  refusedJwt('I7.iss', 'refuses a wrong issuer', (ctx) =>
    ctx.jwt({ claims: { iss: 'stytch.com/another-project' } }),
  ),
  refusedJwt('I7.typ', 'refuses a typ other than JWT', (ctx) =>
    ctx.jwt({ header: { typ: 'at+jwt' } }),
  ),
  refusedJwt(
    'I7.consumer',
    "refuses a consumer-product JWT (another project's audience, no organization claim)",
    (ctx) =>
      ctx.jwt({
        claims: {
          aud: ['project-test-consumer-0000-4000-8000-000000000000'],
          'https://stytch.com/organization': undefined,
        },
      }),
  ),
  {
    id: 'I8',
    category: 'I',
    title: 'answers 403 to a valid JWT whose organization claim is not the one the route requires',
    async run(ctx) {
      expect((await present(ctx, ctx.jwt(), '/admin/other-org')).status).toBe(403)
      const beta = ctx.jwt({ organizationId: ORG.beta, slug: 'beta' })
      expect((await present(ctx, beta, '/admin/acme')).status).toBe(403)
    },
  },
  {
    id: 'I9',
    category: 'I',
    title:
      'refuses a token signed by a key the JWKS does not list, refetching the JWKS at most once (cooldown)',
    expect: { admitted: 1 },
    async run(ctx) {
      let fetches = 0
      fetches += await callsDuring(ctx, jwksPath(ctx), async () => {
        expect((await present(ctx, ctx.jwt())).status).toBe(200)
        expect(
          (await present(ctx, ctx.jwt({ header: { kid: 'jwk-test-rotated' }, key: 'foreign' })))
            .status,
        ).toBe(401)
      })
      expect(fetches).toBeLessThanOrEqual(2)
      return { measures: { 'JWKS fetches for a warm-up plus one unknown kid': fetches } }
    },
  },
  {
    id: 'I10',
    category: 'I',
    title:
      'refuses 1,000 tokens with random kids without JWKS fetch amplification, asking Stytch only within the client budget (60 a minute)',
    timeoutMs: 60_000,
    async run(ctx) {
      const tokens = Array.from({ length: 1000 }, () =>
        ctx.jwt({ header: { kid: `jwk-test-${randomUUID()}` } }),
      )
      let remote = 0
      const fetches = await callsDuring(ctx, jwksPath(ctx), async () => {
        remote = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
          const results = await pool(tokens, 25, (jwt) => present(ctx, jwt))
          const statuses = results.map((result) => result.status)
          expect(statuses.filter((status) => status === 401)).toHaveLength(60)
          expect(statuses.filter((status) => status === 429)).toHaveLength(tokens.length - 60)
        })
      })
      expect(remote).toBe(60)
      expect(fetches).toBeLessThanOrEqual(2)
      return {
        measures: {
          'JWKS fetches under 1,000 random-kid tokens': fetches,
          'remote checks for 1,000 random-kid tokens': remote,
        },
      }
    },
  },
  ...(
    [
      ['answers 500', { kind: 'status', status: 500 }, false, [503]],
      ['hangs', { kind: 'hang' }, true, [504]],
      ['returns {"keys":"x"}', { kind: 'respond', body: { keys: 'x' } }, false, [502, 503]],
      ['returns an HTML page', { kind: 'html', status: 502 }, false, [502, 503]],
    ] as const
  ).map(([what, fault, slow, statuses], index): SecurityCase => ({
    id: `I11.${index + 1}`,
    category: 'I',
    title: `fails closed (${statuses.join('/')}, never 200) when the JWKS endpoint ${what} with a cold cache`,
    concurrent: slow,
    async run(ctx) {
      ctx.fault(jwksPath(ctx), fault, 5)
      const { status } = await present(ctx, ctx.jwt())
      expect(statuses as readonly number[]).toContain(status)
    },
  })),
  {
    id: 'I11.warm',
    category: 'I',
    title: 'keeps verifying known kids from a warm JWKS cache while the JWKS endpoint is down',
    expect: { admitted: 2 },
    async run(ctx) {
      expect((await present(ctx, ctx.jwt())).status).toBe(200)
      ctx.fault(jwksPath(ctx), { kind: 'status', status: 500 }, 5)
      expect(
        await present(ctx, ctx.jwt({ sessionId: 'member-session-test-another-0000' })),
      ).toMatchObject({ status: 200, remote: 0 })
    },
  },
  {
    id: 'I12.no-second-factor',
    category: 'I',
    title: 'answers 403 to a validly signed JWT whose session claim has no second factor',
    async run(ctx) {
      const { status } = await present(ctx, ctx.jwt({ factors: ['email'] }))
      expect(status).toBe(403)
    },
  },
  {
    id: 'I12.factor-not-accepted',
    category: 'I',
    title:
      'answers 403 on a route that accepts only SMS to a JWT whose second factor is an authenticator app',
    expect: { admitted: 1 },
    async run(ctx) {
      const jwt = ctx.jwt({ factors: ['email', 'totp'] })
      expect((await present(ctx, jwt, '/admin/sms-only')).status).toBe(403)
      // The same JWT on a route that takes any second factor: admitted (the one admission).
      expect((await present(ctx, jwt)).status).toBe(200)
    },
  },
  {
    id: 'I13.grafted',
    category: 'I',
    title:
      'refuses the signature of a verified JWT grafted onto admin claims, though that JWT was just admitted',
    expect: { admitted: 1 },
    async run(ctx) {
      const member = ctx.jwt({
        roles: ['stytch_member'],
        sessionId: 'member-session-test-grafted-0',
      })
      expect((await present(ctx, member)).status).toBe(200)
      const admin = ctx.jwt({ roles: ['stytch_member', 'stytch_admin'] })
      const [header = '', payload = ''] = admin.split('.')
      const grafted = `${header}.${payload}.${member.split('.')[2] ?? ''}`
      expect((await present(ctx, grafted, '/admin/role')).status).toBe(401)
      expect((await present(ctx, grafted)).status).toBe(401)
    },
  },
  refusedJwt(
    'I12.resigned',
    'refuses a JWT whose claims were changed and re-signed with another key under the real kid',
    (ctx) => ctx.jwt({ roles: ['stytch_admin', 'super_admin'], key: 'foreign' }),
  ),
]
