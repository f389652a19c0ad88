/** @module Intermediate sessions (ISTs) and member sessions. */
import { intermediateSessionNotFound, sessionNotFound } from './errors.js'
import { newId, newSecret } from './ids.js'
import type { FactorRecord, IntermediateSessionRecord, SessionRecord } from './records.js'

/** Stytch's IST lifetime. */
export const IST_LIFETIME_MS = 10 * 60 * 1000

/** ISTs by token, sessions by id and by token. Expired entries are treated as gone. */
export class SessionStore {
  private readonly ists = new Map<string, IntermediateSessionRecord>()
  private readonly sessions = new Map<string, SessionRecord>()
  private readonly idByToken = new Map<string, string>()
  private minted = 0

  clear(): void {
    this.ists.clear()
    this.sessions.clear()
    this.idByToken.clear()
    this.minted = 0
  }

  /** Member sessions created since start or the last clear. */
  mintedCount(): number {
    return this.minted
  }

  createIntermediate(
    organizationId: string,
    memberId: string,
    primaryFactor: FactorRecord,
    now: number,
  ): IntermediateSessionRecord {
    const record: IntermediateSessionRecord = {
      token: newSecret(),
      organization_id: organizationId,
      member_id: memberId,
      expires_at: now + IST_LIFETIME_MS,
      primary_factor: primaryFactor,
    }
    this.ists.set(record.token, record)
    return record
  }

  /** A live IST, else 404 `intermediate_session_not_found` (unknown, expired or consumed). */
  intermediate(token: string, now: number): IntermediateSessionRecord {
    const record = this.ists.get(token)
    if (!record || now >= record.expires_at) {
      this.ists.delete(token)
      throw intermediateSessionNotFound()
    }
    return record
  }

  /** Single use: a consumed IST is gone. */
  consumeIntermediate(record: IntermediateSessionRecord): void {
    this.ists.delete(record.token)
  }

  create(
    organizationId: string,
    memberId: string,
    factors: FactorRecord[],
    durationMinutes: number,
    now: number,
  ): SessionRecord {
    const session: SessionRecord = {
      member_session_id: newId('member-session'),
      session_token: newSecret(),
      organization_id: organizationId,
      member_id: memberId,
      started_at: now,
      last_accessed_at: now,
      expires_at: now + durationMinutes * 60_000,
      factors,
      custom_claims: {},
    }
    this.sessions.set(session.member_session_id, session)
    this.idByToken.set(session.session_token, session.member_session_id)
    this.minted += 1
    return session
  }

  /** A live session by token, else 404 `session_not_found`. */
  byToken(token: string, now: number): SessionRecord {
    return this.byId(this.idByToken.get(token) ?? '', now)
  }

  /** A live session by id, else 404 `session_not_found` (unknown, revoked or expired). */
  byId(id: string, now: number): SessionRecord {
    const session = this.sessions.get(id)
    if (!session || now >= session.expires_at) throw sessionNotFound()
    return session
  }

  revoke(session: SessionRecord): void {
    this.sessions.delete(session.member_session_id)
    this.idByToken.delete(session.session_token)
  }

  /** The member's live sessions, oldest first. */
  ofMember(memberId: string, now: number): SessionRecord[] {
    return [...this.sessions.values()].filter(
      (session) => session.member_id === memberId && now < session.expires_at,
    )
  }

  /** Revokes every session of the member; returns how many. */
  revokeMember(memberId: string): number {
    const doomed = [...this.sessions.values()].filter((session) => session.member_id === memberId)
    for (const session of doomed) this.revoke(session)
    return doomed.length
  }
}

/** What makes two factors "the same" on one session; a session keeps one recovery-code factor. */
function factorKey(factor: FactorRecord): string {
  switch (factor.kind) {
    case 'email_otp':
      return `email:${factor.email_id}`
    case 'sms_otp':
      return `sms:${factor.phone_id}`
    case 'totp':
      return `totp:${factor.totp_id}`
    case 'recovery_code':
      return 'recovery_code'
  }
}

/** The factors with `factor` added, or refreshed in place if the session already has it. */
export function withFactor(factors: readonly FactorRecord[], factor: FactorRecord): FactorRecord[] {
  const key = factorKey(factor)
  const existing = factors.find((other) => factorKey(other) === key)
  if (!existing) return [...factors, factor]
  return factors.map((other) =>
    other === existing ? { ...factor, created_at: existing.created_at } : other,
  )
}

/**
 * Adds (or refreshes) a factor on a live session, as a step-up does. The session is extended
 * only when `minutes` is given.
 */
export function refreshSession(
  session: SessionRecord,
  factor: FactorRecord,
  minutes: number | undefined,
  now: number,
): void {
  session.factors = withFactor(session.factors, factor)
  session.last_accessed_at = now
  if (minutes !== undefined) session.expires_at = now + minutes * 60_000
}
