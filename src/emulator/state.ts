/**
 * @module Everything one emulator instance holds: directory, codes, sessions, outbox, clock,
 * faults and call counters. No module-level state: two emulators never share anything.
 * Behaviours whose exact Stytch status/type is inferred are listed in errors.ts.
 */
import { EmulatorApiError } from './errors.js'
import { FaultQueue } from './faults.js'
import { rfc3339 } from './ids.js'
import type { MemberRecord, OrganizationRecord } from './records.js'
import { Directory } from './state-directory.js'
import { MemberLocks } from './state-locks.js'
import { OtpStore } from './state-otps.js'
import { RbacStore } from './state-rbac.js'
import { SessionStore } from './state-sessions.js'
import { TotpStore } from './state-totps.js'
import type { EmulatorSeed, OutboxMessage, SeedMember } from './types.js'

/** Stytch's SMS code lifetime (not configurable there either). */
export const SMS_CODE_LIFETIME_MS = 2 * 60 * 1000

export interface StateOptions {
  readonly seed: EmulatorSeed
  readonly baseNow: () => number
  readonly generateCode: () => string
  readonly onMessage: ((message: OutboxMessage) => void) | undefined
}

/** Runs one seeding step, turning an API error into a `TypeError` that says where. */
function seeding<T>(where: string, step: () => T): T {
  try {
    return step()
  } catch (error) {
    if (!(error instanceof EmulatorApiError)) throw error
    throw new TypeError(`Invalid emulator seed at ${where}: ${error.errorType} ${error.message}`, {
      cause: error,
    })
  }
}

/** The state of one emulator: created from the seed, reset to it. */
export class EmulatorState {
  readonly directory: Directory
  /** Email codes, keyed by lower-cased address. */
  readonly emailOtps = new OtpStore()
  /** SMS codes, keyed by member id (one active code per member). */
  readonly smsOtps = new OtpStore()
  readonly sessions = new SessionStore()
  readonly totps = new TotpStore()
  readonly locks = new MemberLocks()
  readonly faults = new FaultQueue()
  readonly rbac: RbacStore
  private readonly sent: OutboxMessage[] = []
  private readonly callCounts = new Map<string, number>()
  private offsetMs = 0

  constructor(private readonly options: StateOptions) {
    this.directory = new Directory(() => this.now())
    this.rbac = seeding('rbac_policy', () => new RbacStore(options.seed.rbac_policy))
    this.applySeed()
  }

  /** The emulator clock in ms: the base clock plus whatever `advance()` added. */
  now(): number {
    return this.options.baseNow() + this.offsetMs
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`seconds must be a finite number >= 0, got ${String(seconds)}`)
    }
    this.offsetMs += seconds * 1000
  }

  private generateCode(): string {
    return this.options.generateCode()
  }

  /** Wipes everything back to the seed. */
  reset(): void {
    this.directory.clear()
    this.emailOtps.clear()
    this.smsOtps.clear()
    this.sessions.clear()
    this.totps.clear()
    this.locks.clear()
    this.faults.clear()
    this.sent.length = 0
    this.callCounts.clear()
    this.offsetMs = 0
    this.rbac.reset()
    this.applySeed()
  }

  /** Sends a new SMS code to the member's phone; it supersedes the previous one. */
  sendSmsCode(organization: OrganizationRecord, member: MemberRecord): void {
    const code = this.generateCode()
    this.smsOtps.issue(member.member_id, {
      code,
      organization_id: organization.organization_id,
      member_id: member.member_id,
      expires_at: this.now() + SMS_CODE_LIFETIME_MS,
    })
    this.deliver(
      'sms',
      member.mfa_phone_number,
      code,
      organization.organization_id,
      member.member_id,
    )
  }

  /** Sends a new email code; it supersedes every earlier code to that address. */
  sendEmailCode(organization: OrganizationRecord, member: MemberRecord, minutes: number): void {
    const code = this.generateCode()
    this.emailOtps.issue(member.email_address, {
      code,
      organization_id: organization.organization_id,
      member_id: member.member_id,
      expires_at: this.now() + minutes * 60_000,
    })
    this.deliver(
      'email',
      member.email_address,
      code,
      organization.organization_id,
      member.member_id,
    )
  }

  /**
   * Sends a discovery code, for no organization yet; like any email code it supersedes every
   * earlier code to that address (inferred: discovery and organization codes share that rule).
   */
  sendDiscoveryEmailCode(email: string, minutes: number): void {
    const code = this.generateCode()
    const address = email.toLowerCase()
    this.emailOtps.issue(address, {
      code,
      organization_id: '',
      member_id: '',
      expires_at: this.now() + minutes * 60_000,
    })
    this.deliver('email', address, code, '', '')
  }

  private deliver(
    channel: OutboxMessage['channel'],
    to: string,
    code: string,
    organizationId: string,
    memberId: string,
  ): void {
    const message: OutboxMessage = {
      channel,
      to,
      code,
      organization_id: organizationId,
      member_id: memberId,
      sent_at: rfc3339(this.now()),
    }
    this.sent.push(message)
    this.options.onMessage?.({ ...message })
  }

  outbox(filter: { to?: string | undefined; channel?: string | undefined } = {}): OutboxMessage[] {
    const to = filter.to?.toLowerCase()
    return this.sent
      .filter((message) => to === undefined || message.to.toLowerCase() === to)
      .filter((message) => filter.channel === undefined || message.channel === filter.channel)
      .map((message) => ({ ...message }))
  }

  countCall(path: string): void {
    this.callCounts.set(path, (this.callCounts.get(path) ?? 0) + 1)
  }

  calls(path?: string): number {
    if (path !== undefined) return this.callCounts.get(path) ?? 0
    let total = 0
    for (const count of this.callCounts.values()) total += count
    return total
  }

  callsByPath(): Record<string, number> {
    return Object.fromEntries(this.callCounts)
  }

  /** Creates a member as the API does, plus the seed-only authenticator app and default. */
  seedMember(organization: OrganizationRecord, input: SeedMember): MemberRecord {
    const member = this.directory.createMember(organization, input)
    if (input.totp_secret !== undefined) {
      const registration = this.totps.seed(
        organization,
        member,
        input.totp_secret,
        input.recovery_codes,
      )
      member.totp_registration_id = registration.totp_registration_id
      if (member.default_mfa_method === '') member.default_mfa_method = 'totp'
    }
    if (input.default_mfa_method !== undefined) {
      member.default_mfa_method = input.default_mfa_method
    }
    return member
  }

  private applySeed(): void {
    for (const [index, { members = [], ...input }] of this.options.seed.organizations.entries()) {
      const organization = seeding(`organizations.${String(index)}`, () => {
        const created = this.directory.createOrganization(input)
        created.custom_roles = this.rbac.organizationRoles(created.custom_roles)
        return created
      })
      for (const [memberIndex, member] of members.entries()) {
        seeding(`organizations.${String(index)}.members.${String(memberIndex)}`, () =>
          this.seedMember(organization, member),
        )
      }
    }
  }
}
