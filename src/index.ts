/** @module stytch-b2b-mfa: framework-free API (errors, port types). */
export { MfaError, MfaErrorCode, isMfaError, messageOf, statusOf } from './core/errors.js'
export type { MfaErrorDetails } from './core/errors.js'
export type * from './stytch/port.js'
