/** @module What every adapter entry point re-exports besides its factory. */
export type { HandlerOptions, RequireMfaOptions } from './core/options.js'
export type { LoginState } from './core/flows/login-state.js'
export type { MemberMfaReset, ResetMemberMfaInput } from './core/flows/reset-member-mfa.js'
export type { MfaEvent } from './core/events.js'
export type { MfaLogger } from './core/logger.js'
export { MfaError, MfaErrorCode, isMfaError, messageOf } from './core/errors.js'
export type { MemberSession, AuthenticationFactor } from './core/ports/stytch.js'
export type { StytchMfaOptions } from './setup.js'
