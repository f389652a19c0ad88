/** @module Identifiers and secrets in the shapes Stytch's test environment uses. */
import { randomBytes, randomInt, randomUUID } from 'node:crypto'

/** `<kind>-test-<uuid>`, e.g. `member-test-…`, `request-id-test-…`. */
export function newId(kind: string): string {
  return `${kind}-test-${randomUUID()}`
}

/** An unguessable bearer secret (session token, IST): 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** A crypto-random 6-digit code, zero-padded. */
export function randomCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0')
}

/** RFC 3339 in UTC without fractional seconds, as Stytch writes timestamps. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
