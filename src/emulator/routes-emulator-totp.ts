/**
 * @module Emulator-only routes (no auth) that let a test act as a member's authenticator app:
 * `GET /__emulator/totp` and `GET /__emulator/recovery_codes`.
 */
import { EmulatorApiError, badRequest } from './errors.js'
import type { EmulatorContext, Route, RouteRequest } from './router.js'
import { currentTotpCode, memberFor, unusedRecoveryCodes } from './totp-peek.js'

/** `?member_id=` or `?email_address=` (with `&organization_id=` when it is ambiguous). */
function memberFrom({ state }: EmulatorContext, { query }: RouteRequest) {
  const member = query.get('member_id') ?? query.get('email_address') ?? ''
  const organization = query.get('organization_id') ?? undefined
  return withMessage(() => memberFor(state, member, organization))
}

export function totpControlRoutes(ctx: EmulatorContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/__emulator/totp',
      access: 'control',
      handle: (request) => {
        const member = memberFrom(ctx, request)
        return {
          member_id: member.member_id,
          code: withMessage(() => currentTotpCode(ctx.state, member)),
        }
      },
    },
    {
      method: 'GET',
      path: '/__emulator/recovery_codes',
      access: 'control',
      handle: (request) => {
        const member = memberFrom(ctx, request)
        return {
          member_id: member.member_id,
          recovery_codes: withMessage(() => unusedRecoveryCodes(ctx.state, member)),
        }
      },
    },
  ]
}

/** Runs a look-up, turning its plain error into a 400 the caller can read. */
function withMessage<T>(lookUp: () => T): T {
  try {
    return lookUp()
  } catch (error) {
    if (error instanceof EmulatorApiError) throw error
    throw badRequest('bad_request', `((${error instanceof Error ? error.message : 'failed'}))`)
  }
}
