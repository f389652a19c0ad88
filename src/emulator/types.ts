/** @module Public types of the emulator: options, seed, faults, outbox, the running instance. */
import type { MemberJson, OrganizationJson } from './serialize.js'

/** `organization.mfa_policy`. */
export type MfaPolicy = 'REQUIRED_FOR_ALL' | 'OPTIONAL'

/** `organization.email_jit_provisioning`. */
export type EmailJitProvisioning = 'RESTRICTED' | 'NOT_ALLOWED'

/** One RBAC permission: actions (or `*`) on a resource. */
export interface PolicyPermission {
  resource_id: string
  actions: string[]
}

/** An RBAC role of the project policy or of an organization's own policy. */
export interface PolicyRole {
  role_id: string
  /** Default `''`. */
  description?: string
  permissions: PolicyPermission[]
}

/** An RBAC resource and the actions it has. */
export interface PolicyResource {
  resource_id: string
  /** Default `''`. */
  description?: string
  actions: string[]
}

/**
 * The project's RBAC policy, on top of Stytch's defaults: `resources` are added to the `stytch.*`
 * ones, `roles` are added, or replace `stytch_member` / `stytch_admin` by id.
 */
export interface RbacPolicyInput {
  /** Default `[]`. Ids may not start with `stytch`. */
  resources?: PolicyResource[]
  /** Default `[]`. */
  roles?: PolicyRole[]
}

/** `rbac_email_implicit_role_assignments[]`: every member with an email at `domain` has the role. */
export interface EmailImplicitRoleAssignment {
  domain: string
  role_id: string
}

/** A member to seed or create. Field names are Stytch's. */
export interface SeedMember {
  /** Default: a fresh `member-test-<uuid>`. */
  member_id?: string
  email_address: string
  /** Default `''`. */
  name?: string
  /** Default `'active'`. */
  status?: 'active' | 'pending' | 'invited'
  /** E.164. Default: none. */
  mfa_phone_number?: string
  /** Whether the phone already passed an SMS code (an "active MFA factor"). Default `false`. */
  mfa_phone_number_verified?: boolean
  /** Default `false`. */
  mfa_enrolled?: boolean
  /** Role ids besides `stytch_member`, which every member has. Default `[]`. */
  roles?: string[]
  /** Default `false`. */
  is_breakglass?: boolean
  /**
   * Base32 secret of a verified authenticator app (TOTP), as `totps.create` would have made.
   * Default: none.
   */
  totp_secret?: string
  /** The app's recovery codes (`xxxx-xxxx-xxxx`). Default: ten fresh ones, with `totp_secret`. */
  recovery_codes?: string[]
  /** Default: `'sms_otp'` with a phone, else `'totp'` with `totp_secret`, else `''`. */
  default_mfa_method?: 'sms_otp' | 'totp'
  /** Default `{}`. */
  trusted_metadata?: Record<string, unknown>
  /** Default `{}`. */
  untrusted_metadata?: Record<string, unknown>
  /** Unique in the organization; usable in place of `member_id`. Default: none. */
  external_id?: string
}

/** An organization to seed or create. Field names are Stytch's. */
export interface SeedOrganization {
  /** Default: a fresh `organization-test-<uuid>`. */
  organization_id?: string
  organization_name: string
  organization_slug: string
  /** Default `'OPTIONAL'`. */
  mfa_policy?: MfaPolicy
  /** Default `'ALL_ALLOWED'`. */
  mfa_methods?: 'ALL_ALLOWED' | 'RESTRICTED'
  /** Default `[]`. */
  allowed_mfa_methods?: string[]
  /** Default `'NOT_ALLOWED'`. */
  email_jit_provisioning?: EmailJitProvisioning
  /** Default `[]`. */
  email_allowed_domains?: string[]
  /** Default `''`. */
  organization_logo_url?: string
  /** Unique in the project; usable in place of `organization_id`. Default: none. */
  organization_external_id?: string
  /** Default `{}`. */
  trusted_metadata?: Record<string, unknown>
  /** Default `'ALL_ALLOWED'`, or `'NOT_ALLOWED'` when other auth settings are given. */
  email_invites?: 'ALL_ALLOWED' | 'RESTRICTED' | 'NOT_ALLOWED'
  /** Default `'ALL_ALLOWED'`. */
  auth_methods?: 'ALL_ALLOWED' | 'RESTRICTED'
  /** Primary methods when `auth_methods` is `'RESTRICTED'`, e.g. `'email_otp'`. Default `[]`. */
  allowed_auth_methods?: string[]
  /** Default `[]`. */
  rbac_email_implicit_role_assignments?: EmailImplicitRoleAssignment[]
  /** The organization's own RBAC roles (its org policy). Default `[]`. */
  custom_roles?: PolicyRole[]
  /** Default `[]`. */
  members?: SeedMember[]
}

/** What the emulator starts with, and returns to on `reset()`. */
export interface EmulatorSeed {
  organizations: SeedOrganization[]
  /** The project's RBAC policy on top of Stytch's defaults. Default: the defaults alone. */
  rbac_policy?: RbacPolicyInput
}

/** A code the emulator "sent". */
export interface OutboxMessage {
  channel: 'sms' | 'email'
  /** The phone number (E.164) or email address. */
  to: string
  code: string
  /** `''` for a discovery code, which is for no organization yet. */
  organization_id: string
  /** `''` for a discovery code. */
  member_id: string
  /** RFC 3339, on the emulator clock. */
  sent_at: string
}

/** What an injected fault does to the next matching API call. Only `delay` reaches the route. */
export type Fault =
  /** JSON error; `body` defaults to a Stytch-shaped error for that status. */
  | { kind: 'status'; status: number; body?: unknown }
  /** An HTML page (the SDK turns it into a `RequestError`). */
  | { kind: 'html'; status: number }
  /** 200 with truncated JSON. */
  | { kind: 'malformed' }
  /** Never answers: the socket stays open without headers. */
  | { kind: 'hang' }
  /** Headers (200, content-length) sent, the body never completes. */
  | { kind: 'stall-body' }
  /** Answers normally after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Destroys the socket. */
  | { kind: 'reset' }
  /** Any JSON, e.g. a wrong-shaped 200. `status` defaults to 200. */
  | { kind: 'respond'; status?: number; body: unknown }

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. Default `0` (a random free port). */
  port?: number
  /** Default `project-test-00000000-0000-4000-8000-000000000000`. */
  projectId?: string
  /** Default `secret-test-emulator-0000000000000000`. */
  secret?: string
  /** Organizations and members to start with. Default: none. */
  seed?: EmulatorSeed
  /** Base clock in ms. `advanceClock()` adds its offset on top. Default `Date.now`. */
  now?: () => number
  /** Code generator for email and SMS codes. Default: crypto-random 6 digits. */
  generateCode?: () => string
  /** Called for each code sent (the CLI prints with it). Default: nothing. */
  onMessage?: (message: OutboxMessage) => void
  /**
   * The RS256 key that signs session JWTs, as a PKCS#8 PEM with its `kid`, so that JWTs signed
   * elsewhere with it (a benchmark minting many) verify. Default: a fresh 2048-bit key.
   */
  signingKey?: { readonly kid: string; readonly privateKeyPem: string }
}

/** Options of {@link Emulator.signSessionJwt}. */
export interface SignSessionJwtOptions {
  /** The whole payload, signed as given. */
  payload: Record<string, unknown>
  /** Merged over `{ alg: 'RS256', kid, typ: 'JWT' }`; a key set to `undefined` is removed. */
  header?: Record<string, unknown>
  /**
   * Which key signs (always RSA-SHA256, whatever `alg` says): the emulator's, a foreign key the
   * JWKS does not list, or `none` for an empty signature. Default `'emulator'`.
   */
  key?: 'emulator' | 'foreign' | 'none'
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT/`, what the SDK's `env` wants. */
  readonly url: string
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string
  readonly port: number
  readonly projectId: string
  readonly secret: string
  /** Codes sent, oldest first. */
  outbox(filter?: { to?: string; channel?: 'sms' | 'email' }): OutboxMessage[]
  /** The newest code sent to an email address (any case) or phone number. */
  lastCode(to: string): string | undefined
  /** Moves the emulator clock forward. @throws RangeError for a negative or non-finite value. */
  advanceClock(seconds: number): void
  /** The emulator clock. */
  now(): Date
  /**
   * Back to the seed: clears state, faults, counters, outbox and clock offset. Ids the seed does
   * not fix (`organization_id`, `member_id`) are new afterwards.
   */
  reset(): void
  /** The next `times` (default 1) calls to that exact API path get the fault. */
  injectFault(path: string, fault: Fault, times?: number): void
  clearFaults(): void
  /** API calls received after auth, for one path or in total. */
  calls(path?: string): number
  /** Member sessions created since start or reset. */
  sessionsMinted(): number
  /** Same semantics as `POST /v1/b2b/organizations`. */
  createOrganization(input: Omit<SeedOrganization, 'members'>): OrganizationJson
  /**
   * Same semantics as `POST /v1/b2b/organizations/{id}/members`; id or slug. The seed-only
   * `totp_secret`, `recovery_codes` and `default_mfa_method` apply too.
   */
  createMember(organization: string, input: SeedMember): MemberJson
  /**
   * The code the member's authenticator app shows now, on the emulator clock (a pending app
   * too). A code is accepted once: advance the clock 30 s before the next sign-in with TOTP.
   * @param member a member id, or an email address (any case).
   * @param organization id or slug, to pick among members of several organizations.
   * @throws Error for no such member, several, or a member without an authenticator app.
   */
  totpCode(member: string, organization?: string): string
  /** The member's recovery codes not used yet; same arguments and errors as `totpCode`. */
  recoveryCodes(member: string, organization?: string): string[]
  /**
   * Replaces the project's RBAC policy (on top of Stytch's defaults) until `reset()`, which
   * returns to the seed's. @throws TypeError for a policy that names unknown resources or actions.
   */
  setRbacPolicy(policy: RbacPolicyInput): void
  /** Signs any header and payload, for adversarial JWT tests. */
  signSessionJwt(options: SignSessionJwtOptions): string
  /** Stops listening and destroys open sockets, hanging ones included. */
  close(): Promise<void>
}
