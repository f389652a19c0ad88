/**
 * @module The one construction both adapters share: the options checked in one pass (the
 * `stytch` option by the SDK adapter's schema), then the Stytch port, the engine and a factory
 * per step of the core's table, each handler wrapped by the adapter's translator.
 */
import type { z } from 'zod'
import { createEngine, type Handler } from './core/engine.js'
import { readLoginState, type LoginState } from './core/flows/login-state.js'
import {
  memberOrganizationsReader,
  type MemberOrganizations,
} from './core/flows/member-organizations.js'
import { factoryOptionsSchema, parseOptions } from './core/options.js'
import type { AuthRequest } from './core/ports/framework.js'
import {
  memberMfaResetter,
  type MemberMfaReset,
  type ResetMemberMfaInput,
} from './core/flows/reset-member-mfa.js'
import type { MemberSession } from './core/ports/stytch.js'
import { stepFactories, type StepFactories, type StepName } from './core/steps.js'
import { memoryLimitStore } from './limits/rate-limiter-store.js'
import { stytchOptionsSchema } from './stytch/options.js'
import { createStytchPort } from './stytch/sdk-adapter.js'

const optionsSchema = factoryOptionsSchema(stytchOptionsSchema)

/** Options of `createStytchMfa()`. */
export type StytchMfaOptions = z.input<typeof optionsSchema>

/** How an adapter translates: a core handler into its middleware, its request into the core's. */
export interface Translator<R, M> {
  readonly middleware: (name: StepName, handler: Handler) => M
  readonly toAuthRequest: (req: R) => AuthRequest
}

/** No translation: the core's handlers as they are, called with an `AuthRequest` (tests). */
export const untranslated: Translator<AuthRequest, Handler> = {
  middleware: (_name, handler) => handler,
  toAuthRequest: (req) => req,
}

/** The factories of one configuration, for a framework's request `R` and middleware `M`. */
export type CoreFactories<R, M> = StepFactories<M> & {
  /** The login in progress, for rendering the login, organization picker and MFA pages. */
  loginState(req: R): Promise<LoginState>
  /**
   * The signed-in member's organizations, for a switcher (one Stytch call). Rejects with an
   * `MfaError`: `not_signed_in`, `rate_limited` or a `stytch_*` code.
   */
  memberOrganizations(req: R): Promise<MemberOrganizations>
  /**
   * For an admin route (not GET, from this site): removes second factors of a member of the
   * signed-in admin's organization and ends every session of that member, at Stytch and at once
   * here. The admin needs a role of `adminReset.roles` and a second factor within
   * `adminReset.maxAge`. Rejects with an `MfaError`: `not_signed_in`, `mfa_required`,
   * `mfa_stale`, `forbidden` (role, or a member of another organization: nothing changed),
   * `invalid_request`, `method_not_allowed`, `cross_site_request` or a `stytch_*` code.
   */
  resetMemberMfa(req: R, input: ResetMemberMfaInput): Promise<MemberMfaReset>
}

/** The factories with {@link untranslated}: the core's handlers as they are. */
export type CoreHandlers = CoreFactories<AuthRequest, Handler>

/** What an adapter's `createStytchMfa()` hands out. */
export type StytchMfaFactories<R, M> = CoreFactories<R, M> & {
  /** The session `requireMfa()` admitted this request with, or `undefined`. */
  memberSession(req: R): MemberSession | undefined
}

/**
 * Builds one configuration. Everything is checked here, once: a bad option throws a
 * `configuration_error` naming it, at startup. The clock (`now`) is the engine's and the port's.
 */
export function createCore<R, M>(
  options: StytchMfaOptions,
  translator: Translator<R, M>,
): CoreFactories<R, M> {
  const { now, ...config } = parseOptions(optionsSchema, options)
  const port = createStytchPort(config.stytch, now)
  const engine = createEngine(config, port, config.limits.store ?? memoryLimitStore(), now)
  const resetMemberMfa = memberMfaResetter(engine)
  const memberOrganizations = memberOrganizationsReader(engine)
  return {
    ...stepFactories(engine, translator.middleware),
    loginState: (req) => readLoginState(engine, translator.toAuthRequest(req)),
    memberOrganizations: (req) => memberOrganizations(translator.toAuthRequest(req)),
    resetMemberMfa: (req, input) => resetMemberMfa(translator.toAuthRequest(req), input),
  }
}
