/**
 * @module Sealing of small JSON payloads into cookie values: AES-256-GCM JWE (jose) with keys
 * derived from the app's secrets by HKDF, newest secret seals, every secret opens (rotation).
 * The expiry is inside the sealed payload, so a client cannot extend it (connect#546).
 */
import { hkdfSync } from 'node:crypto'
import { CompactEncrypt, compactDecrypt } from 'jose'

/** The longest sealed value `open` reads: with its name and attributes, within a 4 KB cookie. */
export const MAX_SEALED_LENGTH = 3800

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface Sealer {
  /** Seals `payload` with the newest key, adding `exp` (epoch seconds). */
  seal(payload: Record<string, unknown>, expiresAt: Date): Promise<string>
  /** Opens a sealed value; `undefined` for anything tampered, foreign, expired or malformed. */
  open(value: string, now: Date): Promise<Record<string, unknown> | undefined>
}

/**
 * @param secrets Newest first.
 * @param purpose Separates keys of different uses, so one cookie cannot pass for another.
 */
export function createSealer(secrets: readonly string[], purpose: string): Sealer {
  const keys = secrets.map(
    (secret) => new Uint8Array(hkdfSync('sha256', secret, 'stytch-b2b-mfa', `${purpose} v1`, 32)),
  )
  const [newest] = keys
  if (newest === undefined) throw new TypeError('createSealer needs at least one secret')
  return {
    async seal(payload, expiresAt) {
      const body = { ...payload, exp: Math.floor(expiresAt.getTime() / 1000) }
      return new CompactEncrypt(encoder.encode(JSON.stringify(body)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .encrypt(newest)
    },
    async open(value, now) {
      // A JWE compact value is five base64url parts; anything else is not ours.
      if (value.length > MAX_SEALED_LENGTH || !/^[\w-]*(\.[\w-]*){4}$/.test(value)) return undefined
      // base64url lets the last character of a part vary without changing the bytes; a value
      // that is not the canonical encoding was not written by us.
      if (
        value
          .split('.')
          .some((part) => Buffer.from(part, 'base64url').toString('base64url') !== part)
      ) {
        return undefined
      }
      for (const key of keys) {
        let plaintext: Uint8Array
        try {
          plaintext = (
            await compactDecrypt(value, key, {
              keyManagementAlgorithms: ['dir'],
              contentEncryptionAlgorithms: ['A256GCM'],
            })
          ).plaintext
        } catch {
          continue
        }
        const parsed: unknown = JSON.parse(decoder.decode(plaintext))
        if (typeof parsed !== 'object' || parsed === null) return undefined
        const exp = (parsed as { exp?: unknown }).exp
        if (typeof exp !== 'number' || exp * 1000 <= now.getTime()) return undefined
        return parsed as Record<string, unknown>
      }
      return undefined
    },
  }
}
