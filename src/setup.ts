/**
 * @module What both adapters share: options parsed once, the Stytch port and the engine built
 * once, and a factory per flow step. Adapters only translate requests and replies.
 */
import { createEngine, type Engine, type Handler } from './core/engine.js'
import type { AuthRequest } from './core/http.js'
import {
  handlerOptionsSchema,
  mfaOptionsSchema,
  parseOptions,
  requireMfaOptionsSchema,
  type HandlerOptions,
  type MfaOptions,
  type RequireMfaOptions,
} from './core/options.js'
import { readLoginState, type LoginState } from './core/flows/login-state.js'
import { logoutHandler } from './core/flows/logout.js'
import { requireMfaHandler } from './core/flows/require-mfa.js'
import { sendEmailOtpHandler } from './core/flows/send-email-otp.js'
import { sendSmsOtpHandler } from './core/flows/send-sms-otp.js'
import { verifyEmailOtpHandler } from './core/flows/verify-email-otp.js'
import { verifySmsOtpHandler } from './core/flows/verify-sms-otp.js'
import type { MemberSession, StytchPort } from './stytch/port.js'
import { memoryLimitStore } from './limits/rate-limiter-store.js'
import type { StytchOptions } from './stytch/options.js'
import { createStytchPort } from './stytch/sdk-adapter.js'

/** Options of `createStytchMfa()`, plus a clock for tests. */
export type SetupOptions = MfaOptions & {
  /** The clock; tests pass the emulator's. @default () => new Date() */
  readonly now?: () => Date
}

export interface CoreFactories {
  readonly engine: Engine
  sendEmailOtp(options?: HandlerOptions): Handler
  verifyEmailOtp(options?: HandlerOptions): Handler
  sendSmsOtp(options?: HandlerOptions): Handler
  verifySmsOtp(options?: HandlerOptions): Handler
  requireMfa(options?: RequireMfaOptions): Handler
  logout(options?: HandlerOptions): Handler
  loginState(req: AuthRequest): Promise<LoginState>
}

function isPort(value: unknown): value is StytchPort {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<StytchPort>).verifySessionJwt === 'function' &&
    typeof (value as Partial<StytchPort>).authenticateSmsOtp === 'function'
  )
}

/** Parses everything once; a bad option throws here, at startup, naming the value. */
export function setup(options: SetupOptions): CoreFactories {
  const { now, ...rest } = options
  const config = parseOptions(mfaOptionsSchema, rest)
  const port = isPort(config.stytch)
    ? config.stytch
    : createStytchPort({
        ...(now === undefined ? {} : { now }),
        ...(config.stytch as StytchOptions),
      })
  const engine = createEngine(config, port, config.limits.store ?? memoryLimitStore(), now)
  const handlerConfig = (input: HandlerOptions | undefined) =>
    parseOptions(handlerOptionsSchema, input ?? {})
  return {
    engine,
    sendEmailOtp: (input) => sendEmailOtpHandler(engine, handlerConfig(input)),
    verifyEmailOtp: (input) => verifyEmailOtpHandler(engine, handlerConfig(input)),
    sendSmsOtp: (input) => sendSmsOtpHandler(engine, handlerConfig(input)),
    verifySmsOtp: (input) => verifySmsOtpHandler(engine, handlerConfig(input)),
    requireMfa: (input) =>
      requireMfaHandler(engine, parseOptions(requireMfaOptionsSchema, input ?? {})),
    logout: (input) => logoutHandler(engine, handlerConfig(input)),
    loginState: (req) => readLoginState(engine, req),
  }
}

/** The middleware factories of one configuration, for a framework's request `R` and middleware `M`. */
export interface StytchMfaFactories<R, M> {
  /** `POST` email + organization: emails a code. Answers the same for unknown addresses. */
  sendEmailOtp(options?: HandlerOptions): M
  /** `POST` code: signs in, or starts the SMS step (sealed cookie) when MFA is required. */
  verifyEmailOtp(options?: HandlerOptions): M
  /** `POST` (phoneNumber when enrolling): sends the SMS code. */
  sendSmsOtp(options?: HandlerOptions): M
  /** `POST` code: completes MFA and stores the member session. */
  verifySmsOtp(options?: HandlerOptions): M
  /** Admits only a verified member session with a (fresh enough) SMS factor. */
  requireMfa(options?: RequireMfaOptions): M
  /** `POST`: revokes the session at Stytch and clears everything the library stored. */
  logout(options?: HandlerOptions): M
  /** The session `requireMfa()` admitted this request with, or `undefined`. */
  memberSession(req: R): MemberSession | undefined
  /** The login in progress, for rendering the login and MFA pages. */
  loginState(req: R): Promise<LoginState>
}

/** How an adapter translates: a core handler into a middleware, a request into the core's. */
export interface Translator<R, M> {
  readonly middleware: (name: string, handler: Handler) => M
  readonly toAuthRequest: (req: R) => AuthRequest
  readonly memberSession: (req: R) => MemberSession | undefined
}

/** Binds the core's factories to one framework through its translator. */
export function bindFactories<R, M>(
  options: SetupOptions,
  translator: Translator<R, M>,
): StytchMfaFactories<R, M> {
  const core = setup(options)
  const { middleware, toAuthRequest } = translator
  return {
    sendEmailOtp: (o) => middleware('sendEmailOtp', core.sendEmailOtp(o)),
    verifyEmailOtp: (o) => middleware('verifyEmailOtp', core.verifyEmailOtp(o)),
    sendSmsOtp: (o) => middleware('sendSmsOtp', core.sendSmsOtp(o)),
    verifySmsOtp: (o) => middleware('verifySmsOtp', core.verifySmsOtp(o)),
    requireMfa: (o) => middleware('requireMfa', core.requireMfa(o)),
    logout: (o) => middleware('logout', core.logout(o)),
    memberSession: (req) => translator.memberSession(req),
    loginState: (req) => core.loginState(toAuthRequest(req)),
  }
}
