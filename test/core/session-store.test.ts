import { describe, expect, it } from 'vitest'
import { mfaOptionsSchema, parseOptions } from '../../src/core/options.js'
import { RecentCookieReads, readSessionTokens } from '../../src/core/session-store.js'
import { credentialKey } from '../../src/core/verified-sessions.js'
import { authRequest } from '../helpers/auth-request.js'

const config = parseOptions(mfaOptionsSchema, {
  stytch: { projectId: 'project-test-x', secret: 'secret-test-x' },
  cookieSecrets: ['s'.repeat(32)],
  allowInsecureCookies: true,
  sessionStorage: 'cookie',
})

function reader(recent: RecentCookieReads | undefined) {
  return (cookie: string, secure = true) =>
    readSessionTokens(
      authRequest({ method: 'GET', headers: { cookie, host: 'localhost' }, secure }),
      config,
      recent,
    )
}

const HOST = '__Host-stytch_session=tok; __Host-stytch_session_jwt=jwt'
const PLAIN = 'stytch_session=tok; stytch_session_jwt=jwt'
const PRESENT = {
  state: 'present',
  tokens: expect.objectContaining({ sessionToken: 'tok', sessionJwt: 'jwt' }),
}

describe.each([
  ['with the recent reads of a guard', () => reader(new RecentCookieReads(credentialKey))],
  ['reading afresh (a sign-in step, a logout)', () => reader(undefined)],
])('readSessionTokens() %s', (_name, makeReader) => {
  describe('when the same Cookie header comes again', () => {
    it('reads it as the first time, with the names of each request’s transport', () => {
      const read = makeReader()
      expect(read(HOST)).toEqual(PRESENT)
      expect(read(HOST)).toEqual(PRESENT)
      expect(read(HOST, false)).toEqual({ state: 'absent' })
      expect(read(PLAIN, false)).toEqual(PRESENT)
      expect(read(PLAIN)).toEqual({ state: 'absent' })
      expect(read(PLAIN, false)).toEqual(PRESENT)
    })

    it('reads a repeated cookie as duplicate every time', () => {
      const read = makeReader()
      const header = `${HOST}; __Host-stytch_session_jwt=other`
      expect(read(header)).toEqual({ state: 'duplicate' })
      expect(read(header)).toEqual({ state: 'duplicate' })
    })
  })

  it('reads a header too long to remember like any other', () => {
    const read = makeReader()
    const header = `${HOST}; padding=${'p'.repeat(5000)}`
    expect(read(header)).toEqual(PRESENT)
    expect(read(header)).toEqual(PRESENT)
  })

  it('reads each header right after more headers than it remembers', () => {
    const read = makeReader()
    const headers = Array.from(
      { length: 1500 },
      (_, index) => `__Host-stytch_session=tok${String(index)}; __Host-stytch_session_jwt=jwt`,
    )
    for (const header of [...headers, ...headers]) {
      const result = read(header)
      expect(result.state === 'present' && result.tokens.sessionToken).toBe(
        header.slice('__Host-stytch_session='.length, header.indexOf(';')),
      )
    }
  })
})

describe('RecentCookieReads', () => {
  it('keeps what it read to its own instance: another instance reads the header anew', () => {
    const [mine, another] = [
      new RecentCookieReads(credentialKey),
      new RecentCookieReads(credentialKey),
    ]
    mine.read(HOST, true)
    const remembered = mine.read(HOST, true)
    expect(mine.read(HOST, true)).toBe(remembered)
    const fresh = another.read(HOST, true)
    expect(fresh).toEqual(PRESENT)
    expect(fresh).not.toBe(remembered)
  })

  it('hands the guard the key of the JWT with the tokens, worked out once per header', () => {
    const keys: string[] = []
    const recent = new RecentCookieReads((jwt) => {
      keys.push(jwt)
      return credentialKey(jwt)
    })
    for (let request = 0; request < 4; request += 1) {
      const read = recent.read(HOST, true)
      expect(read.state === 'present' && read.tokens.sessionJwtKey).toBe(credentialKey('jwt'))
    }
    // Read afresh the first time, kept the second: two reads in all.
    expect(keys).toEqual(['jwt', 'jwt'])
  })
})
