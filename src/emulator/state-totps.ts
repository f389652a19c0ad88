/**
 * @module Authenticator apps: one TOTP registration per member (RFC 6238 on the emulator clock,
 * via `otpauth`) and the recovery codes that come with it.
 */
import { randomInt } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import { EmulatorApiError, badRequest } from './errors.js'
import { newId } from './ids.js'
import type { MemberRecord, OrganizationRecord } from './records.js'

/** The step of Stytch's authenticator apps (6 digits, SHA-1: see `totpOf`). */
const TOTP_PERIOD_SECONDS = 30
/** Codes of the previous and next step are accepted too, as Stytch documents for TOTP. */
const TOTP_WINDOW = 1
/** How many recovery codes a registration carries (Stytch's samples show ten). */
const RECOVERY_CODE_COUNT = 10
const RECOVERY_CODE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
// inferred: the prefixes of the ids (`member-totp-test-…`, `totp-recovery-code-test-…`).
const REGISTRATION_ID_KIND = 'member-totp'
const RECOVERY_CODE_ID_KIND = 'totp-recovery-code'
/** `xxxx-xxxx-xxxx`, lower-case letters and digits, the shape of Stytch's samples. */
export const RECOVERY_CODE_SHAPE = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/
/** A TOTP code: six digits. */
export const TOTP_CODE_SHAPE = /^\d{6}$/

export interface RecoveryCodeRecord {
  readonly code: string
  readonly totp_recovery_code_id: string
  used: boolean
}

export interface TotpRegistrationRecord {
  readonly totp_registration_id: string
  readonly organization_id: string
  readonly member_id: string
  /** Base32. */
  readonly secret: string
  /** True after the first accepted code; a pending registration expires. */
  verified: boolean
  readonly expires_at: number
  /** The time step of the last accepted code: a code of that step or an earlier one is spent. */
  last_step: number
  recovery_codes: RecoveryCodeRecord[]
}

function totpOf(secret: string, naming: { issuer?: string; label?: string } = {}): TOTP {
  return new TOTP({
    ...naming,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
  })
}

function recoveryCode(): string {
  const part = () =>
    Array.from(
      { length: 4 },
      () => RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)],
    ).join('')
  return `${part()}-${part()}-${part()}`
}

function recoveryCodes(codes?: readonly string[]): RecoveryCodeRecord[] {
  const plain = codes ?? Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode)
  return plain.map((code) => ({
    code,
    totp_recovery_code_id: newId(RECOVERY_CODE_ID_KIND),
    used: false,
  }))
}

export const totpNotFound = (): EmulatorApiError =>
  // inferred: 404 totp_not_found (type exists) for a member with no live registration.
  new EmulatorApiError(404, 'totp_not_found', '((The member has no TOTP registration.))')

/** Registrations by member id; an expired pending registration counts as gone. */
export class TotpStore {
  private readonly byMember = new Map<string, TotpRegistrationRecord>()

  clear(): void {
    this.byMember.clear()
  }

  /** The member's verified registration or unexpired pending one. */
  find(memberId: string, now: number): TotpRegistrationRecord | undefined {
    const registration = this.byMember.get(memberId)
    if (registration && !registration.verified && now >= registration.expires_at) {
      this.byMember.delete(memberId)
      return undefined
    }
    return registration
  }

  /** The member's verified registration, else 400 `no_active_recovery_code_backed_factor`. */
  verified(memberId: string, now: number): TotpRegistrationRecord {
    const registration = this.find(memberId, now)
    if (!registration?.verified) {
      // inferred: 400 and this type (it exists) for recovery codes without a verified TOTP.
      throw badRequest(
        'no_active_recovery_code_backed_factor',
        '((The member has no verified TOTP registration to back recovery codes.))',
      )
    }
    return registration
  }

  /**
   * A new pending registration with fresh recovery codes.
   * @throws 400 `active_totp_exists` (confirmed) when the member has a verified one, 400
   * `pending_totp_exists` (inferred) when an unexpired pending one exists.
   */
  create(
    organization: OrganizationRecord,
    member: MemberRecord,
    expiresAt: number,
    now: number,
  ): TotpRegistrationRecord {
    const existing = this.find(member.member_id, now)
    if (existing?.verified) {
      throw badRequest(
        'active_totp_exists',
        'Cannot create a new TOTP for the specified user since the user already has an active TOTP. Users may only have one active TOTP at a time.',
      )
    }
    if (existing) {
      throw badRequest(
        'pending_totp_exists',
        '((The member has a TOTP registration waiting for its first code; delete it first.))',
      )
    }
    const registration: TotpRegistrationRecord = {
      totp_registration_id: newId(REGISTRATION_ID_KIND),
      organization_id: organization.organization_id,
      member_id: member.member_id,
      secret: new Secret({ size: 20 }).base32,
      verified: false,
      expires_at: expiresAt,
      last_step: -1,
      recovery_codes: recoveryCodes(),
    }
    this.byMember.set(member.member_id, registration)
    return registration
  }

  /** A verified registration with a known secret, for seeds. */
  seed(
    organization: OrganizationRecord,
    member: MemberRecord,
    secret: string,
    codes: readonly string[] | undefined,
  ): TotpRegistrationRecord {
    const registration: TotpRegistrationRecord = {
      totp_registration_id: newId(REGISTRATION_ID_KIND),
      organization_id: organization.organization_id,
      member_id: member.member_id,
      secret: secret.toUpperCase(),
      verified: true,
      expires_at: Number.POSITIVE_INFINITY,
      last_step: -1,
      recovery_codes: recoveryCodes(codes),
    }
    this.byMember.set(member.member_id, registration)
    return registration
  }

  delete(memberId: string): void {
    this.byMember.delete(memberId)
  }
}

/**
 * Whether `code` is the code of a step within ±1 of now that was not spent yet. An accepted code
 * spends its step and every earlier one.
 */
export function checkTotpCode(
  registration: TotpRegistrationRecord,
  code: string,
  now: number,
): 'ok' | 'wrong' | 'replayed' {
  const totp = totpOf(registration.secret)
  const delta = totp.validate({ token: code, timestamp: now, window: TOTP_WINDOW })
  if (delta === null) return 'wrong'
  const step = totp.counter({ timestamp: now }) + delta
  // inferred: a code cannot be used twice within its window (Stytch has the error type).
  if (step <= registration.last_step) return 'replayed'
  registration.last_step = step
  return 'ok'
}

/** The code an authenticator app shows at `now` (for tests). */
export function totpCodeAt(registration: TotpRegistrationRecord, now: number): string {
  return totpOf(registration.secret).generate({ timestamp: now })
}

/** The `otpauth://` URI that the QR code carries. */
export function totpUri(
  registration: TotpRegistrationRecord,
  issuer: string,
  label: string,
): string {
  return totpOf(registration.secret, { issuer, label }).toString()
}

/** The unused recovery codes, in the order they were issued. */
export function activeRecoveryCodes(registration: TotpRegistrationRecord): string[] {
  return registration.recovery_codes.filter((record) => !record.used).map(({ code }) => code)
}

/** Replaces every recovery code with a new set. */
export function rotateRecoveryCodes(registration: TotpRegistrationRecord): void {
  registration.recovery_codes = recoveryCodes()
}
