/**
 * @module `session_custom_claims`, as Stytch documents them: merged into the session ("To delete
 * a key, supply a null value"), reserved JWT claims ignored, at most 4 KB in total. They show as
 * `member_session.custom_claims` and as top-level claims of the session JWT.
 */
import { z } from 'zod'
import { badRequest } from './errors.js'
import type { SessionRecord } from './records.js'

const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'])
const STYTCH_NAMESPACE = 'https://stytch.com/'
const MAX_BYTES = 4096

/** The request field. */
export const customClaimsField = z.record(z.string(), z.unknown()).optional()

/**
 * The claims merged into `existing`: a `null` value deletes a key, reserved JWT claims are
 * ignored.
 * @throws 400 `stytch_claims_in_custom_claims` for a key in Stytch's namespace, 400
 * `custom_claims_too_large` when the result exceeds 4 KB.
 */
export function mergeCustomClaims(
  existing: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...existing }
  if (claims === undefined) return merged
  for (const [key, value] of Object.entries(claims)) {
    if (RESERVED_CLAIMS.has(key)) continue
    if (key.startsWith(STYTCH_NAMESPACE)) {
      // inferred: 400 (the type exists in Stytch's error list; its SDKs reserve the namespace).
      throw badRequest('stytch_claims_in_custom_claims', `((${key} is reserved for Stytch.))`)
    }
    if (value === null) Reflect.deleteProperty(merged, key)
    else merged[key] = value
  }
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_BYTES) {
    // inferred: 400 custom_claims_too_large.
    throw badRequest('custom_claims_too_large', '((Custom claims may not exceed 4 KB.))')
  }
  return structuredClone(merged)
}

/** Merges the claims into the session; nothing changes when they are refused. */
export function applyCustomClaims(
  session: SessionRecord,
  claims: Readonly<Record<string, unknown>> | undefined,
): void {
  session.custom_claims = mergeCustomClaims(session.custom_claims, claims)
}
