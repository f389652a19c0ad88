/**
 * What an operator sees when Stytch is misconfigured or down: an `upstream_failed` event for the
 * audit trail and a line in the `logger`, never a secret; and what the dev-mode option says
 * about itself at startup.
 */
import { describe, expect, it } from 'vitest'
import type { MfaEvent } from '../../src/core/events.js'
import type { MfaLogger } from '../../src/core/logger.js'
import type { Emulator } from '../../src/emulator/index.js'
import { SECRET, frameworks, type Framework, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { closedPortUrl } from '../helpers/processes.js'
import { ADMIN } from '../helpers/seed.js'
import { signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()

/** The path of the startup check: a member lookup in an organization nobody has. */
const SELF_CHECK =
  '/v1/b2b/organizations/organization-test-00000000-0000-4000-8000-000000000000/member'
const EMAIL_SEND = '/v1/b2b/otps/email/login_or_signup'
const SMS_AUTHENTICATE = '/v1/b2b/otps/sms/authenticate'
const REVOKE = '/v1/b2b/sessions/revoke'
const WRONG_SECRET = 'secret-test-wrong-0000000000000000000000'

interface Line {
  readonly level: 'warn' | 'error'
  readonly message: string
}

function recordingLogger(): { logger: MfaLogger; lines: Line[] } {
  const lines: Line[] = []
  return {
    lines,
    logger: {
      warn: (message) => lines.push({ level: 'warn', message }),
      error: (message) => lines.push({ level: 'error', message }),
    },
  }
}

function stytchOf(current: Emulator, overrides: Record<string, unknown> = {}) {
  return {
    projectId: current.projectId,
    secret: current.secret,
    baseUrl: current.url,
    timeoutMs: 1000,
    ...overrides,
  }
}

function upstreamEvents(app: TestApp) {
  return app.events.filter(
    (event): event is Extract<MfaEvent, { type: 'upstream_failed' }> =>
      event.type === 'upstream_failed',
  )
}

/** Everything an operator could read: log lines and events. */
function everythingSaid(app: TestApp, lines: readonly Line[]): string {
  return [...lines.map((line) => line.message), ...app.events.map((e) => JSON.stringify(e))].join(
    '\n',
  )
}

function build(framework: Framework, options: Record<string, unknown> = {}) {
  const { logger, lines } = recordingLogger()
  const app = framework.build(emulator.current, {
    options: { selfCheck: false, logger, ...options },
  })
  return { app, lines }
}

describe.each(frameworks)('operability on $name', (framework) => {
  describe('when Stytch refuses the project id and secret', () => {
    it('says so at startup, before any request, in one error line and one event', async () => {
      const { app, lines } = build(framework, {
        selfCheck: true,
        stytch: stytchOf(emulator.current, { secret: WRONG_SECRET }),
      })
      await expect.poll(() => lines.length).toBe(1)
      expect(lines[0]?.level).toBe('error')
      expect(lines[0]?.message).toMatch(
        /^stytch-b2b-mfa: Stytch refused the project id and secret at the startup check \(401, unauthorized_credentials, request_id request-id-[\w-]+\): check STYTCH_PROJECT_ID \/ STYTCH_SECRET/,
      )
      expect(upstreamEvents(app)).toEqual([
        expect.objectContaining({
          operation: 'organizations.members.get',
          code: 'stytch_error',
          stytchErrorType: 'unauthorized_credentials',
          stytchStatus: 401,
          requestId: expect.stringMatching(/^request-id-/) as unknown,
          selfCheck: true,
        }),
      ])
      expect(everythingSaid(app, lines)).not.toContain(WRONG_SECRET)
    })

    it('reports the first sign-in’s failure as an event and a log line, never the secret or the address', async () => {
      const { app, lines } = build(framework, {
        stytch: stytchOf(emulator.current, { secret: WRONG_SECRET }),
      })
      const res = await new Client(app.listener).post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      expect(res.status).toBe(502)
      expect(upstreamEvents(app)).toEqual([
        expect.objectContaining({
          operation: 'otps.email.login_or_signup',
          code: 'stytch_error',
          stytchErrorType: 'unauthorized_credentials',
          stytchStatus: 401,
        }),
      ])
      expect(lines).toEqual([
        {
          level: 'error',
          message: expect.stringMatching(
            /^stytch-b2b-mfa: Stytch refused the project id and secret during a request \(401, unauthorized_credentials, request_id request-id-[\w-]+\): check STYTCH_PROJECT_ID/,
          ) as unknown,
        },
      ])
      const said = everythingSaid(app, lines)
      for (const secret of [WRONG_SECRET, ADMIN.email, SECRET]) expect(said).not.toContain(secret)
    })

    it('logs a refused secret once a minute however many calls fail, while every call still gets its event', async () => {
      const { app, lines } = build(framework, {
        stytch: stytchOf(emulator.current, { secret: WRONG_SECRET }),
      })
      const client = new Client(app.listener)
      for (let i = 0; i < 4; i += 1) {
        await client.post('/auth/email/send', { email: `user${i}@acme.test`, organization: 'acme' })
      }
      expect(upstreamEvents(app)).toHaveLength(4)
      expect(lines).toHaveLength(1)
      emulator.current.advanceClock(61)
      await client.post('/auth/email/send', { email: 'late@acme.test', organization: 'acme' })
      expect(lines).toHaveLength(2)
      expect(lines[1]?.message).toMatch(/\(and 3 more like it since the last\)$/)
    })
  })

  describe('the startup check', () => {
    it('reads nothing that exists, touches no sessions or OTP path, and stays quiet when the credentials are right', async () => {
      const { app, lines } = build(framework, { selfCheck: true })
      await expect.poll(() => emulator.current.calls(SELF_CHECK)).toBe(1)
      // Its answer (no such organization) is on its way back: let it land before judging.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(emulator.current.calls()).toBe(1)
      expect(lines).toEqual([])
      expect(app.events).toEqual([])
    })

    it('makes no call at all with selfCheck: false', async () => {
      const { app } = build(framework)
      expect((await new Client(app.listener).get('/admin')).status).toBe(401)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(emulator.current.calls()).toBe(0)
    })

    it('warns, without blaming the secret, when Stytch cannot be reached at startup', async () => {
      const { app, lines } = build(framework, {
        selfCheck: true,
        stytch: stytchOf(emulator.current, { baseUrl: await closedPortUrl() }),
      })
      await expect.poll(() => lines.length).toBe(1)
      expect(lines[0]).toEqual({
        level: 'warn',
        message: expect.stringMatching(
          /startup check with stytch_unavailable: Stytch could not be reached: check the network and the stytch option baseUrl$/,
        ) as unknown,
      })
      expect(upstreamEvents(app)).toMatchObject([{ code: 'stytch_unavailable', selfCheck: true }])
    })
  })

  describe('when Stytch is down or answers badly', () => {
    it('reports an unreachable Stytch behind the guard, and the guard still denies', async () => {
      const signedIn = await signIn(framework.build(emulator.current), emulator.current)
      const { app, lines } = build(framework, {
        stytch: stytchOf(emulator.current, { baseUrl: await closedPortUrl() }),
      })
      const res = await new Client(app.listener, signedIn.jar).get('/admin')
      expect(res.status).toBe(503)
      // This instance has not fetched Stytch's keys yet, so the session JWT is the first call.
      expect(upstreamEvents(app)).toEqual([
        expect.objectContaining({
          operation: 'sessions.authenticate_jwt_local',
          code: 'stytch_unavailable',
        }),
      ])
      expect(lines).toEqual([
        {
          level: 'error',
          message:
            'stytch-b2b-mfa: Stytch call sessions.authenticate_jwt_local failed during a request with stytch_unavailable: Stytch could not be reached: check the network and the stytch option baseUrl',
        },
      ])
      for (const name of signedIn.jar.names()) {
        expect(everythingSaid(app, lines)).not.toContain(signedIn.jar.get(name))
      }
    })

    it('reports a timeout and an untrustworthy answer during sign-in with their own codes and the member', async () => {
      const { app, lines } = build(framework, {
        stytch: stytchOf(emulator.current, { timeoutMs: 200 }),
      })
      emulator.current.injectFault(EMAIL_SEND, { kind: 'hang' })
      const client = new Client(app.listener)
      const slow = await client.post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      expect(slow.status).toBe(504)
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      await client.post('/auth/email/verify', { code: emulator.current.lastCode(ADMIN.email) })
      emulator.current.injectFault(SMS_AUTHENTICATE, { kind: 'malformed' })
      const code = emulator.current.lastCode(ADMIN.phone) ?? ''
      const bad = await client.post('/auth/sms/verify', { code })
      expect(bad.status).toBe(502)
      expect(upstreamEvents(app)).toEqual([
        expect.objectContaining({
          operation: 'otps.email.login_or_signup',
          code: 'stytch_timeout',
        }),
        expect.objectContaining({
          operation: 'otps.sms.authenticate',
          code: 'stytch_bad_response',
          memberId: expect.stringMatching(/^member-/) as unknown,
          organizationId: expect.stringMatching(/^organization-/) as unknown,
        }),
      ])
      expect(lines.map((line) => line.message)).toEqual([
        expect.stringMatching(
          /otps\.email\.login_or_signup failed during a request with stytch_timeout: no answer within the stytch option timeoutMs$/,
        ),
        expect.stringMatching(
          /otps\.sms\.authenticate failed during a request with stytch_bad_response/,
        ),
      ])
      for (const secret of [code, ADMIN.phone, ADMIN.email]) {
        expect(everythingSaid(app, lines)).not.toContain(secret)
      }
    })

    it('reports a revoke Stytch failed at logout, and still signs the member out until the retry revokes it', async () => {
      const { app, lines } = build(framework)
      const client = await signIn(app, emulator.current)
      emulator.current.injectFault(REVOKE, { kind: 'status', status: 500 })
      expect((await client.post('/auth/logout')).body).toEqual({
        status: 'signed_out',
        revoked: false,
      })
      expect(upstreamEvents(app)).toEqual([
        expect.objectContaining({
          operation: 'sessions.revoke',
          code: 'stytch_unavailable',
          stytchStatus: 500,
        }),
      ])
      expect(lines).toHaveLength(1)
      expect((await client.get('/admin')).status).toBe(401)
      // The retry lands within this test, not in a later one that counts Stytch calls.
      await expect
        .poll(() => app.events.some((event) => event.type === 'session_revoked'), {
          timeout: 3000,
        })
        .toBe(true)
    })

    it('counts a wrong code and an unknown organization as the user’s: no upstream event, no log line', async () => {
      const { app, lines } = build(framework)
      const client = new Client(app.listener)
      const stranger = await client.post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'no-such-organization',
      })
      expect(stranger.status).toBe(200)
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' })
      expect((await client.post('/auth/email/verify', { code: '000000' })).status).toBe(401)
      expect(upstreamEvents(app)).toEqual([])
      expect(lines).toEqual([])
    })
  })

  describe('the logger option', () => {
    it('writes nothing with logger: false, and a throwing logger breaks no request', async () => {
      const silent = build(framework, {
        logger: false,
        stytch: stytchOf(emulator.current, { secret: WRONG_SECRET }),
      })
      const client = new Client(silent.app.listener)
      expect(
        (await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }))
          .status,
      ).toBe(502)
      expect(upstreamEvents(silent.app)).toHaveLength(1)
      const throwing = framework.build(emulator.current, {
        options: {
          selfCheck: true,
          allowInsecureCookies: true,
          stytch: stytchOf(emulator.current, { secret: WRONG_SECRET }),
          logger: {
            warn: () => {
              throw new Error('log sink down')
            },
            error: () => {
              throw new Error('log sink down')
            },
          },
        },
      })
      const res = await new Client(throwing.listener).post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      expect(res.status).toBe(502)
    })

    it('refuses at startup a logger without warn and error', () => {
      expect(() =>
        framework.build(emulator.current, {
          options: { logger: { info: () => undefined } as never },
        }),
      ).toThrow(/logger: must be false or an object with warn\(message\) and error\(message\)/)
    })
  })

  describe('allowInsecureCookies', () => {
    it('warns once at startup that it is on, and says nothing when it is off', () => {
      const on = build(framework, { allowInsecureCookies: true })
      expect(on.lines).toEqual([
        {
          level: 'warn',
          message: expect.stringMatching(
            /^stytch-b2b-mfa: allowInsecureCookies is on: .*localhost.*For development only/,
          ) as unknown,
        },
      ])
      expect(build(framework).lines).toEqual([])
    })

    it('signs in over plain http to localhost with plain cookies, and refuses any other host', async () => {
      const { app } = build(framework, { allowInsecureCookies: true })
      const local = { headers: { 'x-forwarded-proto': 'http', host: 'localhost:3000' } }
      const remote = { headers: { 'x-forwarded-proto': 'http', host: 'admin.example.test' } }
      const body = { email: ADMIN.email, organization: 'acme' }
      const refused = await new Client(app.listener).post('/auth/email/send', body, remote)
      expect(refused.status).toBe(400)
      expect(refused.body.code).toBe('insecure_transport')
      expect(refused.headers['set-cookie']).toBeUndefined()
      const client = new Client(app.listener)
      expect((await client.post('/auth/email/send', body, local)).status).toBe(200)
      expect(client.setCookies.some((c) => c.startsWith('stytch_mfa_pending='))).toBe(true)
      expect(client.setCookies.some((c) => /; Secure/i.test(c))).toBe(false)
    })
  })
})
