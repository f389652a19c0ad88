/**
 * @module Stytch's user locks: after too many failed codes in a row a member is locked out for a
 * while (`member.is_locked`, 429 `user_lock_limit_reached`).
 */
import { EmulatorApiError } from './errors.js'
import type { MemberRecord } from './records.js'

/** Stytch's default "user lock threshold": consecutive failures that lock a member. */
export const USER_LOCK_THRESHOLD = 10
/** Stytch's default "user lock TTL". */
export const USER_LOCK_TTL_MS = 60 * 60 * 1000

/** Consecutive failures by member id; the lock itself is on the member record. */
export class MemberLocks {
  private readonly failures = new Map<string, number>()

  clear(): void {
    this.failures.clear()
  }

  /** @throws 429 `user_lock_limit_reached` (confirmed) while the member is locked. */
  check(member: MemberRecord, now: number): void {
    if (!member.lock) return
    if (now >= member.lock.expires_at) {
      member.lock = undefined
      return
    }
    throw new EmulatorApiError(
      429,
      'user_lock_limit_reached',
      'The user has been locked out due to too many failed authentication attempts. Please try again later.',
    )
  }

  /**
   * Counts a failed code; the failure that reaches the threshold is answered as usual and locks
   * the member for the calls after it.
   */
  failed(member: MemberRecord, now: number): void {
    const count = (this.failures.get(member.member_id) ?? 0) + 1
    if (count < USER_LOCK_THRESHOLD) {
      this.failures.set(member.member_id, count)
      return
    }
    // inferred: which attempt answers 429, and that TOTP and recovery-code failures count.
    this.failures.delete(member.member_id)
    member.lock = { created_at: now, expires_at: now + USER_LOCK_TTL_MS }
  }

  /** A success outside a lock resets the count (Stytch documents this). */
  succeeded(member: MemberRecord): void {
    this.failures.delete(member.member_id)
  }
}
