/** @module Which cookies a request uses: the `__Host-`/Secure ones, or (dev mode) plain ones. */
import { MfaError } from './errors.js'
import type { AuthRequest } from './ports/framework.js'

/** `localhost` and its subdomains, 127.0.0.0/8 or `[::1]`, each with an optional port. */
const LOOPBACK_HOST =
  /^(?:(?:[a-z0-9-]+\.)*localhost|127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|\[::1\])(?::\d{1,5})?$/

/**
 * True when the `Host` header names this machine, as browsers do for `http://localhost`
 * development. The header is the client's to write, and that is fine here: a browser writes the
 * host of the address it was sent to, so naming `localhost` to a deployment elsewhere can only
 * come from a client choosing it for itself, and it then gets the plain cookies for itself.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host.toLowerCase())
}

/** The insecure dev mode applies: the option is on, and this is plain http to a loopback host. */
function insecureAllowed(req: AuthRequest, allowInsecureCookies: boolean): boolean {
  return allowInsecureCookies && !req.secure && isLoopbackHost(req.header('host'))
}

/**
 * Whether the library's cookies on this request are the `__Host-`/Secure ones: always, unless
 * the insecure dev mode applies. Outside that mode the library never sets the unprefixed names,
 * so it never reads them either (a sibling subdomain can plant those), and with the option off
 * the guard needs no look at the transport on each request.
 */
export function cookiesAreSecure(req: AuthRequest, allowInsecureCookies: boolean): boolean {
  return !insecureAllowed(req, allowInsecureCookies)
}

/**
 * True when cookies get `Secure` and `__Host-`; false in the explicit insecure dev mode.
 * Throws `insecure_transport` on plain http otherwise: setting a Secure cookie there would be
 * silently dropped (express-session) or throw (Koa), both worse than a clear error.
 */
export function secureCookies(req: AuthRequest, allowInsecureCookies: boolean): boolean {
  if (req.secure) return true
  if (insecureAllowed(req, allowInsecureCookies)) return false
  throw new MfaError(
    'insecure_transport',
    allowInsecureCookies
      ? 'Refused to sign in over plain http: allowInsecureCookies covers only requests to localhost, *.localhost, 127.0.0.0/8 or [::1]; serve https anywhere else'
      : 'Refused to sign in over plain http: serve https (behind a TLS proxy, set Express "trust proxy" or Koa app.proxy), or set allowInsecureCookies for local development',
  )
}

/** The startup warning when the insecure dev mode is on. */
export const INSECURE_COOKIES_WARNING =
  'stytch-b2b-mfa: allowInsecureCookies is on: sign-ins over plain http to localhost, *.localhost, 127.0.0.0/8 or [::1] get cookies without Secure and without the __Host- prefix. For development only: turn it off in production.'
