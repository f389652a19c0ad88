/**
 * Tenant filters compare ids with ids (A20–A21): a slug is whatever an organization's admin
 * typed, so it can equal another organization's id.
 */
import { expect } from 'vitest'
import { createStytchMfa } from '../../../src/express/index.js'
import { ORG } from '../harness/seed.js'
import type { SecurityCase } from '../harness/types.js'
import { SECRET, SESSION_JWT, expectProblem, withCookies } from './shared.js'

const DELTA = 'organization-test-delta-0000000-0000-4000-8000-000000000004'

export const tenantCases: readonly SecurityCase[] = [
  {
    id: 'A20',
    category: 'A',
    title:
      "refuses on a route for organization X a Stytch-signed session of another organization whose slug is X's id",
    app: { guarded: [['/admin/acme-only', { organizations: [ORG.acme] }]] },
    expect: { admitted: 1 },
    async run(ctx) {
      const impostor = ctx.jwt({ organizationId: DELTA, slug: ORG.acme })
      const res = await withCookies(ctx, { [SESSION_JWT]: impostor }).get('/admin/acme-only')
      expectProblem(res, 403, 'forbidden')
      const member = ctx.jwt({ organizationId: ORG.acme, slug: 'acme' })
      expect(
        (await withCookies(ctx, { [SESSION_JWT]: member }).get('/admin/acme-only')).status,
      ).toBe(200)
    },
  },
  {
    id: 'A21',
    category: 'A',
    title: 'refuses at startup an organizations filter that names a slug instead of an id',
    run(ctx) {
      const mfa = createStytchMfa({
        stytch: {
          projectId: ctx.emulator.projectId,
          secret: ctx.emulator.secret,
          baseUrl: ctx.emulator.url,
        },
        cookieSecrets: [SECRET],
      })
      expect(() => mfa.requireMfa({ organizations: ['acme'] })).toThrow(
        /organizations\.0.*slugs go in organizationSlugs/,
      )
      return Promise.resolve(undefined)
    },
  },
]
