import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  clearCookie,
  cookieName,
  readCookie,
  readCookies,
  setCookie,
  type CookieRead,
} from '../../src/core/cookies.js'

/** The rules, spelled out slowly: the model the one-pass reader must agree with. */
function modelRead(header: string | undefined, name: string): CookieRead {
  let count = 0
  let value: string | undefined
  for (const segment of (header ?? '').split(';')) {
    const eq = segment.indexOf('=')
    if (eq === -1) continue
    const key = segment.slice(0, eq).replace(/^[ \t]+|[ \t]+$/g, '')
    if (key === name) {
      count += 1
      value ??= segment.slice(eq + 1).replace(/^[ \t]+|[ \t]+$/g, '')
    } else if (key.trim() === name) {
      count += 1
    }
  }
  if (count > 1) return { state: 'duplicate' }
  return value === undefined || value === '' ? { state: 'absent' } : { state: 'present', value }
}

describe('cookieName()', () => {
  it('uses the __Host- prefix on secure requests only', () => {
    expect(cookieName('sessionToken', true)).toBe('__Host-stytch_session')
    expect(cookieName('sessionToken', false)).toBe('stytch_session')
  })
})

describe('readCookie()', () => {
  it('reads a cookie among others', () => {
    expect(readCookie('a=1; __Host-x=v; b=2', '__Host-x')).toEqual({ state: 'present', value: 'v' })
  })

  it('reads a repeated name as duplicate, never picking one', () => {
    expect(readCookie('__Host-x=v; __Host-x=w', '__Host-x')).toEqual({ state: 'duplicate' })
  })

  it('does not confuse a longer name or the unprefixed name with the cookie', () => {
    expect(readCookie('x=v; __Host-xy=w', '__Host-x')).toEqual({ state: 'absent' })
  })

  it('reads an empty value and a missing header as absent', () => {
    expect(readCookie('__Host-x=', '__Host-x')).toEqual({ state: 'absent' })
    expect(readCookie(undefined, '__Host-x')).toEqual({ state: 'absent' })
  })

  it('trims spaces and tabs around names and values', () => {
    expect(readCookie('a=1;\t __Host-x \t=  v w \t; b=2', '__Host-x')).toEqual({
      state: 'present',
      value: 'v w',
    })
  })

  it('counts a name wrapped in other whitespace as a second cookie of that name', () => {
    expect(readCookie('__Host-x=v; \u000b__Host-x\u00a0=w', '__Host-x')).toEqual({
      state: 'duplicate',
    })
    expect(readCookie('__Host-x=v; __Host-x\u3000=w', '__Host-x')).toEqual({ state: 'duplicate' })
    expect(readCookie('\u000b__Host-x=w', '__Host-x')).toEqual({ state: 'absent' })
  })

  it('skips pairs without "=" and keeps everything after the first "=" in the value', () => {
    expect(readCookie('junk; __Host-x=a=b; more junk', '__Host-x')).toEqual({
      state: 'present',
      value: 'a=b',
    })
  })

  it('takes values as sent, without URL-decoding them', () => {
    expect(readCookie('__Host-x=%41%2', '__Host-x')).toEqual({ state: 'present', value: '%41%2' })
  })
})

describe('readCookies()', () => {
  const names = ['__Host-x', '__Host-x_y', 'x']
  const space = fc.constantFrom('', ' ', '\t', ' \t', '\u000b', '\u00a0', '\u3000')
  const key = fc.constantFrom(...names, '__Host-', '_y', 'y', '')
  const value = fc.constantFrom('', 'v', ' v ', 'a=b', '%41', '__Host-x=w')
  /** Pairs as browsers and attackers write them: names wrapped in whitespace, stray "=" and ";". */
  const segment = fc
    .tuple(space, key, space, fc.boolean(), value)
    .map(
      ([before, name, after, equals, rest]) =>
        `${before}${name}${after}${equals ? '=' : ''}${rest}`,
    )
  const raw = fc.constantFrom(...names, '=', ';', ' ', '\t', '\u000b', '\u00a0', '%', 'v', '_y')

  it('reads every name as the model does, one pass for all of them', () => {
    const header = fc.oneof(
      fc.array(segment, { maxLength: 6 }).map((segments) => segments.join(';')),
      fc.array(raw, { maxLength: 24 }).map((pieces) => pieces.join('')),
    )
    fc.assert(
      fc.property(header, (text) => {
        expect(readCookies(text, names)).toEqual(names.map((name) => modelRead(text, name)))
      }),
      { numRuns: 10_000, seed: 20261123 },
    )
  })
})

describe('setCookie() and clearCookie()', () => {
  it('sets HttpOnly, Path=/, explicit SameSite and no Domain', () => {
    const value = setCookie('pending', 'v', {
      secure: true,
      sameSite: 'strict',
      maxAgeSeconds: 600,
    })
    expect(value).toBe(
      '__Host-stytch_mfa_pending=v; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Strict',
    )
  })

  it('clears with the same attributes', () => {
    expect(clearCookie('sessionJwt', true)).toMatch(
      /^__Host-stytch_session_jwt=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/,
    )
  })
})
