import { B2BClient, envs } from 'stytch'
import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { parseOptions } from '../../src/core/options.js'
import { createCore, untranslated } from '../../src/setup.js'
import {
  STYTCH_LIVE_URL,
  STYTCH_TEST_URL,
  stytchOptionsSchema,
  type StytchConfig,
} from '../../src/stytch/options.js'
import { PROJECT_ID, quietStytchWarnings, SECRET } from './helpers.js'

const LIVE_ID = 'project-live-11111111-2222-3333-4444-555555555555'

/** The `stytch` option as the factory checks it. */
function parseStytchOptions(options: unknown): StytchConfig {
  return parseOptions(stytchOptionsSchema, options, 'stytch')
}

function configurationError(options: unknown): MfaError {
  try {
    parseStytchOptions(options)
  } catch (error) {
    expect(error).toBeInstanceOf(MfaError)
    expect((error as MfaError).code).toBe('configuration_error')
    return error as MfaError
  }
  throw new Error('expected the stytch option to be refused')
}

describe('the stytch option', () => {
  quietStytchWarnings()

  describe('when given a project id and a secret', () => {
    it('chooses the Stytch test host for a test project id', () => {
      expect(parseStytchOptions({ projectId: PROJECT_ID, secret: SECRET })).toMatchObject({
        baseUrl: STYTCH_TEST_URL,
      })
    })

    it('chooses the Stytch live host for a project-live- id', () => {
      expect(parseStytchOptions({ projectId: LIVE_ID, secret: SECRET })).toMatchObject({
        baseUrl: STYTCH_LIVE_URL,
      })
    })

    it('applies the defaults: a 5 s deadline and no clock tolerance', () => {
      const config = parseStytchOptions({ projectId: PROJECT_ID, secret: SECRET })
      expect(config.timeoutMs).toBe(5000)
      expect(config.jwtClockToleranceSeconds).toBe(0)
    })

    it('keeps the hosts in step with the SDK', () => {
      expect(STYTCH_TEST_URL).toBe(envs.test)
      expect(STYTCH_LIVE_URL).toBe(envs.live)
    })
  })

  describe('when given a base URL', () => {
    it('accepts a plain-http emulator origin and ends it with a slash', () => {
      const config = parseStytchOptions({
        projectId: PROJECT_ID,
        secret: SECRET,
        baseUrl: 'http://127.0.0.1:4010',
      })
      expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:4010/' })
    })

    it('accepts an https origin for a live project', () => {
      const options = { projectId: LIVE_ID, secret: SECRET, baseUrl: 'https://auth.example.com/' }
      expect(parseStytchOptions(options)).toMatchObject({ baseUrl: 'https://auth.example.com/' })
    })

    it('refuses a live project id with a plain-http URL, naming the value', () => {
      const error = configurationError({
        projectId: LIVE_ID,
        secret: SECRET,
        baseUrl: 'http://127.0.0.1:4010/',
      })
      expect(error.message).toContain('baseUrl')
      expect(error.message).toContain('http://127.0.0.1:4010/')
      expect(error.message).toContain('https')
    })

    it('refuses a live project id with the Stytch test host', () => {
      const error = configurationError({ projectId: LIVE_ID, secret: SECRET, baseUrl: envs.test })
      expect(error.message).toContain('test host')
    })

    it('refuses a test project id with the Stytch live host', () => {
      const error = configurationError({
        projectId: PROJECT_ID,
        secret: SECRET,
        baseUrl: envs.live,
      })
      expect(error.message).toContain('live host')
    })

    it.each([
      ['a path prefix, which the SDK would drop', 'http://127.0.0.1:4010/stytch/'],
      ['a query', 'http://127.0.0.1:4010/?x=1'],
      ['another scheme', 'ftp://127.0.0.1:4010/'],
      ['something that is not a URL', 'localhost 4010'],
    ])('refuses %s', (_what, baseUrl) => {
      const error = configurationError({ projectId: PROJECT_ID, secret: SECRET, baseUrl })
      expect(error.message).toMatch(/baseUrl: /)
    })

    it('refuses credentials in the URL without repeating them', () => {
      const error = configurationError({
        projectId: PROJECT_ID,
        secret: SECRET,
        baseUrl: 'http://user:hunter2@127.0.0.1:4010/',
      })
      expect(error.message).toContain('credentials')
      expect(error.message).not.toContain('hunter2')
    })
  })

  describe('when given a client', () => {
    it('accepts a B2BClient the application built', () => {
      const client = new B2BClient({ project_id: PROJECT_ID, secret: SECRET })
      const config = parseStytchOptions({ client, timeoutMs: 1000 })
      expect(config).toMatchObject({ client, timeoutMs: 1000 })
    })

    it('accepts a client from another copy of the SDK (duck-typed)', () => {
      const fn = () => Promise.resolve({})
      const client = {
        otps: {
          sms: { send: fn, authenticate: fn },
          email: { loginOrSignup: fn, authenticate: fn },
        },
        sessions: { authenticate: fn, authenticateJwtLocal: fn, revoke: fn },
      }
      expect(() => parseStytchOptions({ client })).not.toThrow()
    })

    it('refuses an object that is not a B2BClient', () => {
      expect(configurationError({ client: { otps: {} } }).message).toContain(
        'client: expected a B2BClient',
      )
    })

    it('refuses a project id next to the client', () => {
      const client = new B2BClient({ project_id: PROJECT_ID, secret: SECRET })
      const error = configurationError({ client, projectId: PROJECT_ID })
      expect(error.message).toContain('"projectId"')
    })
  })

  describe('when a value is bad', () => {
    it.each([
      ['timeoutMs', { timeoutMs: 99 }],
      ['timeoutMs', { timeoutMs: 60_001 }],
      ['timeoutMs', { timeoutMs: 1.5 }],
      ['timeoutMs', { timeoutMs: '5000' }],
      ['jwtClockToleranceSeconds', { jwtClockToleranceSeconds: 61 }],
      ['jwtClockToleranceSeconds', { jwtClockToleranceSeconds: -1 }],
      ['projectId', { projectId: '' }],
      ['projectId', { projectId: 'project-test-../../x' }],
      ['projectId', { projectId: undefined }],
      ['secret', { secret: '' }],
      ['secret', { secret: undefined }],
    ])('names %s', (key, bad) => {
      const error = configurationError({ projectId: PROJECT_ID, secret: SECRET, ...bad })
      expect(error.message).toContain(`${key}: `)
    })

    it('never prints the secret', () => {
      const secret = ' secret-test-with-a-trailing-newline\n'
      const error = configurationError({ projectId: PROJECT_ID, secret, timeoutMs: 1 })
      expect(error.message).toContain('secret: has leading or trailing whitespace')
      expect(error.message).not.toContain('secret-test-with')
    })

    it('names an unknown key', () => {
      const error = configurationError({ projectId: PROJECT_ID, secret: SECRET, timeout: 5000 })
      expect(error.message).toContain('unknown option "timeout"')
    })

    it('refuses a clock of its own: the factory has one clock, now, for everything', () => {
      const error = configurationError({ projectId: PROJECT_ID, secret: SECRET, now: Date })
      expect(error.message).toContain('unknown option "now"')
    })

    it.each([undefined, null, 'project-test-1'])('refuses %j instead of an object', (options) => {
      expect(configurationError(options).message).toContain('expected an object')
    })
  })
})

describe('createCore()', () => {
  it('checks the stytch option in the same pass and format as the others, naming each path', () => {
    const options = {
      stytch: { projectId: PROJECT_ID, secret: SECRET, timeoutMs: 99 },
      cookieSecrets: ['short'],
    }
    expect(() => createCore(options, untranslated)).toThrow(
      /^stytch-b2b-mfa: invalid option stytch\.timeoutMs: must be at least 100; cookieSecrets\.0: /,
    )
  })
})

describe('stytchOptionsSchema', () => {
  it('is where the defaults come from', () => {
    const parsed = stytchOptionsSchema.parse({ projectId: PROJECT_ID, secret: SECRET })
    expect(parsed).toMatchObject({ timeoutMs: 5000, jwtClockToleranceSeconds: 0 })
  })
})
