import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { mfaOptionsSchema, parseOptions, requireMfaOptionsSchema } from '../../src/core/options.js'

const SECRET = 's'.repeat(32)
const base = { stytch: { projectId: 'p', secret: 's' }, cookieSecrets: [SECRET] }

function problem(input: unknown): string {
  try {
    parseOptions(mfaOptionsSchema, input)
  } catch (error) {
    expect(error).toBeInstanceOf(MfaError)
    expect((error as MfaError).code).toBe('configuration_error')
    return (error as MfaError).message
  }
  throw new Error('expected the options to be refused')
}

describe('parseOptions(mfaOptionsSchema)', () => {
  it('fills every default', () => {
    const config = parseOptions(mfaOptionsSchema, base)
    expect(config).toMatchObject({
      allowInsecureCookies: false,
      trustSameSite: false,
      paths: {
        login: '/login',
        emailCode: '/login/code',
        mfa: '/mfa',
        afterLogin: '/',
        afterLogout: '/login',
      },
      sessionDurationMinutes: 60,
      sessionStorage: 'auto',
      phoneEnrollment: { enabled: false, allowedCountries: ['US', 'CA'] },
      respondWith: 'auto',
      bodyLimitBytes: 16_384,
      jwtCacheSize: 100_000,
      selfCheck: true,
    })
    expect(config.logger).toBe(console)
  })

  it('accepts one secret as a string', () => {
    expect(
      parseOptions(mfaOptionsSchema, { ...base, cookieSecrets: SECRET }).cookieSecrets,
    ).toEqual([SECRET])
  })

  it('names a short cookie secret', () => {
    expect(problem({ ...base, cookieSecrets: ['short'] })).toMatch(
      /cookieSecrets\.0: each cookie secret must be at least 32/,
    )
  })

  it('names a missing Stytch configuration and missing secrets', () => {
    expect(problem({ cookieSecrets: [SECRET] })).toMatch(/stytch:/)
    expect(problem({ stytch: base.stytch })).toMatch(/cookieSecrets:/)
  })

  it('names an unknown key (a typo must not be silently ignored)', () => {
    expect(problem({ ...base, cookieSecret: SECRET })).toMatch(/cookieSecret/)
  })

  it('refuses a path that leaves the site', () => {
    expect(problem({ ...base, paths: { mfa: '//evil.test' } })).toMatch(
      /paths\.mfa: must be a path on this site/,
    )
    expect(problem({ ...base, paths: { login: 'https://evil.test/login' } })).toMatch(
      /paths\.login/,
    )
  })

  it('refuses an origin with a path and normalises a trailing slash', () => {
    expect(problem({ ...base, origin: 'https://a.test/admin' })).toMatch(
      /origin: must be an origin only/,
    )
    expect(parseOptions(mfaOptionsSchema, { ...base, origin: 'https://a.test/' }).origin).toBe(
      'https://a.test',
    )
  })

  it('refuses a session duration outside Stytch range', () => {
    expect(problem({ ...base, sessionDurationMinutes: 4 })).toMatch(/sessionDurationMinutes/)
    expect(problem({ ...base, sessionDurationMinutes: 527_041 })).toMatch(/sessionDurationMinutes/)
  })

  it('refuses a locale Stytch does not know', () => {
    expect(problem({ ...base, locale: 'xx' })).toMatch(/locale/)
  })

  it('takes any logger with warn and error, or false, and names anything else', () => {
    const pino = { warn: () => undefined, error: () => undefined, info: () => undefined }
    expect(parseOptions(mfaOptionsSchema, { ...base, logger: pino }).logger).toBe(pino)
    expect(parseOptions(mfaOptionsSchema, { ...base, logger: false }).logger).toBe(false)
    for (const logger of [true, null, 'console', { warn: () => undefined }]) {
      expect(problem({ ...base, logger })).toMatch(
        /logger: must be false or an object with warn\(message\) and error\(message\)/,
      )
    }
  })

  it('names a selfCheck that is not a boolean', () => {
    expect(problem({ ...base, selfCheck: 'no' })).toMatch(/selfCheck/)
  })

  it('explains a middleware passed where options were expected', () => {
    expect(problem(() => undefined)).toMatch(/factory call/)
  })
})

describe('parseOptions(requireMfaOptionsSchema)', () => {
  it('reads maxAge as seconds from a duration string or a number', () => {
    expect(parseOptions(requireMfaOptionsSchema, { maxAge: '10m' }).maxAge).toBe(600)
    expect(parseOptions(requireMfaOptionsSchema, { maxAge: '12h' }).maxAge).toBe(43_200)
    expect(parseOptions(requireMfaOptionsSchema, { maxAge: 30 }).maxAge).toBe(30)
  })

  it('defaults to local verification, any second factor and any organization', () => {
    expect(parseOptions(requireMfaOptionsSchema, undefined)).toEqual({
      checkWithStytch: false,
      factors: ['sms', 'totp', 'recovery_code'],
    })
  })

  it('refuses empty lists and bad durations', () => {
    expect(() => parseOptions(requireMfaOptionsSchema, { organizations: [] })).toThrow(
      /organizations/,
    )
    expect(() => parseOptions(requireMfaOptionsSchema, { maxAge: '10 minutes' })).toThrow(/maxAge/)
    expect(() => parseOptions(requireMfaOptionsSchema, { maxAge: -1 })).toThrow(/maxAge/)
  })
})
