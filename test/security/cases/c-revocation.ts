/**
 * Revocation as promised (docs/security.md): a sign-out is about the session, not the bytes that
 * carried it; a revoke Stytch failed still holds; nobody can flush the list (C11–C14).
 */
import { expect } from 'vitest'
import type { SecurityCase } from '../harness/types.js'
import {
  SESSION,
  SESSION_JWT,
  UPSTREAM,
  callsDuring,
  clears,
  expectGuardsRefuse,
  respellings,
  withCookies,
} from './shared.js'

export const revocationCases: readonly SecurityCase[] = [
  {
    id: 'C11',
    category: 'C',
    title:
      'refuses after logout every re-spelling of the session JWT (stray bits, padding), alone or with the token, on the same instance',
    async run(ctx) {
      const client = await ctx.signIn()
      const token = client.jar.get(SESSION) ?? ''
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      expect((await client.post('/auth/logout')).status).toBe(200)
      for (const variant of respellings(jwt)) {
        const replays: Record<string, string>[] = [
          { [SESSION_JWT]: variant },
          { [SESSION]: token, [SESSION_JWT]: variant },
        ]
        for (const cookies of replays) {
          await expectGuardsRefuse((path) => withCookies(ctx, cookies).get(path))
        }
      }
    },
  },
  {
    id: 'C12',
    category: 'C',
    title:
      'refuses a re-spelled JWT of a live session without asking Stytch, and still admits the session itself',
    expect: { admitted: 1 },
    async run(ctx) {
      const client = await ctx.signIn()
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      const calls = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
        for (const variant of respellings(jwt)) {
          expect((await withCookies(ctx, { [SESSION_JWT]: variant }).get('/admin')).status).toBe(
            401,
          )
        }
      })
      expect(calls).toBe(0)
      expect((await withCookies(ctx, { [SESSION_JWT]: jwt }).get('/admin')).status).toBe(200)
    },
  },
  {
    id: 'C13',
    category: 'C',
    title:
      'says honestly when Stytch failed the revoke, keeps refusing the session, and revokes it at Stytch once Stytch is back',
    expect: { upstreamFault: true },
    concurrent: true,
    timeoutMs: 20_000,
    async run(ctx) {
      const client = await ctx.signIn()
      const token = client.jar.get(SESSION) ?? ''
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      ctx.fault(UPSTREAM.sessionsRevoke, { kind: 'status', status: 503 }, 1)
      const out = await client.post('/auth/logout')
      expect(out.status).toBe(200)
      expect(out.body).toEqual({ status: 'signed_out', revoked: false })
      for (const name of [SESSION, SESSION_JWT]) expect(clears(out, name)).toBe(true)
      expect(ctx.app.events.filter((e) => e.type === 'logout').at(-1)).toMatchObject({
        revoked: false,
        signedIn: true,
      })
      // Refused here at once, whatever Stytch says.
      const replay = { [SESSION]: token, [SESSION_JWT]: jwt }
      expect((await withCookies(ctx, replay).get('/admin')).status).toBe(401)
      // The revoke is tried again until Stytch confirms.
      await expect
        .poll(() => ctx.app.events.some((e) => e.type === 'session_revoked'), { timeout: 10_000 })
        .toBe(true)
      // Another instance, once the JWT expired, asks Stytch: the session is gone there too.
      ctx.emulator.advanceClock(301)
      const other = ctx.buildApp()
      expect((await withCookies(ctx, replay).on(other).get('/admin')).status).toBe(401)
    },
  },
  {
    id: 'C14',
    category: 'C',
    title:
      'records nothing and calls no Stytch revoke for anonymous logouts with made-up cookies, so a flood cannot evict a real sign-out',
    timeoutMs: 60_000,
    async run(ctx) {
      const client = await ctx.signIn()
      const jwt = client.jar.get(SESSION_JWT) ?? ''
      expect((await client.post('/auth/logout')).status).toBe(200)
      const revokes = await callsDuring(ctx, UPSTREAM.sessionsRevoke, async () => {
        for (let i = 0; i < 300; i += 1) {
          const junk = withCookies(ctx, {
            [SESSION]: `session-token-test-junk-${String(i).padStart(30, '0')}`,
            [SESSION_JWT]: ctx.jwt({ key: 'foreign' }),
          })
          expect((await junk.post('/auth/logout')).status).toBe(200)
        }
      })
      expect(revokes).toBe(0)
      expect((await withCookies(ctx, { [SESSION_JWT]: jwt }).get('/admin')).status).toBe(401)
      const signedOut = ctx.app.events.filter((e) => e.type === 'logout' && e.signedIn)
      expect(signedOut).toHaveLength(1)
    },
  },
]
