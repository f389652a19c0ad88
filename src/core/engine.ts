/**
 * @module The engine: the parsed configuration and everything built from it once (the Stytch
 * port, the cookie sealer, the session verifier, the event emitter, the operators' log), shared
 * by every handler.
 */
import type { z } from 'zod'
import { readBody } from './body.js'
import { MfaError } from './errors.js'
import { createEmitter, type EmitEvent } from './events.js'
import type { AuthRequest, Reply } from './ports/framework.js'
import type { LimitStore } from './ports/limit-store.js'
import { Limits } from './limits.js'
import { createOperatorLog, type OperatorLog } from './logger.js'
import type { MfaConfig } from './options.js'
import { ReplyBuilder, wantsRedirect, type RespondWith } from './reply.js'
import { assertSameSitePost } from './request-guard.js'
import { Revocations } from './revocations.js'
import { RevokeRetries } from './revoke-retries.js'
import { createSealer, type Sealer } from './seal.js'
import { checkSessionStorage } from './session-store.js'
import { SessionVerifier } from './session-verifier.js'
import { INSECURE_COOKIES_WARNING, secureCookies } from './transport.js'
import { observePort, reportFailure, startSelfCheck } from './upstream.js'
import type { StytchPort } from './ports/stytch.js'

export interface Engine {
  readonly config: MfaConfig
  /** The Stytch port, reporting every upstream failure (`upstream_failed`, the logger). */
  readonly port: StytchPort
  readonly sealer: Sealer
  readonly verifier: SessionVerifier
  /** Signed-out sessions, refused by id (shared through `revocationStore` when set). */
  readonly revocations: Revocations
  /** Revocations Stytch did not confirm at logout, tried again. */
  readonly revokeRetries: RevokeRetries
  readonly limits: Limits
  readonly emit: EmitEvent
  readonly log: OperatorLog
  readonly now: () => Date
  /** `now()` in epoch ms; `Date.now` itself unless a clock was injected (no Date per call). */
  readonly nowMs: () => number
}

/**
 * Builds the engine; `now` is injectable so tests can move time with the emulator's clock.
 * Says at once what an operator should know: the insecure dev mode being on, and (`selfCheck`,
 * in the background) a project id and secret Stytch refuses.
 */
export function createEngine(
  config: MfaConfig,
  stytch: StytchPort,
  limitStore: LimitStore,
  clock?: () => Date,
): Engine {
  const [secret = ''] = config.cookieSecrets
  const now = clock ?? (() => new Date())
  const nowMs = clock === undefined ? Date.now : () => clock().getTime()
  const limits = new Limits(config.limits, limitStore, secret)
  const emit = createEmitter(config.onEvent)
  const log = createOperatorLog(config.logger, nowMs)
  if (config.allowInsecureCookies) log.warn(INSECURE_COOKIES_WARNING)
  if (config.selfCheck) void startSelfCheck(stytch, emit, log)
  // Every Stytch call of every handler, the guard's verifier and the revoke retries goes through
  // here: the one place an upstream failure is seen.
  const port = observePort(stytch, (failure) => {
    reportFailure(emit, log, failure)
  })
  const revocations = new Revocations(config.revocationStore, nowMs)
  return {
    config,
    port,
    sealer: createSealer(config.cookieSecrets, 'pending-login'),
    verifier: new SessionVerifier(port, config.jwtCacheSize, now, revocations, (ip) =>
      limits.beforeUnverifiedCall(ip),
    ),
    revocations,
    revokeRetries: new RevokeRetries(port, emit, nowMs),
    limits,
    emit,
    log,
    now,
    nowMs,
  }
}

/**
 * A flow step as the adapters call it. A reply known without waiting is returned as is: the
 * guard answers nearly every request that way, and a promise there costs more than the guard's
 * own checks (`npm run bench`).
 */
export type Handler = (req: AuthRequest) => Reply | Promise<Reply>

/** What a flow step accepts, and where browsers go back to on failure. */
export interface FlowSpec<S extends z.ZodType> {
  readonly respondWith: RespondWith | undefined
  /** The page a browser is sent back to with `?error=`. */
  readonly page: string
  /** The body's schema: known fields only, strings only. */
  readonly body: S
}

/** What a flow step works with once the request passed the checks every step makes. */
export interface FlowContext<T> {
  readonly reply: ReplyBuilder
  /** Answer with redirects (a browser) rather than JSON. */
  readonly redirect: boolean
  /** Cookies get `Secure` and `__Host-`. */
  readonly secure: boolean
  readonly body: T
}

/**
 * Runs a flow step: an `MfaError` becomes problem+json or a redirect back to the step's page
 * (`login_required` to the login page); a misconfiguration or anything unexpected goes to the
 * framework's error handling.
 */
export async function runFlow<S extends z.ZodType>(
  engine: Engine,
  req: AuthRequest,
  spec: FlowSpec<S>,
  step: (context: FlowContext<z.output<S>>) => Promise<Reply>,
): Promise<Reply> {
  const { config } = engine
  const redirect = wantsRedirect(req, spec.respondWith ?? config.respondWith)
  try {
    // Every step changes state: POST from this site only, cookies that can be Secure, a body
    // that passes its schema — checked before anything reaches Stytch.
    assertSameSitePost(req, config)
    checkSessionStorage(req, config)
    const secure = secureCookies(req, config.allowInsecureCookies)
    const body = await readBody(req, spec.body, config.bodyLimitBytes)
    return await step({ reply: new ReplyBuilder(), redirect, secure, body })
  } catch (error) {
    if (!(error instanceof MfaError)) return new ReplyBuilder().error(toError(error))
    if (error.code === 'cross_site_request' || error.code === 'configuration_error') {
      engine.emit({ type: 'request_refused', code: error.code, ip: req.ip })
    }
    // Cookies collected before the failure are dropped: bad input changes nothing.
    const failed = new ReplyBuilder()
    if (!redirect || error.code === 'method_not_allowed') return failed.problem(error)
    if (error.code === 'configuration_error') return failed.error(error)
    const page =
      error.code === 'login_required' ||
      error.code === 'not_signed_in' ||
      error.code === 'otp_locked'
        ? engine.config.paths.login
        : spec.page
    return failed.errorRedirect(page, error)
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}
