/**
 * Discovery login and organization switching (A35–A42): an organization is entered only when
 * Stytch listed it for the address or the session, a discovery login enters one organization
 * once, and a switch ends the session it leaves.
 */
import { expect } from 'vitest'
import type { Browser } from '../harness/http.js'
import { APP, ETA, ORG, ZETA } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import {
  PENDING,
  SESSION,
  SESSION_JWT,
  expectGuardsRefuse,
  expectProblem,
  wrongCode,
} from './shared.js'

const SEND = '/auth/discovery/send'
const VERIFY = '/auth/discovery/verify'
const SELECT = '/auth/discovery/select'
const SWITCH = '/auth/organizations/switch'
const EXCHANGE_IST = '/v1/b2b/discovery/intermediate_sessions/exchange'
const EXCHANGE_SESSION = '/v1/b2b/sessions/exchange'
const REVOKE = '/v1/b2b/sessions/revoke'

/** Organizations APP belongs to none of, by id and by slug. */
const NOT_APPS = [
  { organizationId: ORG.acme },
  { organizationSlug: 'acme' },
  { organizationId: ORG.gamma },
] as const

/** Setup: APP's discovery login up to the picker, which lists Zeta and Eta. */
function discovered(ctx: CaseContext, client: Browser = ctx.client()): Promise<Browser> {
  return ctx.setup(async () => {
    expect((await client.post(SEND, { email: APP.email })).status).toBe(200)
    const res = await client.post(VERIFY, { code: ctx.emulator.lastCode(APP.email) })
    expect(res.body?.status).toBe('organizations')
    return client
  })
}

/** Posts `body` to `path` and expects the second-factor step of the organization named. */
async function expectMfaStep(client: Browser, path: string, body: object): Promise<void> {
  const res = await client.post(path, body)
  expect(res.body?.status, res.text.slice(0, 200)).toBe('mfa_required')
}

/**
 * `client` enters Zeta; then each of `others` (made after that choice) naming Eta is refused with
 * `login_required`, and Stytch was asked for one exchange in all.
 */
async function expectOneChoice(
  ctx: CaseContext,
  client: Browser,
  others: readonly (() => Browser)[],
): Promise<void> {
  await expectMfaStep(client, SELECT, { organizationSlug: ZETA })
  for (const other of others) {
    expectProblem(await other().post(SELECT, { organizationSlug: ETA }), 401, 'login_required')
  }
  expect(ctx.emulator.calls(EXCHANGE_IST)).toBe(1)
}

/** Setup: APP signed in to Zeta by discovery login and its authenticator app. */
function inZeta(ctx: CaseContext): Promise<Browser> {
  return ctx.setup(async () => {
    const client = await discovered(ctx)
    await expectMfaStep(client, SELECT, { organizationSlug: ZETA })
    const code = ctx.emulator.totpCode(APP.email, ZETA)
    expect((await client.post('/auth/totp/verify', { code })).body?.status).toBe('signed_in')
    return client
  })
}

/** A JWT with `roles` written into its session claim, the signature left as it was. */
function withRoles(jwt: string, roles: readonly string[]): string {
  const [header = '', payload = '', signature = ''] = jwt.split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    Record<string, unknown>
  >
  const session = claims['https://stytch.com/session'] ?? {}
  claims['https://stytch.com/session'] = { ...session, roles }
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
}

/** One character of a sealed value changed, in the middle of its ciphertext. */
function edited(value: string): string {
  const at = Math.floor(value.length / 2)
  return `${value.slice(0, at)}${value[at] === 'A' ? 'B' : 'A'}${value.slice(at + 1)}`
}

export const discoveryCases: readonly SecurityCase[] = [
  {
    id: 'A35',
    category: 'A',
    title:
      'refuses at the organization picker an organization Stytch did not list for the address, by id or by slug, without an exchange',
    async run(ctx) {
      const client = await discovered(ctx)
      for (const body of NOT_APPS) {
        expectProblem(await client.post(SELECT, body), 403, 'organization_not_available')
      }
      expect(ctx.emulator.calls(EXCHANGE_IST)).toBe(0)
      expect(client.jar.get(SESSION)).toBeUndefined()
      // Nothing changed: an organization Stytch listed is still the member's to choose.
      await expectMfaStep(client, SELECT, { organizationSlug: ZETA })
      expect(ctx.emulator.calls(EXCHANGE_IST)).toBe(1)
      return undefined
    },
  },
  {
    id: 'A36',
    category: 'A',
    title:
      "refuses to enter a second organization with a discovery login's intermediate session: another choice after the first, or the login cookie from before it put back",
    async run(ctx) {
      const client = await discovered(ctx)
      const before = client.jar.get(PENDING) ?? ''
      await expectOneChoice(ctx, client, [
        () => client,
        () => {
          client.jar.set(PENDING, before)
          return client
        },
      ])
      return undefined
    },
  },
  {
    id: 'A36.shared',
    category: 'A',
    needs: 'redis',
    title:
      "refuses on a second instance sharing Redis a discovery login's cookie whose choice the first instance took",
    async run(ctx) {
      const redis = await ctx.redis()
      const [a, b] = [ctx.buildApp({ redis }), ctx.buildApp({ redis })]
      const client = await discovered(ctx, ctx.client({ app: a }))
      const copy = client.on(b)
      await expectOneChoice(ctx, client, [() => copy])
      return undefined
    },
  },
  {
    id: 'A37',
    category: 'A',
    title:
      'refuses a discovery login cookie with an organization added under another secret, or with a character changed, without an exchange',
    async run(ctx) {
      const client = await discovered(ctx)
      const real = client.jar.get(PENDING) ?? ''
      const opened = await ctx.openPending(real)
      expect(opened?.stage).toBe('discovery')
      const organizations = [
        ...((opened?.organizations as unknown[] | undefined) ?? []),
        { id: ORG.acme, slug: 'acme', membership: 'active', mfa: true, methods: ['sms'] },
      ]
      const forged = await ctx.sealPending(
        { ...opened, organizations },
        new Date(ctx.emulator.now().getTime() + 5 * 60_000),
        'another-secret-of-the-attacker-0123456789abcdef',
      )
      for (const [cookie, body] of [
        [forged, { organizationId: ORG.acme }],
        [edited(real), { organizationSlug: ZETA }],
      ] as const) {
        client.jar.set(PENDING, cookie)
        expectProblem(await client.post(SELECT, body), 401, 'login_required')
      }
      expect(ctx.emulator.calls(EXCHANGE_IST)).toBe(0)
      return undefined
    },
  },
  {
    id: 'A38',
    category: 'A',
    title:
      'grants no role from roles named in a switch body, nor from a session JWT whose roles were edited after the switch',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await inZeta(ctx)
      await expectMfaStep(client, SWITCH, {
        organizationSlug: ETA,
        roles: ['stytch_admin'],
        role: 'stytch_admin',
        member_authenticated: true,
      })
      await ctx.setup(async () => {
        const code = ctx.emulator.totpCode(APP.email, ETA)
        expect((await client.post('/auth/totp/verify', { code })).body?.status).toBe('signed_in')
      })
      expectProblem(await client.get('/admin/role'), 403, 'forbidden')
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      const forger = client.on(ctx.app)
      forger.jar.delete(SESSION)
      forger.jar.set(SESSION_JWT, withRoles(jwt, ['stytch_member', 'stytch_admin']))
      expectProblem(await forger.get('/admin/role'), 401, 'not_signed_in')
      // The session itself is fine: it passes where no role is asked.
      expect((await client.get('/admin')).status).toBe(200)
      return undefined
    },
  },
  {
    id: 'A39',
    category: 'A',
    title:
      "refuses a switch made with a copy of a signed-out session's cookies, without a Stytch call",
    async run(ctx) {
      const client = await inZeta(ctx)
      const copy = client.on(ctx.app)
      expect((await client.post('/auth/logout', {})).status).toBe(200)
      const calls = ctx.emulator.calls()
      expectProblem(await copy.post(SWITCH, { organizationSlug: ETA }), 401, 'not_signed_in')
      expect(ctx.emulator.calls() - calls).toBe(0)
      return undefined
    },
  },
  {
    id: 'A40',
    category: 'A',
    title:
      'refuses a switch to an organization Stytch does not list for the session, by id or by slug, without an exchange, and keeps the session',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await inZeta(ctx)
      for (const body of NOT_APPS) {
        expectProblem(await client.post(SWITCH, body), 403, 'organization_not_available')
      }
      expect(ctx.emulator.calls(EXCHANGE_SESSION)).toBe(0)
      expect(ctx.emulator.calls(REVOKE)).toBe(0)
      expect((await client.get('/admin')).status).toBe(200)
      return undefined
    },
  },
  {
    id: 'A41',
    category: 'A',
    title:
      'ends the session a switch leaves: its cookies are refused here at once and by Stytch on another instance',
    async run(ctx) {
      const client = await inZeta(ctx)
      const old = client.on(ctx.app)
      await expectMfaStep(client, SWITCH, { organizationSlug: ETA })
      await expectGuardsRefuse((path) => old.get(path))
      expect(ctx.emulator.calls(REVOKE)).toBe(1)
      const elsewhere = old.on(ctx.buildApp())
      expect((await elsewhere.get('/admin/strict')).status).toBe(401)
      return undefined
    },
  },
  {
    id: 'A42',
    category: 'A',
    title:
      "burns a discovery login's challenge after 5 wrong codes, as an organization's email step does: the right code is refused next",
    async run(ctx) {
      const client = ctx.client()
      await ctx.setup(() => client.post(SEND, { email: APP.email }))
      const right = ctx.emulator.lastCode(APP.email) ?? ''
      for (let n = 0; n < 5; n += 1) {
        expectProblem(await client.post(VERIFY, { code: wrongCode(right, n) }), 401, 'otp_invalid')
      }
      expectProblem(await client.post(VERIFY, { code: right }), 429, 'otp_locked')
      expectProblem(await client.post(SELECT, { organizationSlug: ZETA }), 401, 'login_required')
      expect(ctx.emulator.calls(EXCHANGE_IST)).toBe(0)
      return undefined
    },
  },
]
