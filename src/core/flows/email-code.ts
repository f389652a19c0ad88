/**
 * @module What the email-code steps of both logins (an organization's, a discovery's) share:
 * the send within the budgets with a fresh challenge sealed, which challenge a code is counted
 * against, and how Stytch refusing what was typed reads.
 */
import type { z } from 'zod'
import { checkCode } from '../check-code.js'
import { emailCodeLocale } from '../code-locale.js'
import { runFlow, type Engine, type FlowContext, type Handler } from '../engine.js'
import { MfaError } from '../errors.js'
import { normaliseEmail } from '../limits.js'
import { newEmailChallenge, pendingLoginCookie, type PendingLogin } from '../pending-login.js'
import type { AuthRequest, Reply } from '../ports/framework.js'
import type { HandlerConfig } from '../options.js'
import { safeReturnTo } from '../return-to.js'
import { refusesInput } from './input-refusal.js'

/**
 * The challenge sealed at the send, when the code is for that send's address. It was paid for
 * by a send to that address only: a body naming another address guesses at that one without a
 * challenge (the address's single cookieless one).
 */
function challengeFor(
  started: { readonly email: string; readonly challenge: string } | undefined,
  email: string,
): string | undefined {
  return started !== undefined && normaliseEmail(started.email) === normaliseEmail(email)
    ? started.challenge
    : undefined
}

/**
 * Stytch's verdict on an email code for `email`, within the attempt budget of the challenge the
 * browser holds (see {@link challengeFor}).
 */
export function checkEmailCode<T>(
  engine: Engine,
  req: AuthRequest,
  check: {
    readonly email: string
    readonly started: { readonly email: string; readonly challenge: string } | undefined
    readonly verdict: () => Promise<T>
  },
): Promise<T> {
  const challenge = challengeFor(check.started, check.email)
  return checkCode(engine, {
    channel: 'email',
    ip: req.ip,
    reserve: () => engine.limits.reserveEmailAttempt(check.email, challenge),
    verdict: () => check.verdict().catch(asWrongCode),
  })
}

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

/** What an email send seals besides the stage: the address, the challenge, `returnTo`. */
interface SentCode {
  readonly email: string
  readonly challenge: string
  readonly returnTo: string | undefined
}

/** What a send step's body holds at least. */
interface SendBody {
  readonly email: string
  readonly returnTo?: string | undefined
}

/** How one send step asks Stytch, and what it seals. */
export interface EmailSend<B extends SendBody> {
  /** The body's schema: known fields only, strings only. */
  readonly body: z.ZodType<B>
  /** Asks Stytch to send the code, in `locale`. */
  readonly send: (
    body: B,
    locale: string | undefined,
  ) => Promise<{
    readonly requestId: string
    readonly memberId?: string | undefined
    readonly organizationId?: string | undefined
  }>
  /** The login to seal once the code is sent. */
  readonly stage: (body: B, sent: SentCode) => PendingLogin
}

/** Email codes live 10 minutes at Stytch by default; the pending cookie lives as long. */
const EMAIL_STEP_SECONDS = 10 * 60

/**
 * A send step: an email code within the address's and the client's budgets, and the address
 * sealed with a fresh challenge (the key of its wrong-code budget) in the login cookie.
 */
export function emailSendHandler<B extends SendBody>(
  engine: Engine,
  options: HandlerConfig,
  step: EmailSend<B>,
): Handler {
  const { config } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.login, body: step.body },
      (flow) => sendEmailCode(engine, req, flow, step),
    )
}

async function sendEmailCode<B extends SendBody>(
  engine: Engine,
  req: AuthRequest,
  flow: FlowContext<B>,
  step: EmailSend<B>,
): Promise<Reply> {
  const { config, sealer, limits, emit, now } = engine
  const { reply, secure, body } = flow
  const { email } = body
  // Counted per address whether or not it is a member: the limit reveals nothing either.
  await limits.beforeEmailSend(email, req.ip)
  try {
    const sent = await step.send(body, emailCodeLocale(config, req))
    emit({
      type: 'otp_sent',
      channel: 'email',
      memberId: sent.memberId,
      organizationId: sent.organizationId,
      requestId: sent.requestId,
      ip: req.ip,
    })
  } catch (error) {
    // Whether a member exists must not show: Stytch refusing the address reads as sent.
    if (!refusesInput(error)) throw error
    emit({
      type: 'otp_failed',
      channel: 'email',
      code: error.code,
      requestId: error.requestId,
      ip: req.ip,
    })
  }
  const started = now()
  const login = step.stage(body, {
    email,
    challenge: newEmailChallenge(),
    returnTo: safeReturnTo(body.returnTo),
  })
  const expiresAt = new Date(started.getTime() + EMAIL_STEP_SECONDS * 1000)
  reply.cookie(await pendingLoginCookie(sealer, login, expiresAt, secure, started))
  return flow.redirect
    ? reply.redirect(config.paths.emailCode)
    : reply.json(200, { status: 'email_sent', next: config.paths.emailCode })
}
