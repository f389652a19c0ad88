/** @module RS256 signing keys, the JWKS document, and JWT signing/verification primitives. */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto'
import { promisify } from 'node:util'
import { SignJWT, compactVerify, type JWTPayload } from 'jose'
import { newId } from './ids.js'

export interface SigningKey {
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
}

/** A JWK as Stytch's JWKS lists it (the SDK's `JWK` type). */
export interface JwkJson {
  kty: string
  use: string
  key_ops: string[]
  alg: string
  kid: string
  x5c: string[]
  x5tS256: string
  n: string
  e: string
}

const generateRsa = promisify(generateKeyPair)

/** A fresh 2048-bit RSA key with a Stytch-like `kid`. */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 })
  return { kid: newId('jwk'), privateKey, publicKey }
}

/** A key given as a PKCS#8 PEM, with its `kid`. */
export function signingKeyFrom(kid: string, privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem)
  return { kid, privateKey, publicKey: createPublicKey(privateKey) }
}

/** Same, synchronously (for the rarely needed foreign key of adversarial tests). */
export function createSigningKeySync(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid: newId('jwk'), privateKey, publicKey }
}

/** The public half as the JWKS lists it. */
export function jwk(key: SigningKey): JwkJson {
  const { n, e } = key.publicKey.export({ format: 'jwk' })
  return {
    kty: 'RSA',
    use: 'sig',
    key_ops: ['verify'],
    alg: 'RS256',
    kid: key.kid,
    x5c: [],
    x5tS256: '',
    n: n ?? '',
    e: e ?? '',
  }
}

/** Signs a session JWT the way Stytch does: `{ alg: 'RS256', kid, typ: 'JWT' }`. */
export async function signJwt(key: SigningKey, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey)
}

/**
 * Signs any header and payload with RSA-SHA256 (or not at all when `key` is undefined),
 * whatever the header claims: adversarial tests need tokens jose would refuse to produce.
 */
export function signAnything(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: SigningKey | undefined,
): string {
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode(header)}.${encode(payload)}`
  const signature = key
    ? sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')
    : ''
  return `${input}.${signature}`
}

/**
 * Checks only the RS256 signature and `kid` against the emulator's key; claims are the caller's
 * business (an expired `exp` is fine for `sessions/authenticate`).
 * @returns the header and payload, or `undefined` if the token is not one of ours.
 */
export async function verifySignature(
  key: SigningKey,
  token: string,
): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> } | undefined> {
  try {
    const { protectedHeader, payload } = await compactVerify(token, key.publicKey, {
      algorithms: ['RS256'],
    })
    if (protectedHeader.kid !== key.kid) return undefined
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined
    return { header: protectedHeader, payload: claims as Record<string, unknown> }
  } catch {
    return undefined
  }
}
