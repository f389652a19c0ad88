/**
 * `npm run start:koa`: the Koa version of the admin console, with the same settings and the same
 * embedded Stytch emulator as `npm start` (see `README.md`).
 */
import { createKoaApp } from './koa-app.js'
import { launch, trustProxyFrom } from './startup.js'

/**
 * `TRUST_PROXY` as Koa reads it: `true`/`false` or a hop count. Koa trusts forwarded headers from
 * any peer (`app.proxy`); it has no list of trusted addresses like Express's `loopback`.
 */
function koaTrustProxyFrom(value: string | undefined): boolean | number {
  const trust = trustProxyFrom(value)
  if (typeof trust === 'string') {
    throw new Error(
      `TRUST_PROXY must be true, false or a hop count for the Koa app, got "${trust}": Koa cannot trust proxies by address`,
    )
  }
  return trust
}

launch({
  name: 'Admin console (Koa)',
  trustProxyFrom: koaTrustProxyFrom,
  listener: (settings) => {
    const callback = createKoaApp(settings).app.callback()
    return (req, res) => {
      // Koa answers its own errors: the promise never rejects.
      void callback(req, res)
    }
  },
})
