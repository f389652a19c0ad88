/** @module Which cookies a request uses: the `__Host-`/Secure ones, or (dev mode) plain ones. */
import { MfaError } from './errors.js'
import type { AuthRequest } from './http.js'

/**
 * Whether the library's cookies on this request are the `__Host-`/Secure ones: always, unless
 * the insecure dev mode is on and the request came over plain http. Outside that mode the
 * library never sets the unprefixed names, so it never reads them either (a sibling subdomain
 * can plant those), and the guard needs no look at the transport on each request.
 */
export function cookiesAreSecure(req: AuthRequest, allowInsecureCookies: boolean): boolean {
  return !allowInsecureCookies || req.secure
}

/**
 * True when cookies get `Secure` and `__Host-`; false in the explicit insecure dev mode.
 * Throws `insecure_transport` on plain http otherwise: setting a Secure cookie there would be
 * silently dropped (express-session) or throw (Koa), both worse than a clear error.
 */
export function secureCookies(req: AuthRequest, allowInsecureCookies: boolean): boolean {
  if (req.secure) return true
  if (allowInsecureCookies) return false
  throw new MfaError(
    'insecure_transport',
    'Refused to sign in over plain http: serve https (behind a TLS proxy, set Express "trust proxy" or Koa app.proxy), or set allowInsecureCookies for local development',
  )
}
