/** @module stytch-b2b-mfa: the framework-free API (errors, and the types an application reads). */
export { MfaError, MfaErrorCode, isMfaError, messageOf, statusOf } from './core/errors.js'
export type { MfaErrorDetails } from './core/errors.js'
export type { MfaEvent, StytchOperation } from './core/events.js'
export type { AuthenticationFactor, MemberSession } from './core/ports/stytch.js'
export type { StytchOptions } from './stytch/options.js'
