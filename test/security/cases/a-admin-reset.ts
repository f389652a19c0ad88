/**
 * An admin's reset of a member's factors stays inside the admin's organization (A34): Stytch
 * would delete a factor of any member of the project the secret can reach.
 */
import { expect } from 'vitest'
import { APP_PEER, ZETA } from '../harness/seed.js'
import type { SecurityCase } from '../harness/types.js'

export const adminResetCases: readonly SecurityCase[] = [
  {
    id: 'A34',
    category: 'A',
    title:
      "refuses an admin's reset of a member of another organization, leaving its authenticator app and sessions alone",
    async run(ctx) {
      const admin = await ctx.signIn()
      const res = await admin.post(`/admin/members/${APP_PEER.memberId}/reset-mfa`, {})
      expect(res.status).toBe(403)
      // The app is still there: its code is still shown (it throws for a member without one).
      expect(ctx.emulator.totpCode(APP_PEER.email, ZETA)).toMatch(/^\d{6}$/)
      expect(ctx.emulator.calls('/v1/b2b/sessions/revoke')).toBe(0)
      return undefined
    },
  },
]
