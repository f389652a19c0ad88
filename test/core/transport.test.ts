import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { cookiesAreSecure, isLoopbackHost, secureCookies } from '../../src/core/transport.js'
import { authRequest } from '../helpers/auth-request.js'

function plainHttp(host?: string) {
  return authRequest({ secure: false, headers: host === undefined ? {} : { host } })
}

function refusal(run: () => unknown): MfaError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(MfaError)
    return error as MfaError
  }
  throw new Error('expected insecure_transport')
}

describe('isLoopbackHost()', () => {
  it.each([
    'localhost',
    'localhost:3000',
    'LOCALHOST:3000',
    'admin.localhost',
    'a.b.localhost:8080',
    '127.0.0.1',
    '127.0.0.1:3000',
    '127.255.0.9:80',
    '[::1]',
    '[::1]:3000',
  ])('takes %s for this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true)
  })

  it.each([
    undefined,
    '',
    'admin.example.test',
    'localhost.example.test',
    'evil-localhost',
    'localhost.',
    'localhost:3000@evil.test',
    'localhost evil.test',
    '128.0.0.1',
    '127.0.0.256',
    '127.0.0',
    '1270.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    '[::2]',
    '[::ffff:127.0.0.1]',
    '::1',
  ])('does not take %s for this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(false)
  })
})

describe('secureCookies()', () => {
  it('uses Secure __Host- cookies over https whatever the option and the host', () => {
    const https = authRequest({ secure: true, headers: { host: 'localhost:3000' } })
    expect(secureCookies(https, true)).toBe(true)
    expect(secureCookies(https, false)).toBe(true)
  })

  it('uses plain cookies over http to a loopback host only when allowInsecureCookies is on', () => {
    expect(secureCookies(plainHttp('localhost:3000'), true)).toBe(false)
    expect(secureCookies(plainHttp('127.0.0.1:3000'), true)).toBe(false)
    expect(refusal(() => secureCookies(plainHttp('localhost:3000'), false)).code).toBe(
      'insecure_transport',
    )
  })

  it('refuses plain http to any other host as if the option were off, saying why', () => {
    for (const host of ['admin.example.test', '192.168.1.10:3000', undefined]) {
      const error = refusal(() => secureCookies(plainHttp(host), true))
      expect(error.code).toBe('insecure_transport')
      expect(error.message).toMatch(/only requests to localhost/)
    }
  })
})

describe('cookiesAreSecure()', () => {
  it('reads the __Host- names on every request while the option is off', () => {
    expect(cookiesAreSecure(plainHttp('localhost'), false)).toBe(true)
  })

  it('reads the plain names only on plain http to a loopback host with the option on', () => {
    expect(cookiesAreSecure(plainHttp('localhost'), true)).toBe(false)
    expect(cookiesAreSecure(plainHttp('admin.example.test'), true)).toBe(true)
    expect(
      cookiesAreSecure(authRequest({ secure: true, headers: { host: 'localhost' } }), true),
    ).toBe(true)
  })
})
