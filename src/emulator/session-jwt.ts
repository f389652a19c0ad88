/** @module Session JWTs with Stytch's claims, and reading them back. */
import { badRequest, sessionNotFound } from './errors.js'
import { rfc3339 } from './ids.js'
import { signJwt, verifySignature, type SigningKey } from './jwt.js'
import type { MemberRecord, OrganizationRecord, SessionRecord } from './records.js'
import { factorJson, roleIds } from './serialize.js'

/** Stytch's fixed JWT lifetime, whatever the session's duration. */
export const JWT_LIFETIME_SECONDS = 300

/** Namespaced claims the SDK reads the session and organization from. */
export const SESSION_CLAIM = 'https://stytch.com/session'
export const ORGANIZATION_CLAIM = 'https://stytch.com/organization'

/** Mints and reads session JWTs with the emulator's key. */
export class SessionJwts {
  constructor(
    private readonly key: SigningKey,
    private readonly projectId: string,
  ) {}

  get issuer(): string {
    return `stytch.com/${this.projectId}`
  }

  /** A fresh 5-minute JWT for the session, issued at `now` (ms, emulator clock). */
  async mint(
    session: SessionRecord,
    organization: OrganizationRecord,
    member: MemberRecord,
    now: number,
  ): Promise<string> {
    const iat = Math.floor(now / 1000)
    return signJwt(this.key, {
      // Custom claims go first: the registered and namespaced claims below always win.
      ...session.custom_claims,
      sub: session.member_id,
      aud: [this.projectId],
      iss: this.issuer,
      iat,
      nbf: iat,
      exp: iat + JWT_LIFETIME_SECONDS,
      [SESSION_CLAIM]: {
        id: session.member_session_id,
        started_at: rfc3339(session.started_at),
        last_accessed_at: rfc3339(session.last_accessed_at),
        expires_at: rfc3339(session.expires_at),
        attributes: { ip_address: '', user_agent: '' },
        authentication_factors: session.factors.map(factorJson),
        roles: roleIds(member, organization),
      },
      [ORGANIZATION_CLAIM]: {
        organization_id: organization.organization_id,
        slug: organization.organization_slug,
      },
    })
  }

  /**
   * The session a JWT names, if it is ours: signature, `kid`, `typ`, `iss` and `aud` must check
   * out; `exp` and `nbf` are not checked (Stytch accepts an expired JWT of a live session).
   */
  async sessionIdOf(token: string): Promise<{ sessionId: string; memberId: string }> {
    if (token.split('.').length !== 3) {
      // inferred: 400 unable_to_parse_session_jwt for a value that is not a JWT at all.
      throw badRequest('unable_to_parse_session_jwt', '((session_jwt is not a JWT.))')
    }
    const verified = await verifySignature(this.key, token)
    // inferred: 404 session_not_found for a JWT that is not ours.
    if (!verified) throw sessionNotFound()
    const { header, payload } = verified
    const { aud, sub } = payload
    const claim = payload[SESSION_CLAIM]
    const sessionId =
      typeof claim === 'object' && claim !== null && 'id' in claim ? claim.id : undefined
    const audienceOk =
      aud === this.projectId || (Array.isArray(aud) && aud.includes(this.projectId))
    if (
      header.typ !== 'JWT' ||
      payload.iss !== this.issuer ||
      !audienceOk ||
      typeof sub !== 'string' ||
      typeof sessionId !== 'string'
    ) {
      throw sessionNotFound()
    }
    return { sessionId, memberId: sub }
  }
}
