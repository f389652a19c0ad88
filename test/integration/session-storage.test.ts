import { describe, expect, it } from 'vitest'
import { frameworks } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN } from '../helpers/seed.js'
import { passEmailStep, signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()

function sessionIdCookie(client: Client): string | undefined {
  return client.jar
    .names()
    .find((name) => name !== '__Host-stytch_mfa_pending' && !name.includes('stytch'))
}

describe.each(frameworks)('member session storage on $name', (framework) => {
  describe('with a server-side session mounted', () => {
    it('stores the tokens server-side, sets no token cookies, and regenerates the session id', async () => {
      const app = framework.build(emulator.current, { storage: 'server' })
      const client = new Client(app.listener)
      // A session id planted before sign-in (fixation) must not survive it.
      await passEmailStep(client, emulator.current)
      const planted = await client.get('/login-state')
      expect(planted.status).toBe(200)
      const before =
        sessionIdCookie(client) === undefined
          ? undefined
          : client.jar.get(sessionIdCookie(client) ?? '')
      const res = await client.post('/auth/sms/verify', {
        code: emulator.current.lastCode(ADMIN.phone),
      })
      expect(res.status).toBe(200)
      expect(client.jar.get('__Host-stytch_session')).toBeUndefined()
      expect(client.jar.get('__Host-stytch_session_jwt')).toBeUndefined()
      const name = sessionIdCookie(client)
      expect(name).toBeDefined()
      expect(client.jar.get(name ?? '')).not.toBe(before)
      expect((await client.get('/admin')).status).toBe(200)
    })

    it('drops the session at logout', async () => {
      const app = framework.build(emulator.current, { storage: 'server' })
      const client = new Client(app.listener)
      await passEmailStep(client, emulator.current)
      await client.post('/auth/sms/verify', { code: emulator.current.lastCode(ADMIN.phone) })
      const stolen = client.jar.clone()
      expect((await client.post('/auth/logout')).status).toBe(200)
      // koa-session without a store keeps the data in its cookie, so the replay is refused by
      // the revocation at Stytch (a route that checks with Stytch), not by a store.
      expect((await new Client(app.listener, stolen).get('/admin/strict')).status).toBe(401)
    })
  })

  describe('in the explicit insecure mode over plain http', () => {
    it('uses cookies without Secure and without the __Host- prefix', async () => {
      const app = framework.build(emulator.current, { options: { allowInsecureCookies: true } })
      const client = new Client(app.listener)
      const plain = { headers: { 'x-forwarded-proto': 'http' } }
      await client.post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }, plain)
      await client.post(
        '/auth/email/verify',
        { code: emulator.current.lastCode(ADMIN.email) },
        plain,
      )
      expect(client.jar.get('stytch_mfa_pending')).toBeDefined()
      const res = await client.post(
        '/auth/sms/verify',
        { code: emulator.current.lastCode(ADMIN.phone) },
        plain,
      )
      expect(res.status).toBe(200)
      const cookie = client.setCookies.find((c) => c.startsWith('stytch_session='))
      expect(cookie).toBeDefined()
      expect(cookie).not.toMatch(/Secure/)
      expect((await client.get('/admin', plain)).status).toBe(200)
    })
  })

  describe('over plain http without the insecure mode', () => {
    const plain = { headers: { 'x-forwarded-proto': 'http' } }

    it('reads the __Host- cookies a browser on https sent (a proxy that says http)', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      expect((await client.get('/admin', plain)).status).toBe(200)
    })

    it('never reads the unprefixed names, which the library never sets there', async () => {
      const app = framework.build(emulator.current)
      const client = await signIn(app, emulator.current)
      const token = client.jar.get('__Host-stytch_session')
      const jwt = client.jar.get('__Host-stytch_session_jwt')
      expect(token).toBeDefined()
      expect(jwt).toBeDefined()
      // A sibling subdomain can plant these; only the __Host- ones are the library's.
      const planted = `stytch_session=${String(token)}; stytch_session_jwt=${String(jwt)}`
      const stranger = new Client(app.listener)
      const res = await stranger.get('/admin', { headers: { ...plain.headers, cookie: planted } })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('not_signed_in')
    })
  })
})
