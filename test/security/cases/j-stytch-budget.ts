/**
 * Anonymous requests do not cost Stytch calls one for one (J17–J19): credentials that do not
 * verify locally reach Stytch only within a per-client budget, and once per refusal.
 */
import { expect } from 'vitest'
import type { SecurityCase } from '../harness/types.js'
import { SESSION, SESSION_JWT, UPSTREAM, callsDuring, withCookies } from './shared.js'

const BUDGET = 10
const TIGHT = { options: { limits: { unverifiedCallsPerIpPerMinute: BUDGET } } } as const

function junkToken(i: number): string {
  return `session-token-test-junk-${String(i).padStart(30, '0')}`
}

export const budgetCases: readonly SecurityCase[] = [
  {
    id: 'J17',
    category: 'J',
    title:
      'lets 100 made-up session tokens on a guarded route reach Stytch only up to the client budget, then answers 429',
    app: TIGHT,
    async run(ctx) {
      const statuses: number[] = []
      const calls = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
        for (let i = 0; i < 100; i += 1) {
          statuses.push((await withCookies(ctx, { [SESSION]: junkToken(i) }).get('/admin')).status)
        }
      })
      expect(calls).toBe(BUDGET)
      expect(statuses.filter((status) => status === 401)).toHaveLength(BUDGET)
      expect(statuses.filter((status) => status === 429)).toHaveLength(100 - BUDGET)
      return { measures: { 'Stytch calls for 100 made-up session tokens (budget 10)': calls } }
    },
  },
  {
    id: 'J18',
    category: 'J',
    title: 'asks Stytch once about a made-up session token presented 50 times',
    async run(ctx) {
      const calls = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
        for (let i = 0; i < 50; i += 1) {
          const res = await withCookies(ctx, { [SESSION]: junkToken(0) }).get('/admin')
          expect(res.status).toBe(401)
        }
      })
      expect(calls).toBe(1)
    },
  },
  {
    id: 'J19',
    category: 'J',
    title:
      'revokes nothing at Stytch for 100 anonymous logouts, and asks Stytch about their cookies only within the budget',
    app: TIGHT,
    async run(ctx) {
      let authenticates = 0
      const revokes = await callsDuring(ctx, UPSTREAM.sessionsRevoke, async () => {
        authenticates = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
          for (let i = 0; i < 100; i += 1) {
            const junk = withCookies(ctx, {
              [SESSION]: junkToken(i),
              [SESSION_JWT]: ctx.jwt({ key: 'foreign' }),
            })
            const out = await junk.post('/auth/logout')
            expect(out.status).toBe(200)
            expect(out.body).toEqual({ status: 'signed_out' })
          }
        })
      })
      expect(revokes).toBe(0)
      expect(authenticates).toBeLessThanOrEqual(BUDGET)
    },
  },
  {
    id: 'J20',
    category: 'J',
    title: "spends none of a member's budget on their own verified JWT",
    app: TIGHT,
    expect: { admitted: 30 },
    async run(ctx) {
      const client = await ctx.signIn()
      const calls = await callsDuring(ctx, UPSTREAM.sessionsAuthenticate, async () => {
        for (let i = 0; i < 30; i += 1) expect((await client.get('/admin')).status).toBe(200)
      })
      expect(calls).toBe(0)
    },
  },
]
