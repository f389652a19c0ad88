/**
 * §2.4 OTP verification for the second factors beyond SMS (D20–D27): authenticator-app codes
 * replayed, guessed or borrowed from another member or organization, recovery codes reused,
 * and a member without any factor in an organization that requires one.
 */
import { expect } from 'vitest'
import { wrongTotpCode } from '../../helpers/emulator-mfa.js'
import type { Browser, HttpResponse } from '../harness/http.js'
import { APP, APP_PEER, APP_RECOVERY_CODES, ETA, NO_FACTOR, ZETA } from '../harness/seed.js'
import type { CaseContext, SecurityCase } from '../harness/types.js'
import { expectGuardsRefuse, expectProblem } from './shared.js'

const APP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const IN_ZETA = { organization: ZETA } as const
const TOTP_AUTHENTICATE = '/v1/b2b/totp/authenticate'

function totp(client: Browser, code: string, extra: Record<string, string> = {}) {
  return client.post('/auth/totp/verify', { code, ...extra })
}

function recover(client: Browser, recoveryCode: string): Promise<HttpResponse> {
  return client.post('/auth/recovery/verify', { recoveryCode })
}

/** A code APP's app does not show now, nor one step before or after. */
function wrongAppCode(ctx: CaseContext): string {
  return wrongTotpCode(APP_SECRET, ctx.emulator.now())
}

async function wrongCodes(client: Browser, ctx: CaseContext, count: number): Promise<void> {
  for (let attempt = 0; attempt < count; attempt += 1) {
    expectProblem(await totp(client, wrongAppCode(ctx)), 401, 'otp_invalid')
  }
}

export const secondFactorCases: readonly SecurityCase[] = [
  {
    id: 'D20',
    category: 'D',
    title: 'refuses an authenticator code that already signed the member in, in a new login',
    async run(ctx) {
      const code = ctx.emulator.totpCode(APP.email, ZETA)
      const replay = await ctx.setup(async () => {
        const first = await ctx.emailStep(APP, IN_ZETA)
        expect((await totp(first, code)).status).toBe(200)
        return ctx.emailStep(APP, IN_ZETA)
      })
      expectProblem(await totp(replay, code), 401, 'otp_invalid')
      await expectGuardsRefuse((path) => replay.get(path))
      return undefined
    },
  },
  {
    id: 'D21',
    category: 'D',
    title:
      'burns a login after attemptsPerCode wrong authenticator codes: the right one is refused',
    async run(ctx) {
      const client = await ctx.emailStep(APP, IN_ZETA)
      await wrongCodes(client, ctx, 5)
      const right = await totp(client, ctx.emulator.totpCode(APP.email, ZETA))
      expectProblem(right, 429, 'otp_locked')
      await expectGuardsRefuse((path) => client.get(path))
      return undefined
    },
  },
  {
    id: 'D22',
    category: 'D',
    title:
      'counts authenticator and recovery codes against one budget: switching kinds buys nothing',
    async run(ctx) {
      const client = await ctx.emailStep(APP, IN_ZETA)
      await wrongCodes(client, ctx, 3)
      for (const guess of ['aaaa-bbbb-cccc', 'dddd-eeee-ffff']) {
        expectProblem(await recover(client, guess), 401, 'otp_invalid')
      }
      expectProblem(await recover(client, APP_RECOVERY_CODES[0]), 429, 'otp_locked')
      await expectGuardsRefuse((path) => client.get(path))
      return undefined
    },
  },
  {
    id: 'D23',
    category: 'D',
    title:
      'locks the member out after failuresPerMember wrong authenticator codes across logins, before Stytch hears the right one',
    app: { options: { limits: { failuresPerMember: 6 } } },
    async run(ctx) {
      await wrongCodes(await ctx.emailStep(APP, IN_ZETA), ctx, 5)
      const second = await ctx.emailStep(APP, IN_ZETA)
      await wrongCodes(second, ctx, 1)
      const asked = ctx.emulator.calls(TOTP_AUTHENTICATE)
      const right = await totp(second, ctx.emulator.totpCode(APP.email, ZETA))
      expectProblem(right, 429, 'otp_locked')
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0)
      expect(ctx.emulator.calls(TOTP_AUTHENTICATE)).toBe(asked)
      await expectGuardsRefuse((path) => second.get(path))
      return undefined
    },
  },
  {
    id: 'D24',
    category: 'D',
    title: 'refuses a recovery code that was already used to sign in',
    async run(ctx) {
      const [code] = APP_RECOVERY_CODES
      const again = await ctx.setup(async () => {
        const first = await ctx.emailStep(APP, IN_ZETA)
        expect((await recover(first, code)).status).toBe(200)
        return ctx.emailStep(APP, IN_ZETA)
      })
      expectProblem(await recover(again, code), 401, 'otp_invalid')
      await expectGuardsRefuse((path) => again.get(path))
      return undefined
    },
  },
  {
    id: 'D25',
    category: 'D',
    title: "refuses another member's authenticator code, whatever ids the body names",
    async run(ctx) {
      const client = await ctx.emailStep(APP, IN_ZETA)
      const res = await totp(client, ctx.emulator.totpCode(APP_PEER.email, ZETA), {
        memberId: APP_PEER.memberId,
        member_id: APP_PEER.memberId,
        organization: ZETA,
      })
      expectProblem(res, 401, 'otp_invalid')
      await expectGuardsRefuse((path) => client.get(path))
      return undefined
    },
  },
  {
    id: 'D26',
    category: 'D',
    title: "refuses the member's own authenticator code of another organization",
    async run(ctx) {
      const client = await ctx.emailStep(APP, IN_ZETA)
      expectProblem(await totp(client, ctx.emulator.totpCode(APP.email, ETA)), 401, 'otp_invalid')
      await expectGuardsRefuse((path) => client.get(path))
      return undefined
    },
  },
  {
    id: 'D27',
    category: 'D',
    title:
      'gives a member without a factor no session in an organization requiring MFA until one is confirmed',
    async run(ctx) {
      const client = await ctx.emailStep(NO_FACTOR, IN_ZETA)
      expectProblem(await totp(client, '123456'), 409, 'totp_not_enrolled')
      expectProblem(await recover(client, APP_RECOVERY_CODES[1]), 409, 'totp_not_enrolled')
      expectProblem(await client.post('/auth/sms/send', {}), 403, 'mfa_method_not_allowed')
      const created = await client.post('/auth/totp/enrol', {})
      expect(created.status).toBe(200)
      await expectGuardsRefuse((path) => client.get(path))
      return undefined
    },
  },
]
