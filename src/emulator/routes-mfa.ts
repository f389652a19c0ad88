/**
 * @module Every route of the second factors beyond SMS and of their administration: authenticator
 * apps, recovery codes, factor removal, the organization's MFA policy, member search, a member's
 * sessions, and the emulator-only TOTP look-ups.
 */
import type { EmulatorContext, Route } from './router.js'
import { totpControlRoutes } from './routes-emulator-totp.js'
import { memberMfaRoutes } from './routes-members-mfa.js'
import { memberSearchRoutes } from './routes-members-search.js'
import { organizationUpdateRoutes } from './routes-organization-update.js'
import { recoveryCodeRoutes } from './routes-recovery-codes.js'
import { sessionListRoutes } from './routes-sessions-list.js'
import { totpRoutes } from './routes-totps.js'

export function mfaRoutes(ctx: EmulatorContext): Route[] {
  return [
    ...totpRoutes(ctx),
    ...recoveryCodeRoutes(ctx),
    ...memberMfaRoutes(ctx),
    ...memberSearchRoutes(ctx),
    ...organizationUpdateRoutes(ctx),
    ...sessionListRoutes(ctx),
    ...totpControlRoutes(ctx),
  ]
}
