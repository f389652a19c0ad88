/**
 * @module Step 2a: send the SMS code to the member's phone, or enrol a phone for a member
 * without one when the app allows it. The member comes from the sealed login or the session.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import { phoneField } from '../fields.js'
import { smsCodeLocale } from '../code-locale.js'
import { memberKey } from '../limits.js'
import type { HandlerConfig } from '../options.js'
import { pendingLoginCookie } from '../pending-login.js'
import { checkPhoneNumber, maskPhoneNumber } from '../phone.js'
import { resolveMfaTarget, type MfaTarget } from './mfa-target.js'

const bodySchema = z.object({ phoneNumber: phoneField.optional() })

/**
 * The number to enrol, when this send enrols one; `undefined` to use the member's own. In
 * step-up only Stytch knows whether the member has a phone (the session's factors say what this
 * session passed, not what the member holds), so it is asked, and only when a number came in.
 */
async function enrolment(
  engine: Engine,
  target: MfaTarget,
  phoneNumber: string | undefined,
): Promise<string | undefined> {
  const { enabled, allowedCountries } = engine.config.phoneEnrollment
  // Nothing to bind: the send goes to the member's own phone, or Stytch says there is none.
  if (target.via === 'step_up' && phoneNumber === undefined) return undefined
  const { organizationId, memberId } = target
  const hasPhone =
    target.via === 'login'
      ? target.pending.hasPhone
      : (await engine.port.getMember({ organizationId, memberId })).hasMfaPhoneNumber
  // A member with a phone only ever gets codes on it: a number in the body is ignored.
  if (hasPhone) return undefined
  if (!enabled) throw new MfaError('phone_enrollment_disabled')
  if (phoneNumber === undefined) {
    throw new MfaError('invalid_phone_number', 'A phone number is needed to enrol')
  }
  return checkPhoneNumber(phoneNumber, allowedCountries)
}

export function sendSmsOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, sealer, limits, emit, now } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.mfa, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const target = await resolveMfaTarget(engine, req, 'sms')
        const mfaPhoneNumber = await enrolment(engine, target, body.phoneNumber)
        const sent = await limits.sendSms(memberKey(target), mfaPhoneNumber, req.ip, () =>
          port.sendSmsOtp({
            organizationId: target.organizationId,
            memberId: target.memberId,
            credential: target.credential,
            mfaPhoneNumber,
            locale: smsCodeLocale(config, req),
          }),
        )
        const { memberId, organizationId } = target
        emit({
          type: 'otp_sent',
          channel: 'sms',
          memberId,
          organizationId,
          requestId: sent.requestId,
          ip: req.ip,
        })
        const at = now()
        const phoneHint = await maskPhoneNumber(sent.phoneNumber ?? mfaPhoneNumber)
        if (target.via === 'login') {
          reply.cookie(
            await pendingLoginCookie(
              sealer,
              {
                ...target.pending,
                smsSentAt: at.getTime(),
                hasPhone: true,
                phoneHint: phoneHint ?? target.pending.phoneHint,
              },
              target.pendingExpiresAt,
              secure,
              at,
            ),
          )
        }
        return redirect
          ? reply.redirect(config.paths.mfa)
          : reply.json(200, {
              status: 'sms_sent',
              phoneNumber: phoneHint ?? null,
              resendAfterSeconds: limits.smsCooldownSeconds,
            })
      },
    )
}
