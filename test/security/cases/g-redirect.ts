/** §2.7 Open redirects through returnTo (G1–G8). */
import { expect } from 'vitest'
import type { Browser } from '../harness/http.js'
import { unsafeLocation } from '../harness/invariants.js'
import { ADMIN } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import { PENDING, flipAt, smsCode } from './shared.js'

/** What must come of a payload: the default landing path, a local path, or a refused send. */
type Fate = 'default' | 'local' | 'exact' | 'refused'

interface Login {
  readonly sent: number
  readonly location: string | undefined
}

/** A browser signs in with `returnTo` (form posts, or JSON for non-string values). */
async function loginWithReturnTo(ctx: CaseContext, returnTo: unknown): Promise<Login> {
  const client: Browser = ctx.client({ browser: true })
  const asJson = typeof returnTo !== 'string'
  const body = { email: ADMIN.email, organization: 'acme', returnTo }
  const sent = await client.post('/auth/email/send', body, asJson ? {} : { form: true })
  if (sent.headers.location !== '/login/code')
    return { sent: sent.status, location: sent.headers.location }
  const code = ctx.emulator.lastCode(ADMIN.email)
  const mfa = await client.post('/auth/email/verify', { code }, { form: true })
  expect(mfa.headers.location).toBe('/mfa')
  const done = await client.post('/auth/sms/verify', { code: smsCode(ctx) }, { form: true })
  expect(done.status).toBe(303)
  return { sent: sent.status, location: done.headers.location }
}

function payloadCase(id: string, what: string, returnTo: unknown, fate: Fate): SecurityCase {
  const shown =
    typeof returnTo === 'string' && returnTo.length > 60
      ? `${returnTo.slice(0, 40)}…`
      : JSON.stringify(returnTo)
  const title =
    fate === 'default'
      ? `sends the browser to the default page, never off-site, for ${what} returnTo ${shown}`
      : fate === 'refused'
        ? `refuses the sign-in start (no 500, no hang) for ${what} returnTo ${shown}`
        : fate === 'exact'
          ? `keeps ${what} returnTo ${shown} exactly (a same-origin path)`
          : `keeps ${what} returnTo ${shown} only as a same-origin path`
  return {
    id,
    category: 'G',
    title,
    expect: { sessions: fate === 'refused' ? 0 : 1 },
    async run(ctx) {
      const login = await loginWithReturnTo(ctx, returnTo)
      const location = login.location ?? ''
      expect(unsafeLocation(location), location).toBeUndefined()
      switch (fate) {
        case 'default':
          expect(location).toBe('/')
          break
        case 'exact':
          expect(location).toBe(returnTo)
          break
        case 'local':
          expect(location).not.toMatch(/[<>"\r\n]/)
          break
        case 'refused':
          expect(location).toMatch(/^\/login\?error=(invalid_request|payload_too_large)/)
          break
      }
      return { redirectPayloads: 1 }
    },
  }
}

const G1: readonly (readonly [string, Fate])[] = [
  ['https://evil.com', 'default'],
  ['http://evil.com', 'default'],
  ['HTTPS://EVIL.COM', 'default'],
  ['https:evil.com', 'default'],
  ['http:/evil.com', 'default'],
  ['javascript:alert(1)', 'default'],
  ['JaVaScRiPt:alert(1)', 'default'],
  ['data:text/html,<script>alert(1)</script>', 'default'],
  ['vbscript:msgbox(1)', 'default'],
]

const G2: readonly (readonly [string, Fate])[] = [
  ['//evil.com', 'default'],
  ['///evil.com', 'default'],
  ['/\\evil.com', 'default'],
  ['\\\\evil.com', 'default'],
  ['/%2F%2Fevil.com', 'local'],
  ['/%5Cevil.com', 'local'],
  ['/\t/evil.com', 'default'],
  ['/\n/evil.com', 'default'],
  [' //evil.com', 'default'],
  ['／／evil.com', 'default'],
  ['/.//evil.com', 'default'],
  ['/%09/evil.com', 'local'],
]

const G3: readonly (readonly [string, Fate])[] = [
  ['https://admin.example.test@evil.com', 'default'],
  ['https://admin.example.test.evil.com', 'default'],
  ['https://evil.com#@admin.example.test', 'default'],
  ['https://evil.com\\@admin.example.test', 'default'],
  ['https://admin.example.test%2F@evil.com', 'default'],
  ['https://\u0430dmin.example.test', 'default'],
]

const G4: readonly (readonly [string, Fate])[] = [
  ['/ok%0d%0aSet-Cookie:%20x=y', 'local'],
  ['/ok\r\nLocation: https://evil.com', 'default'],
  ['/"><script>alert(1)</script>', 'local'],
]

const G5: readonly (readonly [string, unknown, Fate])[] = [
  ['a lone "%"', '%', 'default'],
  ['a broken escape', '%E0%A4%A', 'default'],
  ['an unclosed IPv6 host', 'http://[::1', 'default'],
  ['a 10 KB', `/${'a'.repeat(10 * 1024)}`, 'refused'],
  ['a 1 MB', `/${'a'.repeat(1024 * 1024)}`, 'refused'],
  ['a null', null, 'refused'],
  ['an array', ['/a', '/b'], 'refused'],
]

/** Paths a guard turns into `returnTo` for a browser (the catch-all / express-openid-connect pattern). */
const GUARD_PATHS = [
  '/admin?next=//evil.com',
  '/admin?next=https://evil.com',
  '/admin?url=%2F%2Fevil.com',
  '/admin?x=%0d%0aLocation:%20https://evil.com',
  '/admin?x=/\\evil.com',
  '/admin/?returnTo=https://evil.com',
  '/admin/fresh?next=javascript:alert(1)',
  '/admin/role?a=%E0%A4%A',
  '/admin/acme?#@evil.com',
  '/admin?%2F%2Fevil.com',
  '/admin?q=%22%3E%3Cscript%3E',
  '/admin?returnTo=%2F%2Fevil.com%2F',
  '/admin/strict?next=%5C%5Cevil.com',
  '/admin?redirect=data:text/html,x',
  '/admin?next=%09//evil.com',
  '/admin?u=https:evil.com',
  '/admin?u=http:/evil.com',
  '/admin?host=evil.com&next=//evil.com',
  '/admin?x=%C0%AF%C0%AFevil.com',
  '/ADMIN?next=//evil.com',
]

export const redirectCases: readonly SecurityCase[] = [
  ...G1.map(([payload, fate], index) =>
    payloadCase(`G1.${index + 1}`, 'an absolute or script-scheme', payload, fate),
  ),
  ...G2.map(([payload, fate], index) =>
    payloadCase(`G2.${index + 1}`, 'a slash-confusion', payload, fate),
  ),
  {
    id: 'G2.guard',
    category: 'G',
    title: `builds a same-origin returnTo from ${GUARD_PATHS.length} hostile guarded-route URLs when it sends a browser to log in`,
    async run(ctx) {
      const browser = ctx.client({ browser: true })
      for (const path of GUARD_PATHS) {
        const res = await browser.get(path)
        expect([303, 404], path).toContain(res.status)
        if (res.status !== 303) continue
        const location = res.headers.location ?? ''
        expect(unsafeLocation(location), location).toBeUndefined()
        const returnTo = new URL(location, 'https://admin.example.test').searchParams.get(
          'returnTo',
        )
        if (returnTo !== null) expect(unsafeLocation(returnTo), returnTo).toBeUndefined()
      }
      return { redirectPayloads: GUARD_PATHS.length }
    },
  },
  ...G3.map(([payload, fate], index) =>
    payloadCase(`G3.${index + 1}`, 'a userinfo or suffix', payload, fate),
  ),
  ...G4.map(([payload, fate], index) =>
    payloadCase(`G4.${index + 1}`, 'a header-injection or markup', payload, fate),
  ),
  ...G5.map(([what, payload, fate], index) => payloadCase(`G5.${index + 1}`, what, payload, fate)),
  payloadCase('G6', 'a path with query and fragment', '/admin/users?tab=2#x', 'exact'),
  payloadCase(
    'G7.1',
    'an internal gadget path (no prefix allow-list: documented)',
    '/logout?next=https://evil.com',
    'exact',
  ),
  payloadCase(
    'G7.2',
    'another internal gadget path',
    '/redirect?url=https%3A%2F%2Fevil.com',
    'exact',
  ),
  {
    id: 'G8',
    category: 'G',
    title: 'refuses the login when the returnTo sealed in the pending cookie was tampered with',
    async run(ctx) {
      const client = ctx.client({ browser: true })
      const sent = await client.post(
        '/auth/email/send',
        { email: ADMIN.email, organization: 'acme', returnTo: '/admin/users' },
        { form: true },
      )
      expect(sent.headers.location).toBe('/login/code')
      const value = client.jar.get(PENDING) ?? ''
      client.jar.set(PENDING, flipAt(value, Math.floor(value.length * 0.6)))
      const res = await client.post(
        '/auth/email/verify',
        { code: ctx.emulator.lastCode(ADMIN.email) },
        { form: true },
      )
      expect(res.status).toBe(303)
      expect(res.headers.location).toMatch(/^\/login/)
      return { redirectPayloads: 1 }
    },
  },
]
