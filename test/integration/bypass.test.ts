import { describe, expect, it } from 'vitest'
import { NO_COOLDOWN, frameworks } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN, OTHER_ADMIN } from '../helpers/seed.js'
import { passEmailStep, signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()

/** Changes one character in the middle of the value (not the last, whose low bits base64url ignores). */
function flipMiddleChar(value: string): string {
  const at = Math.floor(value.length / 2)
  return value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1)
}

describe.each(frameworks)('bypass attempts on $name', (framework) => {
  it('ignores member and organization ids in the body: the code goes to the IST-bound member', async () => {
    const app = framework.build(emulator.current, NO_COOLDOWN)
    const victim = await signIn(app, emulator.current, OTHER_ADMIN)
    const victimSession = await victim.get('/admin')
    const attacker = new Client(app.listener)
    await passEmailStep(attacker, emulator.current, ADMIN)
    const sent = await attacker.post('/auth/sms/send', {
      member_id: victimSession.body.memberId,
      memberId: victimSession.body.memberId,
      organization_id: 'beta',
    })
    expect(sent.status).toBe(200)
    const last = emulator.current.outbox({ channel: 'sms' }).at(-1)
    expect(last?.to).toBe(ADMIN.phone)
    const done = await attacker.post('/auth/sms/verify', {
      code: emulator.current.lastCode(ADMIN.phone),
      member_id: victimSession.body.memberId,
      member_authenticated: true,
    })
    expect(done.status).toBe(200)
    const admin = await attacker.get('/admin')
    expect(admin.body.memberId).not.toBe(victimSession.body.memberId)
  })

  it('treats a tampered pending cookie as absent and calls Stytch not at all', async () => {
    const app = framework.build(emulator.current)
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current)
    client.jar.set(
      '__Host-stytch_mfa_pending',
      flipMiddleChar(client.jar.get('__Host-stytch_mfa_pending') ?? ''),
    )
    const res = await client.post('/auth/sms/verify', {
      code: emulator.current.lastCode(ADMIN.phone),
    })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('login_required')
    expect(emulator.current.calls('/v1/b2b/otps/sms/authenticate')).toBe(0)
  })

  it('refuses a pending cookie sealed with another secret, and accepts one sealed with a rotated-out secret still listed', async () => {
    const old = framework.build(emulator.current, {
      options: { cookieSecrets: ['old-secret-0123456789-abcdefghijklmnopqrstu'] },
    })
    const client = new Client(old.listener)
    await passEmailStep(client, emulator.current)
    const stranger = framework.build(emulator.current, {
      options: { cookieSecrets: ['another-secret-0123456789-abcdefghijklmnop'] },
    })
    const refused = await new Client(stranger.listener, client.jar.clone()).post('/auth/sms/send')
    expect(refused.body.code).toBe('login_required')
    const rotated = framework.build(emulator.current, {
      options: {
        cookieSecrets: [
          'new-secret-0123456789-abcdefghijklmnopqrstu',
          'old-secret-0123456789-abcdefghijklmnopqrstu',
        ],
      },
    })
    const accepted = await new Client(rotated.listener, client.jar.clone()).post('/auth/sms/send')
    expect(accepted.status).toBe(200)
  })

  it('treats a pending cookie sent twice as absent', async () => {
    const app = framework.build(emulator.current)
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current)
    const value = client.jar.get('__Host-stytch_mfa_pending') ?? ''
    const res = await client.post(
      '/auth/sms/send',
      {},
      {
        headers: {
          cookie: `__Host-stytch_mfa_pending=${value}; __Host-stytch_mfa_pending=${value}`,
        },
      },
    )
    expect(res.status).toBe(401)
    expect(emulator.current.calls('/v1/b2b/otps/sms/send')).toBe(0)
  })

  it('treats session cookies sent twice as no session', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    const cookie = `${client.jar.header() ?? ''}; __Host-stytch_session_jwt=${client.jar.get('__Host-stytch_session_jwt') ?? ''}`
    const res = await client.get('/admin', { headers: { cookie } })
    expect(res.status).toBe(401)
    expect(app.admitted.size).toBe(0)
  })

  it('ignores a session cookie without the __Host- prefix on a secure request', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    const jar = new Client(app.listener)
    jar.jar.set('stytch_session', client.jar.get('__Host-stytch_session') ?? '')
    jar.jar.set('stytch_session_jwt', client.jar.get('__Host-stytch_session_jwt') ?? '')
    expect((await jar.get('/admin')).status).toBe(401)
  })

  it('refuses a forged JWT in the session cookie', async () => {
    const app = framework.build(emulator.current)
    const client = await signIn(app, emulator.current)
    client.jar.delete('__Host-stytch_session')
    client.jar.set(
      '__Host-stytch_session_jwt',
      flipMiddleChar(client.jar.get('__Host-stytch_session_jwt') ?? ''),
    )
    expect((await client.get('/admin')).status).toBe(401)
    expect(app.admitted.size).toBe(0)
  })

  it('refuses a replayed SMS code after success', async () => {
    const app = framework.build(emulator.current)
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current)
    const code = emulator.current.lastCode(ADMIN.phone)
    const pending = client.jar.get('__Host-stytch_mfa_pending') ?? ''
    expect((await client.post('/auth/sms/verify', { code })).status).toBe(200)
    const replay = new Client(app.listener)
    replay.jar.set('__Host-stytch_mfa_pending', pending)
    const res = await replay.post('/auth/sms/verify', { code })
    expect(res.status).toBe(401)
    expect(emulator.current.sessionsMinted()).toBe(1)
  })

  it('ignores bypass headers on the admin route', async () => {
    const app = framework.build(emulator.current)
    const res = await new Client(app.listener).get('/admin', {
      headers: {
        'x-forwarded-for': '127.0.0.1',
        'x-real-ip': '127.0.0.1',
        'x-debug': '1',
        'x-original-url': '/public',
      },
    })
    expect(res.status).toBe(401)
  })

  it('refuses cross-site posts to every step before calling Stytch', async () => {
    const app = framework.build(emulator.current)
    const client = new Client(app.listener)
    const hostile: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': '', origin: 'https://evil.test' },
      { 'sec-fetch-site': '', origin: 'null' },
      { 'sec-fetch-site': '', origin: 'https://admin.example.test.evil.test' },
    ]
    for (const path of [
      '/auth/email/send',
      '/auth/email/verify',
      '/auth/sms/send',
      '/auth/sms/verify',
      '/auth/logout',
    ]) {
      for (const headers of hostile) {
        const res = await client.post(
          path,
          { email: ADMIN.email, organization: 'acme', code: '123456' },
          { headers },
        )
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
        expect(res.body.code).toBe('cross_site_request')
      }
    }
    expect(emulator.current.calls()).toBe(0)
  })

  it('refuses a sign-in over plain http unless insecure cookies are allowed', async () => {
    const app = framework.build(emulator.current)
    const res = await new Client(app.listener).post(
      '/auth/email/send',
      { email: ADMIN.email, organization: 'acme' },
      { headers: { 'x-forwarded-proto': 'http', origin: 'https://admin.example.test' } },
    )
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('insecure_transport')
  })
})
