import { describe, expect, it } from 'vitest'
import { clearCookie, cookieName, readCookie, setCookie } from '../../src/core/cookies.js'

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
