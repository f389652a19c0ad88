/** @module One-time codes: one active code per key, the rest remembered so reuse reads as "used". */
import { otpCodeNotFound, unableToAuthOtpCode } from './errors.js'

interface OtpRecord {
  readonly code: string
  readonly organization_id: string
  readonly member_id: string
  readonly expires_at: number
  state: 'active' | 'used' | 'superseded'
}

export interface IssueInput {
  readonly code: string
  readonly organization_id: string
  readonly member_id: string
  readonly expires_at: number
}

// Old codes are kept only to tell "used or superseded" (401) from "wrong" (404).
const REMEMBERED_PER_KEY = 20

/**
 * Codes keyed by what they were sent for: an email address (all codes to that address share
 * one key, as Stytch invalidates them together) or a member id (SMS).
 */
export class OtpStore {
  private readonly byKey = new Map<string, OtpRecord[]>()

  clear(): void {
    this.byKey.clear()
  }

  /** Supersedes the key's active code, as when the phone it went to is removed. */
  withdraw(key: string): void {
    for (const record of this.byKey.get(key) ?? []) {
      if (record.state === 'active') record.state = 'superseded'
    }
  }

  /** Stores a new active code and supersedes every earlier one for the key. */
  issue(key: string, input: IssueInput): void {
    const records = this.byKey.get(key) ?? []
    for (const record of records) {
      if (record.state === 'active') record.state = 'superseded'
    }
    records.push({ ...input, state: 'active' })
    this.byKey.set(key, records.slice(-REMEMBERED_PER_KEY))
  }

  /**
   * Consumes the code if it is the key's active, unexpired code for that organization.
   * A wrong code leaves the active code usable.
   * @throws 404 `otp_code_not_found` for a code never sent; 401 `unable_to_auth_otp_code` for
   * one that is expired, used or superseded.
   */
  consume(key: string, code: string, organizationId: string, now: number): OtpRecord {
    const matches = (this.byKey.get(key) ?? []).filter(
      (record) => record.organization_id === organizationId && record.code === code,
    )
    // inferred: a wrong code does not burn the active code.
    const latest = matches.at(-1)
    if (!latest) throw otpCodeNotFound()
    if (latest.state !== 'active' || now >= latest.expires_at) throw unableToAuthOtpCode()
    latest.state = 'used'
    return latest
  }
}
