/** @module stytch-b2b-mfa: the framework-free API (errors, and the types an application reads). */
export { MfaError, MfaErrorCode, isMfaError, messageOf, statusOf } from './core/errors.js'
export type { MfaErrorDetails } from './core/errors.js'
export type { MfaEvent, StytchOperation } from './core/events.js'
export type { AuthenticationFactor, MemberSession, Membership } from './core/ports/stytch.js'
// What framework-free page code reads, without importing an adapter's entry point.
export type { LoginState } from './core/flows/login-state.js'
export type { OrganizationChoice } from './core/flows/organization-choice.js'
export type { MemberOrganization, MemberOrganizations } from './core/flows/member-organizations.js'
export type { MemberMfaReset } from './core/flows/reset-member-mfa.js'
export type { StytchOptions } from './stytch/options.js'
