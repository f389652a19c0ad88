import { describe, expect, it } from 'vitest'
import { mfaOptionsSchema, parseOptions } from '../../src/core/options.js'
import { readSessionTokens } from '../../src/core/session-store.js'
import { authRequest } from '../helpers/auth-request.js'

const config = parseOptions(mfaOptionsSchema, {
  stytch: { projectId: 'project-test-x', secret: 'secret-test-x' },
  cookieSecrets: ['s'.repeat(32)],
  allowInsecureCookies: true,
  sessionStorage: 'cookie',
})

function read(cookie: string, secure = true) {
  return readSessionTokens(
    authRequest({ method: 'GET', headers: { cookie, host: 'localhost' }, secure }),
    config,
  )
}

const HOST = '__Host-stytch_session=tok; __Host-stytch_session_jwt=jwt'
const PLAIN = 'stytch_session=tok; stytch_session_jwt=jwt'
const PRESENT = { state: 'present', tokens: { sessionToken: 'tok', sessionJwt: 'jwt' } }

describe('readSessionTokens()', () => {
  describe('when the same Cookie header comes again', () => {
    it('reads it as the first time, with the names of each request’s transport', () => {
      expect(read(HOST)).toEqual(PRESENT)
      expect(read(HOST)).toEqual(PRESENT)
      expect(read(HOST, false)).toEqual({ state: 'absent' })
      expect(read(PLAIN, false)).toEqual(PRESENT)
      expect(read(PLAIN)).toEqual({ state: 'absent' })
      expect(read(PLAIN, false)).toEqual(PRESENT)
    })

    it('reads a repeated cookie as duplicate every time', () => {
      const header = `${HOST}; __Host-stytch_session_jwt=other`
      expect(read(header)).toEqual({ state: 'duplicate' })
      expect(read(header)).toEqual({ state: 'duplicate' })
    })
  })

  it('reads a header too long to remember like any other', () => {
    const header = `${HOST}; padding=${'p'.repeat(5000)}`
    expect(read(header)).toEqual(PRESENT)
    expect(read(header)).toEqual(PRESENT)
  })

  it('reads each header right after more headers than it remembers', () => {
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
