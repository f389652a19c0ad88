import { describe, expect, it } from 'vitest'
import { frameworks } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()
const REVOKE = '/v1/b2b/sessions/revoke'

describe.each(frameworks)('logout() on $name', (framework) => {
  it('revokes at Stytch, clears every cookie with its attributes, and the guard refuses after', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    const res = await client.post('/auth/logout')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'signed_out', revoked: true })
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['clear-site-data']).toBe('"cookies"')
    expect(emulator.current.calls(REVOKE)).toBe(1)
    const cleared = res.headers['set-cookie'] as unknown as string[]
    for (const name of [
      '__Host-stytch_session',
      '__Host-stytch_session_jwt',
      '__Host-stytch_mfa_pending',
    ]) {
      const cookie = cleared.find((c) => c.startsWith(`${name}=;`))
      expect(cookie, name).toBeDefined()
      expect(cookie).toMatch(/Max-Age=0/)
      expect(cookie).toMatch(/; Path=\//)
      expect(cookie).toMatch(/; Secure/)
      expect(cookie).toMatch(/; HttpOnly/)
    }
    expect((await client.get('/admin')).status).toBe(401)
  })

  it('still signs out locally when Stytch fails to revoke', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    emulator.current.injectFault(REVOKE, { kind: 'status', status: 500 })
    const res = await client.post('/auth/logout')
    expect(res.status).toBe(200)
    expect(client.jar.get('__Host-stytch_session')).toBeUndefined()
    expect(app.events.at(-1)).toMatchObject({ type: 'logout', revoked: false })
    // The revoke is tried again until Stytch confirms: within this test, not during the next.
    await expect
      .poll(() => app.events.some((event) => event.type === 'session_revoked'), { timeout: 10_000 })
      .toBe(true)
  })

  it('refuses GET with 405 and a cross-site POST with 403, changing nothing', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    const get = await client.get('/auth/logout')
    expect(get.status).toBe(404)
    const cross = await client.post(
      '/auth/logout',
      {},
      { headers: { 'sec-fetch-site': 'cross-site' } },
    )
    expect(cross.status).toBe(403)
    expect(cross.body.code).toBe('cross_site_request')
    expect(emulator.current.calls(REVOKE)).toBe(0)
    expect((await client.get('/admin')).status).toBe(200)
  })

  it('redirects a browser to the page after logout', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    const res = await client.post('/auth/logout', {}, { form: true, browser: true })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })

  it('answers signed_out to a client that was not signed in', async () => {
    const app = framework.build(emulator.current)
    const res = await new Client(app.listener).post('/auth/logout')
    expect(res.status).toBe(200)
    expect(emulator.current.calls(REVOKE)).toBe(0)
  })
})
