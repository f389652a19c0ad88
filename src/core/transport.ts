/** @module Whether a sign-in may set its cookies on this request (Secure, or dev mode). */
import { MfaError } from './errors.js'
import type { AuthRequest } from './http.js'

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
