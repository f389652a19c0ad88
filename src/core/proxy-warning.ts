/**
 * @module The one proxy setting the library cannot work around: an app that takes the client's
 * address from the leftmost `X-Forwarded-For` entry, which the client writes itself. Per-IP
 * limits then count whatever address the client names, and events log forged addresses.
 */

/** The `code` of the warning, for `process.on('warning')` filters. */
export const PROXY_WARNING_CODE = 'STYTCH_B2B_MFA_PROXY'

/** A proxy setting that trusts every `X-Forwarded-For` entry, by framework. */
export type ProxyMistake = 'express_trust_proxy_true' | 'koa_max_ips_count_0'

const ADVICE: Readonly<Record<ProxyMistake, string>> = {
  express_trust_proxy_true:
    'Express "trust proxy" is true, so req.ip is the leftmost X-Forwarded-For entry, which the client writes: per-IP limits of stytch-b2b-mfa can be dodged and logged IPs forged. Set "trust proxy" to the number of proxy hops in front of the app (app.set(\'trust proxy\', 1) behind one) or to their addresses.',
  koa_max_ips_count_0:
    'Koa app.proxy is true with maxIpsCount 0, so ctx.ip is the leftmost X-Forwarded-For entry, which the client writes: per-IP limits of stytch-b2b-mfa can be dodged and logged IPs forged. Set maxIpsCount to the number of proxy hops in front of the app (new Koa({ proxy: true, maxIpsCount: 1 }) behind one).',
}

/** Apps already looked at, by any instance: the warning is about the app, once. */
const inspected = new WeakSet<object>()

/**
 * Looks at an app's proxy setting the first time a flow step sees the app, and warns once when
 * `find` names a mistake. Later calls for the same app are one WeakSet lookup.
 */
export function checkProxyOnce<A extends object>(
  app: A,
  find: (app: A) => ProxyMistake | undefined,
): void {
  if (inspected.has(app)) return
  inspected.add(app)
  const mistake = find(app)
  if (mistake !== undefined) process.emitWarning(ADVICE[mistake], { code: PROXY_WARNING_CODE })
}
