/**
 * @module Step 1b: check the email code. Either the member is signed in (organizations without
 * MFA), or Stytch's intermediate session is sealed in the pending cookie for the SMS step —
 * nothing that any route accepts as signed in exists yet.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { refusesInput } from './input-refusal.js'
import { MfaError } from '../errors.js'
import { codeField, emailField, organizationField } from '../fields.js'
import { checkCode } from '../check-code.js'
import { emailCodeLocale } from '../code-locale.js'
import { memberKey, normaliseEmail } from '../limits.js'
import type { HandlerConfig } from '../options.js'
import { pendingLoginCookie, readPendingLogin, clearPendingLogin } from '../pending-login.js'
import { maskPhoneNumber } from '../phone.js'
import { storeNewSession } from '../session-store.js'

const bodySchema = z.object({
  code: codeField,
  email: emailField.optional(),
  organization: organizationField.optional(),
})

/**
 * A Stytch 4xx about what the visitor typed (an organization that does not exist, an address
 * Stytch refuses) means, to them, a code that cannot be right: `otp_invalid`, counted as a
 * failed attempt: as a 502 it would be a 5xx from bad input, and would tell unknown
 * organizations apart from wrong codes. A 401 is Stytch refusing the project's credentials and
 * stays a 502.
 */
function asWrongCode(error: unknown): never {
  if (refusesInput(error)) {
    throw new MfaError('otp_invalid', 'Stytch refused the email code for this address', {
      requestId: error.requestId,
      stytchErrorType: error.stytchErrorType,
      stytchStatus: error.stytchStatus,
      cause: error,
    })
  }
  throw error
}

export function verifyEmailOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, sealer, verifier, limits, emit, now } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.emailCode, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const pending = await readPendingLogin(req, engine)
        const started =
          pending.state === 'present' && pending.login.stage === 'email' ? pending.login : undefined
        const email = body.email ?? started?.email
        const organization = body.organization ?? started?.organization
        if (email === undefined || organization === undefined) {
          throw new MfaError(
            'login_required',
            'No email step in progress and no email/organization in the body',
          )
        }
        const returnTo = started?.returnTo
        // The cookie's challenge was paid for by a send to its address only: a body naming
        // another address guesses at that one without a challenge.
        const challenge =
          started !== undefined && normaliseEmail(started.email) === normaliseEmail(email)
            ? started.challenge
            : undefined
        const result = await checkCode(engine, {
          channel: 'email',
          ip: req.ip,
          reserve: () => limits.reserveEmailAttempt(email, challenge),
          verdict: () =>
            port
              .authenticateEmailOtp({
                organizationId: organization,
                emailAddress: email,
                code: body.code,
                sessionDurationMinutes: config.sessionDurationMinutes,
                locale: emailCodeLocale(config, req),
              })
              .catch(asWrongCode),
        })
        const at = now()
        switch (result.kind) {
          case 'primary_required':
            throw new MfaError(
              'forbidden',
              'The organization requires another primary sign-in method',
              {
                requestId: result.requestId,
              },
            )
          case 'authenticated': {
            await storeNewSession(req, config, result, secure, at, reply)
            verifier.remember(result)
            reply.cookie(clearPendingLogin(secure))
            const { memberId, organizationId } = result.memberSession
            emit({
              type: 'otp_verified',
              channel: 'email',
              signedIn: true,
              memberId,
              organizationId,
              requestId: result.requestId,
              ip: req.ip,
            })
            const next = returnTo ?? config.paths.afterLogin
            return redirect ? reply.redirect(next) : reply.json(200, { status: 'signed_in', next })
          }
          case 'mfa_required': {
            if (result.smsSent) {
              await limits.smsSentByStytch(memberKey(result), result.memberPhoneNumber)
            }
            const expiresAt = new Date(
              Math.min(result.intermediateSessionExpiresAt.getTime(), at.getTime() + 10 * 60_000),
            )
            const phoneHint = await maskPhoneNumber(result.memberPhoneNumber)
            reply.cookie(
              await pendingLoginCookie(
                sealer,
                {
                  stage: 'mfa',
                  intermediateSessionToken: result.intermediateSessionToken,
                  memberId: result.memberId,
                  organizationId: result.organizationId,
                  smsSentAt: result.smsSent ? at.getTime() : undefined,
                  phoneHint,
                  hasPhone: result.memberPhoneNumber !== undefined,
                  returnTo,
                  methods: [...result.mfa.allowedMethods],
                  hasTotp: result.mfa.hasTotp,
                  defaultMethod: result.mfa.defaultMethod,
                },
                expiresAt,
                secure,
                at,
              ),
            )
            emit({
              type: 'otp_verified',
              channel: 'email',
              signedIn: false,
              memberId: result.memberId,
              organizationId: result.organizationId,
              requestId: result.requestId,
              ip: req.ip,
            })
            return redirect
              ? reply.redirect(config.paths.mfa)
              : reply.json(200, {
                  status: 'mfa_required',
                  next: config.paths.mfa,
                  smsSent: result.smsSent,
                  phoneNumber: phoneHint ?? null,
                  needsPhone:
                    result.memberPhoneNumber === undefined &&
                    result.mfa.allowedMethods.includes('sms_otp'),
                })
          }
        }
      },
    )
}
