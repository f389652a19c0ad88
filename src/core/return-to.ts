/**
 * @module `returnTo`: where a browser goes after sign-in. Only a path on this site survives;
 * anything else (other hosts, schemes, `//`, backslashes, control characters, junk) becomes
 * the default. The library writes `Location` itself from the normalised path.
 */

const MAX_LENGTH = 2048
// Control characters, whitespace and backslashes: browsers strip or reinterpret them
// (`/\t/evil.com` becomes `//evil.com`), so a path containing one is not trusted at all.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0020\u007f-\u009f\\\u2028\u2029]/
const BASE = 'http://return-to.invalid'

/** The same-origin path `value` names, or `undefined` if it is not one. */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined
  if (!value.startsWith('/') || value.startsWith('//') || UNSAFE.test(value)) return undefined
  let url: URL
  try {
    url = new URL(value, BASE)
  } catch {
    return undefined
  }
  if (url.origin !== BASE) return undefined
  const path = `${url.pathname}${url.search}${url.hash}`
  return path.startsWith('/') && !path.startsWith('//') ? path : undefined
}
