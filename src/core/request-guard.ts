/**
 * @module Checks every state-changing request before anything else: POST only, and from this
 * site (Fetch Metadata first, then `Origin`, then `Referer`; none of them: refused).
 */
import { MfaError } from './errors.js'
import type { AuthRequest } from './ports/framework.js'

export interface OriginPolicy {
  /** The configured origin, or `undefined` to use the request's own. */
  readonly origin?: string | undefined
  readonly trustSameSite: boolean
}

function ownOrigin(req: AuthRequest, policy: OriginPolicy): string | undefined {
  if (policy.origin !== undefined) return policy.origin
  const host = req.header('host')
  return host === undefined ? undefined : `${req.secure ? 'https' : 'http'}://${host}`
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin
  } catch {
    return undefined
  }
}

/** Throws `method_not_allowed` or `cross_site_request` when the request may not change state. */
export function assertSameSitePost(req: AuthRequest, policy: OriginPolicy): void {
  if (req.method !== 'POST') throw new MfaError('method_not_allowed')
  assertSameSite(req, policy)
}

/** Methods that must not change state (RFC 9110 §9.2.1): no cross-site check for them. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Throws `cross_site_request` unless the request comes from this site, whatever its method. */
export function assertSameSite(req: AuthRequest, policy: OriginPolicy): void {
  const site = req.header('sec-fetch-site')
  if (site === 'same-origin' || site === 'none') return
  if (site === 'same-site' && policy.trustSameSite) return
  if (site === 'same-site' || site === 'cross-site') {
    throw new MfaError('cross_site_request', `Refused a POST with Sec-Fetch-Site: ${site}`)
  }
  // No (or an unknown) Sec-Fetch-Site: an older browser or a non-browser client.
  const expected = ownOrigin(req, policy)
  const origin = req.header('origin')
  const claimed =
    origin !== undefined ? originOf(origin) : originOf(req.header('referer') ?? 'null')
  if (expected === undefined || claimed === undefined || claimed !== expected) {
    throw new MfaError(
      'cross_site_request',
      origin === undefined && req.header('referer') === undefined
        ? 'Refused a POST without Origin, Referer or Sec-Fetch-Site'
        : 'Refused a POST from another origin',
    )
  }
}
