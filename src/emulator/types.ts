/** @module Public types of the emulator: options, seed, faults, outbox, the running instance. */
import type { MemberJson, OrganizationJson } from './serialize.js'

/** `organization.mfa_policy`. */
export type MfaPolicy = 'REQUIRED_FOR_ALL' | 'OPTIONAL'

/** `organization.email_jit_provisioning`. */
export type EmailJitProvisioning = 'RESTRICTED' | 'NOT_ALLOWED'

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
  /** Default `[]`. */
  members?: SeedMember[]
}

/** What the emulator starts with, and returns to on `reset()`. */
export interface EmulatorSeed {
  organizations: SeedOrganization[]
}

/** A code the emulator "sent". */
export interface OutboxMessage {
  channel: 'sms' | 'email'
  /** The phone number (E.164) or email address. */
  to: string
  code: string
  organization_id: string
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
  /** Same semantics as `POST /v1/b2b/organizations/{id}/members`; id or slug. */
  createMember(organization: string, input: SeedMember): MemberJson
  /** Signs any header and payload, for adversarial JWT tests. */
  signSessionJwt(options: SignSessionJwtOptions): string
  /** Stops listening and destroys open sockets, hanging ones included. */
  close(): Promise<void>
}
