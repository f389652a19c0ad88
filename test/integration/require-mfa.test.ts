import { describe, expect, it } from 'vitest'
import { NO_COOLDOWN, frameworks } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN, OTHER_ADMIN, PLAIN } from '../helpers/seed.js'
import { passEmailStep, signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()
const SESSIONS_AUTHENTICATE = '/v1/b2b/sessions/authenticate'

describe.each(frameworks)('requireMfa() on $name', (framework) => {
  describe('when the request has no session', () => {
    it('responds 401 not_signed_in as problem+json to API clients', async () => {
      const app = framework.build(emulator.current)
      const res = await new Client(app.listener).get('/admin')
      expect(res.status).toBe(401)
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
      expect(res.body).toMatchObject({ status: 401, code: 'not_signed_in' })
      expect(app.admitted.size).toBe(0)
    })

    it('redirects a browser to the login page with a safe returnTo', async () => {
      const app = framework.build(emulator.current)
      const res = await new Client(app.listener).get('/admin?tab=users', { browser: true })
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/login?returnTo=%2Fadmin%3Ftab%3Dusers')
    })
  })

  describe('when only the email step is done', () => {
    it('responds 401 and admits nothing, whatever cookies step 1 set', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      const pending = client.jar.get('__Host-stytch_mfa_pending') ?? ''
      expect((await client.get('/admin')).status).toBe(401)
      // The sealed IST in the session slots is no session (token-type confusion).
      client.jar.set('__Host-stytch_session', pending)
      client.jar.set('__Host-stytch_session_jwt', pending)
      const res = await client.get('/admin')
      expect(res.status).toBe(401)
      expect(app.admitted.size).toBe(0)
    })
  })

  describe('when the session has no SMS factor', () => {
    it('responds 403 mfa_required, and a browser goes to the MFA step', async () => {
      const app = framework.build(emulator.current)
      const client = new Client(app.listener)
      await client.post('/auth/email/send', { email: PLAIN.email, organization: 'beta' })
      await client.post('/auth/email/verify', { code: emulator.current.lastCode(PLAIN.email) })
      const api = await client.get('/admin')
      expect(api.status).toBe(403)
      expect(api.body.code).toBe('mfa_required')
      const page = await client.get('/admin', { browser: true })
      expect(page.status).toBe(303)
      expect(page.headers.location).toBe('/mfa?returnTo=%2Fadmin&error=mfa_required')
      expect(app.admitted.size).toBe(0)
    })
  })

  describe('when the session carries the SMS factor', () => {
    it('admits the request and attaches the member session', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const res = await client.get('/admin')
      expect(res.status).toBe(200)
      expect(res.body.memberId).toMatch(/^member-/)
    })

    it('makes no Stytch call for a steady stream of requests', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const before = emulator.current.calls()
      for (let i = 0; i < 20; i += 1) expect((await client.get('/admin')).status).toBe(200)
      expect(emulator.current.calls() - before).toBe(0)
    })

    it('refreshes an expired JWT once through Stytch, shared by concurrent requests', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const oldJwt = client.jar.get('__Host-stytch_session_jwt')
      emulator.current.advanceClock(6 * 60)
      const before = emulator.current.calls(SESSIONS_AUTHENTICATE)
      const responses = await Promise.all(Array.from({ length: 8 }, () => client.get('/admin')))
      for (const res of responses) expect(res.status).toBe(200)
      expect(emulator.current.calls(SESSIONS_AUTHENTICATE) - before).toBe(1)
      const newJwt = client.jar.get('__Host-stytch_session_jwt')
      expect(newJwt).toBeDefined()
      expect(newJwt).not.toBe(oldJwt)
      const after = emulator.current.calls(SESSIONS_AUTHENTICATE)
      expect((await client.get('/admin')).status).toBe(200)
      expect(emulator.current.calls(SESSIONS_AUTHENTICATE)).toBe(after)
    })

    it('checks with Stytch on every request when the route asks for it', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const before = emulator.current.calls(SESSIONS_AUTHENTICATE)
      for (let i = 0; i < 3; i += 1) expect((await client.get('/admin/strict')).status).toBe(200)
      expect(emulator.current.calls(SESSIONS_AUTHENTICATE) - before).toBe(3)
    })
  })

  describe('when maxAge is set', () => {
    it('admits a fresh SMS factor and responds 403 mfa_stale once it is older', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      expect((await client.get('/admin/fresh')).status).toBe(200)
      emulator.current.advanceClock(11 * 60)
      const res = await client.get('/admin/fresh')
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('mfa_stale')
      expect((await client.get('/admin')).status).toBe(200)
    })

    it('admits again after a step-up with the session', async () => {
      const app = framework.build(emulator.current, NO_COOLDOWN)
      const client = await signIn(app, emulator.current)
      emulator.current.advanceClock(11 * 60)
      expect((await client.get('/admin/fresh')).status).toBe(403)
      const sent = await client.post('/auth/sms/send')
      expect(sent.status).toBe(200)
      const verified = await client.post('/auth/sms/verify', {
        code: emulator.current.lastCode(ADMIN.phone),
      })
      expect(verified.status).toBe(200)
      expect((await client.get('/admin/fresh')).status).toBe(200)
    })
  })

  describe('when organizations or roles are set', () => {
    it('responds 403 forbidden for another organization, and admits the allowed one', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const denied = await client.get('/admin/other-org')
      expect(denied.status).toBe(403)
      expect(denied.body.code).toBe('forbidden')
      expect((await client.get('/admin/acme')).status).toBe(200)
      expect(app.admitted.get('/admin/other-org')).toBeUndefined()
    })

    it('responds 403 forbidden to a member without the role', async () => {
      const app = framework.build(emulator.current)
      const admin = await signIn(app, emulator.current)
      expect((await admin.get('/admin/role')).status).toBe(200)
      const other = await signIn(app, emulator.current, OTHER_ADMIN)
      const res = await other.get('/admin/role')
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('forbidden')
    })
  })

  describe('when the session was revoked at Stytch', () => {
    it('denies at once on a route that checks with Stytch, and clears the cookies', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const stolen = client.jar.clone()
      expect((await client.post('/auth/logout')).status).toBe(200)
      const replay = new Client(app.listener, stolen)
      const res = await replay.get('/admin/strict')
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('not_signed_in')
      expect(stolen.get('__Host-stytch_session')).toBeUndefined()
    })
  })

  describe('when Stytch fails', () => {
    it('responds 503 without signing the member out when Stytch is down during a refresh', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      emulator.current.advanceClock(6 * 60)
      emulator.current.injectFault(SESSIONS_AUTHENTICATE, { kind: 'status', status: 503 })
      const res = await client.get('/admin')
      expect(res.status).toBe(503)
      expect(res.body.code).toBe('stytch_unavailable')
      expect(res.headers['set-cookie']).toBeUndefined()
      expect((await client.get('/admin')).status).toBe(200)
    })

    it('responds 504 within the deadline when Stytch hangs', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      emulator.current.injectFault(SESSIONS_AUTHENTICATE, { kind: 'hang' })
      const started = Date.now()
      const res = await client.get('/admin/strict')
      expect(res.status).toBe(504)
      expect(res.body.code).toBe('stytch_timeout')
      expect(Date.now() - started).toBeLessThan(5000)
      expect(app.admitted.size).toBe(0)
    })

    it('responds 502 to a malformed answer and admits nothing', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      emulator.current.injectFault(SESSIONS_AUTHENTICATE, { kind: 'malformed' })
      const res = await client.get('/admin/strict')
      expect(res.status).toBe(502)
      expect(res.body.code).toBe('stytch_bad_response')
      expect(app.admitted.size).toBe(0)
    })
  })
})
