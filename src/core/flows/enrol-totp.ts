/**
 * @module Enrolment of an authenticator app: Stytch creates the registration (secret, QR code,
 * recovery codes) for the member of the sealed login, or for a signed-in member whose session
 * carries a second factor. What the first code needs to confirm it is sealed in the login
 * cookie; the recovery codes wait there, sealed, to be shown once at that confirmation.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import type { HandlerConfig } from '../options.js'
import {
  pendingLoginCookie,
  readPendingLogin,
  type PendingLogin,
  type TotpEnrolment,
} from '../pending-login.js'
import type { AuthRequest } from '../ports/framework.js'
import type { MfaTarget } from './mfa-target.js'
import { resolveMfaTarget } from './mfa-target.js'

/** How long Stytch keeps an unconfirmed registration: a login in progress lives no longer. */
const ENROLMENT_MINUTES = 10

/**
 * The enrolment the first code would confirm: the login's, or for step-up the one sealed for
 * this very session (another session's, or a member's who signed out since, is not it).
 */
export async function sealedEnrolment(
  engine: Engine,
  req: AuthRequest,
  target: MfaTarget,
): Promise<TotpEnrolment | undefined> {
  if (target.via === 'login') return target.pending.totpEnrolment
  const pending = await readPendingLogin(req, engine)
  if (pending.state !== 'present' || pending.login.stage !== 'totp_enrolment') return undefined
  const { login } = pending
  return login.memberSessionId === target.session.memberSessionId ? login.totpEnrolment : undefined
}

export function enrolTotpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, sealer, now } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: z.object({}) },
      async ({ reply, redirect, secure }) => {
        const target = await resolveMfaTarget(engine, req, 'totp')
        if (target.via === 'login') {
          // Stytch wants a session carrying the factor to add another: an IST is not enough.
          if (target.pending.hasTotp === true) throw new MfaError('totp_already_enrolled')
        }
        const registration = await port.createTotp({
          organizationId: target.organizationId,
          memberId: target.memberId,
          credential: target.credential,
          expirationMinutes: ENROLMENT_MINUTES,
        })
        const enrolment: TotpEnrolment = {
          registrationId: registration.totpRegistrationId,
          secret: registration.secret,
          recoveryCodes: [...registration.recoveryCodes],
        }
        const at = now()
        const sealed: PendingLogin =
          target.via === 'login'
            ? { ...target.pending, totpEnrolment: enrolment }
            : {
                stage: 'totp_enrolment',
                memberSessionId: target.session.memberSessionId,
                totpEnrolment: enrolment,
              }
        const expiresAt =
          target.via === 'login'
            ? target.pendingExpiresAt
            : new Date(at.getTime() + ENROLMENT_MINUTES * 60_000)
        reply.cookie(await pendingLoginCookie(sealer, sealed, expiresAt, secure, at))
        return redirect
          ? reply.redirect(config.paths.mfa)
          : reply.json(200, {
              status: 'totp_created',
              qrCode: registration.qrCode,
              secret: registration.secret,
            })
      },
    )
}
