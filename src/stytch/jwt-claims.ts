/**
 * @module Session JWTs checked as the SDK's `authenticateJwtLocal` checks them — an RS256
 * signature by a key of the project's JWKS (fetched and cached by jose), the issuer, the
 * audience, expiry and not-before — with the signature checked by node:crypto rather than by
 * jose's WebCrypto, at about a fifth of the cost (docs/performance.md). A new instance behind a
 * load balancer checks the JWT of every active member once.
 */
import { KeyObject, verify } from 'node:crypto'
import {
  createRemoteJWKSet,
  type CryptoKey,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose'
import { MfaError } from '../core/errors.js'
import { fromJoseError } from './map-error.js'

/** Where the project's keys are, and how its JWTs are addressed. */
export interface JwtChecks {
  readonly projectId: string
  readonly baseUrl: string
  readonly clockToleranceSeconds: number
  /** How long a JWKS fetch may take. */
  readonly timeoutMs: number
}

/** Resolves with the JWT's claims once every check passed, or rejects with an `MfaError`. */
export type ClaimsOf = (
  jwt: string,
  header: ProtectedHeaderParameters,
  now: Date,
) => Promise<JWTPayload>

const refused = (why: string) =>
  new MfaError('not_signed_in', `The session JWT was refused (${why})`)

function decodedPayload(encoded: string): JWTPayload {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
  } catch {
    throw refused('payload is not JSON')
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw refused('payload is not an object')
  }
  return payload as JWTPayload
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

/** jose's claim checks, with the SDK's issuers and audience (`stytch/dist/b2b/client.js`). */
function checkClaims(payload: JWTPayload, checks: JwtChecks, now: Date): void {
  const { projectId, baseUrl, clockToleranceSeconds: tolerance } = checks
  const issuers = [`stytch.com/${projectId}`, baseUrl.replace(/\/+$/, '')]
  if (typeof payload.iss !== 'string' || !issuers.includes(payload.iss)) throw refused('issuer')
  const { aud } = payload
  if (!(aud === projectId || (Array.isArray(aud) && aud.includes(projectId)))) {
    throw refused('audience')
  }
  const seconds = now.getTime() / 1000
  if (!isNumber(payload.exp) || payload.exp <= seconds - tolerance) throw refused('expired')
  if (payload.nbf !== undefined && (!isNumber(payload.nbf) || payload.nbf > seconds + tolerance)) {
    throw refused('not yet valid')
  }
  if (payload.iat !== undefined && !isNumber(payload.iat)) throw refused('iat')
}

/** A checker for the project's session JWTs; the header was checked before (alg, kid, typ). */
export function createClaimsOf(checks: JwtChecks): ClaimsOf {
  const jwks = createRemoteJWKSet(
    new URL(`v1/b2b/sessions/jwks/${encodeURIComponent(checks.projectId)}`, checks.baseUrl),
    { timeoutDuration: checks.timeoutMs },
  )
  // jose hands back the same CryptoKey for a JWK until the set is fetched again.
  const keyObjects = new WeakMap<CryptoKey, KeyObject>()

  return async function claimsOf(jwt, header, now) {
    const [encodedHeader = '', encodedPayload = '', signature = ''] = jwt.split('.')
    let key: CryptoKey
    try {
      key = await jwks(header, { protected: encodedHeader, payload: encodedPayload, signature })
    } catch (error) {
      throw fromJoseError(error)
    }
    let keyObject = keyObjects.get(key)
    if (keyObject === undefined) {
      keyObject = KeyObject.from(key)
      keyObjects.set(key, keyObject)
    }
    const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`)
    if (!verify('sha256', signed, keyObject, Buffer.from(signature, 'base64url'))) {
      throw refused('signature')
    }
    const payload = decodedPayload(encodedPayload)
    checkClaims(payload, checks, now)
    return payload
  }
}
