/**
 * @module stytch-b2b-mfa/emulator: a local Stytch B2B API (node:http) that the unmodified `stytch`
 * SDK talks to, with an outbox of sent codes, an injectable clock and fault injection.
 */
export { startEmulator } from './emulator.js'
export type {
  EmailImplicitRoleAssignment,
  EmailJitProvisioning,
  Emulator,
  EmulatorOptions,
  EmulatorSeed,
  Fault,
  MfaPolicy,
  OutboxMessage,
  PolicyPermission,
  PolicyResource,
  PolicyRole,
  RbacPolicyInput,
  SeedMember,
  SeedOrganization,
  SignSessionJwtOptions,
} from './types.js'
export type {
  AuthenticationFactorJson,
  MemberJson,
  MemberRoleJson,
  MemberSessionJson,
  OrganizationJson,
} from './serialize.js'
export type { PolicyJson, RoleJson, ResourceJson } from './rbac-policy.js'
