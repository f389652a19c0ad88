/**
 * The example admin consoles over HTTP, as a browser without JavaScript uses them (form posts,
 * 303s followed by hand, cookies kept by supertest's agent) and as a JSON client does. Every
 * scenario runs on the Express console (`app.ts`) and on the Koa one (`koa-app.ts`).
 */
import { createHash } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import request from 'supertest'
import { messageOf } from 'stytch-b2b-mfa'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { messageFor } from '../../example-app/pages.js'
import {
  ADMIN,
  APP_MEMBER,
  Browser,
  CONSOLES,
  FOREIGN_MOBILE,
  NEWCOMER,
  TEST_LIMITS,
  demoOptions,
  location,
  serve,
  startDemo,
  text,
  type Demo,
} from './support.js'

/** The console of the running `describe` (they run one after the other). */
let demo: Demo

describe.each(CONSOLES)('the example admin console on $name', (app) => {
  beforeAll(async () => {
    // The Stytch SDK warns once per client about a custom base URL (the emulator): expected.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    demo = await startDemo(app)
  })

  beforeEach(() => {
    demo.emulator.reset()
    demo.logs.length = 0
  })

  afterAll(async () => {
    await demo.close()
  })

  it('answers /healthz with plain ok, without signing in', async () => {
    const res = await request(demo.baseUrl).get('/healthz')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.text).toBe('ok')
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('sends / to /admin, and a signed-out browser from /admin to the login form', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    expect(location(await browser.get('/'))).toBe('/admin')
    expect(location(await browser.get('/admin'))).toBe('/login?returnTo=%2Fadmin')
    const login = await browser.follow(await browser.get('/admin'))
    expect(login.status).toBe(200)
    expect(text(login)).toContain('<form method="post" action="/auth/email/send">')
    expect(text(login)).toContain('name="returnTo" value="/admin"')
    expect(text(login)).toContain('value="acme"')
  })

  it('signs the admin in with the email code, then the SMS code, and shows the session', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const mfa = await browser.passEmailStep(ADMIN.email)
    // Stytch sent the SMS with the email step: the page says where, and when to ask again.
    expect(text(mfa)).toContain('We sent a 6-digit code to <strong>+1 ••••••0100</strong>')
    expect(text(mfa)).toContain('action="/auth/sms/verify"')
    const wait =
      /You can ask for a new code in <span data-countdown="(\d+)">\1<\/span> s, at <time datetime="[^"]+" data-format="time">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/time>/.exec(
        text(mfa),
      )
    expect(Number(wait?.[1])).toBeGreaterThan(25)
    expect(Number(wait?.[1])).toBeLessThanOrEqual(30)
    // Without JavaScript too, the button stays shut until then.
    expect(text(mfa)).toContain('<button class="secondary" disabled')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(1)

    const verified = await browser.post('/auth/sms/verify', {
      code: demo.emulator.lastCode(ADMIN.phone)!,
    })
    expect(location(verified)).toBe('/admin')
    const admin = await browser.follow(verified)
    expect(admin.status).toBe(200)
    const me = (await browser.agent.get('/admin/api/me').set('accept', 'application/json'))
      .body as { email: string; memberId: string; organizationId: string }
    expect(me.email).toBe(ADMIN.email)
    expect(text(admin)).toContain(`signed in as <strong>${ADMIN.email}</strong>`)
    expect(text(admin)).toContain(me.memberId)
    expect(text(admin)).toContain(`acme · <code>${me.organizationId}</code>`)
    expect(text(admin)).toContain('<td><code>otp</code></td>')
    expect(text(admin)).toContain('<td>sms</td>')
    expect(text(admin)).toContain('•••• 0100')
    expect(text(admin)).not.toContain(ADMIN.phone)
    expect(text(admin)).toContain('action="/logout"')
  })

  it('keeps the member session server-side: the browser holds only the session id', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.passEmailStep(ADMIN.email)
    const verified = await browser.post('/auth/sms/verify', {
      code: demo.emulator.lastCode(ADMIN.phone)!,
    })
    const cookies = (verified.headers['set-cookie'] as unknown as string[]).join('\n')
    // An id (and its signature), not the session itself (koa-session's default without a store).
    expect(cookies).toMatch(/^admin\.sid=[^;]{1,100};/m)
    expect(cookies).toMatch(/^stytch_mfa_pending=;/m)
    expect(cookies).not.toMatch(/stytch_session/)
    expect(cookies).not.toMatch(/; Secure/i)
  })

  it('lets a member without a phone enrol one, and says why a number is refused', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const enrol = await browser.passEmailStep(NEWCOMER.email)
    expect(text(enrol)).toContain('name="phoneNumber"')
    expect(text(enrol)).toContain('+12025550123')
    expect(text(enrol)).toContain('A mobile number in the United States or Canada')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(0)

    const refused = await browser.post('/auth/sms/send', { phoneNumber: '+15555550100' })
    expect(location(refused)).toBe('/mfa?error=invalid_phone_number')
    const again = await browser.follow(refused)
    expect(text(again)).toContain(`role="alert">${messageFor('invalid_phone_number')}</p>`)
    expect(text(again)).toContain('name="phoneNumber"')

    // A real number from elsewhere is not a typo: the page names the countries, not the format.
    const foreign = await browser.submit('/auth/sms/send', { phoneNumber: FOREIGN_MOBILE })
    const alert = /role="alert">([^<]+)</.exec(text(foreign))?.[1]
    expect(alert).toContain('Use a mobile number in the United States or Canada')
    expect(alert).not.toMatch(/E\.164|form/)
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(0)

    const sent = await browser.submit('/auth/sms/send', { phoneNumber: NEWCOMER.phone })
    expect(text(sent)).toContain('We sent a 6-digit code to <strong>+1 ••••••0123</strong>')
    const admin = await browser.submit('/auth/sms/verify', {
      code: demo.emulator.lastCode(NEWCOMER.phone)!,
    })
    expect(admin.status).toBe(200)
    expect(text(admin)).toContain('•••• 0123')
  })

  it('shows the library message for a wrong SMS code and a wrong email code', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const codeForm = await browser.submit('/auth/email/send', {
      email: ADMIN.email,
      organization: 'acme',
      returnTo: '/admin',
    })
    expect(codeForm.status).toBe(200)
    expect(text(codeForm)).toContain('action="/auth/email/verify"')
    const wrongEmail = await browser.post('/auth/email/verify', { code: '000000' })
    expect(location(wrongEmail)).toBe('/login/code?error=otp_invalid')
    const codePage = await browser.follow(wrongEmail)
    expect(codePage.status).toBe(200)
    expect(text(codePage)).toContain(`role="alert">${messageOf.otp_invalid}`)

    await browser.submit('/auth/email/verify', { code: demo.emulator.lastCode(ADMIN.email)! })
    const wrongSms = await browser.post('/auth/sms/verify', { code: '000000' })
    expect(location(wrongSms)).toBe('/mfa?error=otp_invalid')
    const mfa = await browser.follow(wrongSms)
    expect(text(mfa)).toContain(`role="alert">${messageOf.otp_invalid}`)
    // Still on the SMS step: the right code works.
    const admin = await browser.submit('/auth/sms/verify', {
      code: demo.emulator.lastCode(ADMIN.phone)!,
    })
    expect(admin.status).toBe(200)
  })

  it('refuses a new SMS code right after Stytch sent one, and says when to ask again', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const mfa = await browser.passEmailStep(ADMIN.email)
    const resendAt = / s, at <time datetime="([^"]+)"/.exec(text(mfa))?.[1]
    expect(resendAt).toBeDefined()

    const refused = await browser.post('/auth/sms/send', {})
    const target = new URL(location(refused), demo.baseUrl)
    expect(target.pathname).toBe('/mfa')
    expect(target.searchParams.get('error')).toBe('rate_limited')
    const retryAfter = Number(target.searchParams.get('retry_after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(30)
    const page = await browser.follow(refused)
    expect(text(page)).toContain(
      `role="alert">${messageOf.rate_limited} Try again in ${String(retryAfter)} s.</p>`,
    )
    expect(messageOf.rate_limited).toMatch(/^Too many attempts\. Wait/)
    // The page still shows the library's resend time, and the code form.
    expect(text(page)).toContain(` s, at <time datetime="${resendAt!}"`)
    expect(text(page)).toContain('action="/auth/sms/verify"')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(1)
  })

  it('resends the SMS code from the MFA page when the cooldown allows it', async ({
    onTestFinished,
  }) => {
    // The cooldown counts real seconds, not the emulator's clock: this console has none.
    const noCooldown = await serve(
      app.listener({
        ...demoOptions(demo.emulator),
        limits: { ...TEST_LIMITS, smsCooldownSeconds: 0 },
      }),
    )
    onTestFinished(() => noCooldown.close())
    const browser = new Browser(noCooldown.baseUrl, demo.emulator)
    const mfa = await browser.passEmailStep(ADMIN.email)
    expect(text(mfa)).toContain('You can ask for a new code now.')
    expect(text(mfa)).toContain(
      '<button class="secondary" aria-describedby="resend-hint">Send a new code</button>',
    )
    const first = demo.emulator.lastCode(ADMIN.phone)
    const resent = await browser.post('/auth/sms/send', {})
    expect(location(resent)).toBe('/mfa')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(2)
    expect(demo.emulator.lastCode(ADMIN.phone)).not.toBe(first)
  })

  it('shows only known error codes from the query, with retry_after, escaped', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const limited = await browser.get('/login?returnTo=%2Fadmin&error=rate_limited&retry_after=42')
    expect(location(limited)).toBe('/login?returnTo=%2Fadmin')
    expect(text(await browser.follow(limited))).toContain(
      `${messageOf.rate_limited} Try again in 42 s.`,
    )
    const unknown = await browser.follow(
      await browser.get('/login?error=%3Cscript%3Ealert(1)%3C/script%3E'),
    )
    expect(text(unknown)).not.toContain('role="alert"')
    expect(text(unknown)).not.toContain('<script>alert')
    const proto = await browser.follow(
      await browser.get('/login?error=constructor&retry_after=oops'),
    )
    expect(text(proto)).not.toContain('role="alert"')
    const hostile = await browser.get('/login?returnTo=%22%3E%3Cscript%3Ealert(1)%3C/script%3E')
    expect(text(hostile)).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(text(hostile)).not.toContain('<script>alert')
  })

  it('shows an error once: the URL it leaves in the history has none, nor a code', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.passEmailStep(ADMIN.email)
    const wrong = await browser.post('/auth/sms/verify', { code: '000000' })
    expect(location(wrong)).toBe('/mfa?error=otp_invalid')
    const moved = await browser.get('/mfa?error=otp_invalid')
    expect(location(moved)).toBe('/mfa')
    expect((moved.headers['set-cookie'] as unknown as string[]).join('\n')).toMatch(
      /^admin\.flash=[^;]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/m,
    )
    const shown = await browser.get('/mfa')
    expect(text(shown)).toContain(`role="alert">${messageOf.otp_invalid}`)
    expect(text(shown)).not.toContain('000000')
    expect(text(shown)).toMatch(/<input id="code" name="code" [^>]*autocomplete="off"/)
    expect(text(shown)).not.toMatch(/<input id="code"[^>]*value=/)
    expect(text(await browser.get('/mfa'))).not.toContain('role="alert"')

    // What Back shows after signing out: the page again, fetched anew, without the old error.
    await browser.submit('/auth/sms/verify', { code: demo.emulator.lastCode(ADMIN.phone)! })
    await browser.post('/logout', {})
    const back = await browser.get('/mfa')
    expect(back.headers['cache-control']).toBe('no-store')
    expect(text(back)).not.toContain('role="alert"')
    expect(text(back)).not.toContain('000000')
  })

  it('keeps a flash to the page it was meant for', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    // Not followed: the flash waits in its cookie, for /login only.
    await browser.get('/login?error=otp_invalid')
    expect(text(await browser.get('/mfa'))).not.toContain('role="alert"')
    expect(text(await browser.get('/login'))).toContain(`role="alert">${messageOf.otp_invalid}`)
  })

  it("runs only the pages' own script, allowed by its hash in the CSP", async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const login = await browser.get('/login')
    const scripts = [...text(login).matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
    expect(scripts).toHaveLength(1)
    const hash = createHash('sha256').update(scripts[0]!).digest('base64')
    const policy = (login.headers['content-security-policy'] as string).split('; ')
    expect(policy).toContain("default-src 'none'")
    expect(policy).toContain(`script-src 'sha256-${hash}'`)
    expect(policy.filter((directive) => directive.startsWith('script-src'))).toHaveLength(1)
  })

  it('answers JSON clients with JSON on the same routes', async () => {
    const agent = request.agent(demo.baseUrl)
    const json = { accept: 'application/json', origin: demo.baseUrl }
    const signedOut = await agent.get('/admin/api/me').set(json)
    expect(signedOut.status).toBe(401)
    expect(signedOut.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(signedOut.body).toMatchObject({ code: 'not_signed_in' })

    const sent = await agent
      .post('/auth/email/send')
      .set(json)
      .send({ email: ADMIN.email, organization: 'acme' })
    expect(sent.body).toEqual({ status: 'email_sent', next: '/login/code' })
    const emailed = await agent
      .post('/auth/email/verify')
      .set(json)
      .send({ code: demo.emulator.lastCode(ADMIN.email) })
    expect(emailed.body).toMatchObject({ status: 'mfa_required', smsSent: true, needsPhone: false })
    const wrong = await agent.post('/auth/sms/verify').set(json).send({ code: '000000' })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toMatchObject({ code: 'otp_invalid', title: messageOf.otp_invalid })
    const signedIn = await agent
      .post('/auth/sms/verify')
      .set(json)
      .send({ code: demo.emulator.lastCode(ADMIN.phone) })
    expect(signedIn.body).toEqual({ status: 'signed_in', next: '/' })

    const me = await agent.get('/admin/api/me').set(json)
    expect(me.status).toBe(200)
    expect(me.headers['content-type']).toMatch(/^application\/json/)
    expect(me.body).toMatchObject({
      email: ADMIN.email,
      organizationSlug: 'acme',
      roles: ['stytch_member', 'stytch_admin'],
      memberId: expect.stringMatching(/^member-test-/),
      mfaAt: expect.any(String),
    })
    const factors = (me.body as { factors: { type: string; deliveryMethod: string }[] }).factors
    expect(factors.map((f) => `${f.type}/${f.deliveryMethod}`)).toEqual([
      'email_otp/email',
      'otp/sms',
    ])

    const out = await agent.post('/logout').set(json)
    expect(out.body).toEqual({ status: 'signed_out', revoked: true })
    expect((await agent.get('/admin/api/me').set(json)).status).toBe(401)
  })

  it('signs out: the session is revoked and /admin sends the browser to the login form', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.signInAdmin()
    const out = await browser.post('/logout', {})
    expect(location(out)).toBe('/login')
    expect(out.headers['clear-site-data']).toBe('"cookies"')
    const login = await browser.follow(out)
    expect(text(login)).toContain('action="/auth/email/send"')
    expect(location(await browser.get('/admin'))).toBe('/login?returnTo=%2Fadmin')
  })

  it('accepts a form post from an older browser by its Origin, and refuses another site', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const form = { email: ADMIN.email, organization: 'acme' }
    const old = await browser.agent
      .post('/auth/email/send')
      .type('form')
      .set({ accept: 'text/html', origin: demo.baseUrl })
      .send(form)
    expect(location(old)).toBe('/login/code')
    const crossSite = await browser.agent
      .post('/auth/email/send')
      .type('form')
      .set({ accept: 'text/html', origin: 'https://evil.example' })
      .send(form)
    expect(location(crossSite)).toBe('/login?error=cross_site_request')
  })

  it('behind a TLS proxy (trustProxy: 1), signs in over its https only, with Secure cookies', async () => {
    const behindProxy = app.listener({
      ...demoOptions(demo.emulator),
      allowInsecureCookies: false,
      trustProxy: 1,
    })
    const form = { email: ADMIN.email, organization: 'acme' }
    const viaProxy = await request(behindProxy)
      .post('/auth/email/send')
      .type('form')
      .set({
        accept: 'text/html',
        host: 'admin.example',
        origin: 'https://admin.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.9',
      })
      .send(form)
    expect(location(viaProxy)).toBe('/login/code')
    expect((viaProxy.headers['set-cookie'] as unknown as string[]).join('\n')).toMatch(
      /^__Host-stytch_mfa_pending=[^;]+;.*; Secure/m,
    )
    const plainHttp = await request(behindProxy)
      .post('/auth/email/send')
      .type('form')
      .set({ accept: 'text/html', host: 'admin.example', origin: 'http://admin.example' })
      .send(form)
    expect(location(plainHttp)).toBe('/login?error=insecure_transport')
  })

  it('signs a member in with a code from their authenticator app', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const mfa = await browser.passEmailStep(APP_MEMBER.email)
    // The organization allows SMS too, but this member has only an app: no SMS form, none sent.
    expect(text(mfa)).toContain('<form method="post" action="/auth/totp/verify">')
    expect(text(mfa)).toContain('<form method="post" action="/auth/recovery/verify">')
    expect(text(mfa)).not.toContain('action="/auth/sms/')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(0)

    const code = demo.emulator.totpCode(APP_MEMBER.email)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    const refused = await browser.submit('/auth/totp/verify', { code: wrong })
    expect(text(refused)).toContain(`role="alert">${messageOf.otp_invalid}</p>`)
    expect(text(refused)).toContain('action="/auth/totp/verify"')

    const verified = await browser.post('/auth/totp/verify', { code })
    expect(location(verified)).toBe('/admin')
    const admin = await browser.follow(verified)
    expect(admin.status).toBe(200)
    expect(text(admin)).toContain(`signed in as <strong>${APP_MEMBER.email}</strong>`)
    expect(text(admin)).toContain('<td><code>totp</code></td>')
    const me = await browser.agent.get('/admin/api/me').set('accept', 'application/json')
    // The app code counts as the second factor the page reports.
    const mfaAt = (me.body as { mfaAt: string | null }).mfaAt
    expect(Math.abs(Date.parse(mfaAt!) - demo.emulator.now().getTime())).toBeLessThan(5000)
  })

  it('signs a member in with a recovery code, which then fails on reuse', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.passEmailStep(APP_MEMBER.email)
    const [recoveryCode] = demo.emulator.recoveryCodes(APP_MEMBER.email)
    const verified = await browser.post('/auth/recovery/verify', { recoveryCode: recoveryCode! })
    expect(location(verified)).toBe('/admin')
    expect((await browser.follow(verified)).status).toBe(200)
    await browser.post('/logout', {})

    const again = new Browser(demo.baseUrl, demo.emulator)
    await again.passEmailStep(APP_MEMBER.email)
    const reused = await again.post('/auth/recovery/verify', { recoveryCode: recoveryCode! })
    expect(location(reused)).toMatch(/^\/mfa\?error=/)
    const page = await again.follow(reused)
    expect(text(page)).toContain('role="alert">')
    expect(location(await again.get('/admin'))).toMatch(/^\/login/)
  })

  it('lets a member without a factor set up an authenticator app from a QR code', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const offer = await browser.passEmailStep(NEWCOMER.email)
    expect(text(offer)).toContain('<form method="post" action="/auth/totp/enrol">')
    // The phone remains the other choice.
    expect(text(offer)).toContain('name="phoneNumber"')

    const enrol = await browser.submit('/auth/totp/enrol', {})
    expect(enrol.status).toBe(200)
    expect(text(enrol)).toMatch(/<figure class="qr"><svg [^>]*viewBox=/)
    const secret = /<code data-totp-secret>([A-Z2-7]{16,})<\/code>/.exec(text(enrol))?.[1]
    expect(secret).toBeDefined()
    expect(text(enrol)).not.toContain('action="/auth/sms/')
    // The secret the page shows is the one the app is registered with.
    const code = new TOTP({ secret: Secret.fromBase32(secret!) }).generate({
      timestamp: demo.emulator.now().getTime(),
    })
    expect(code).toBe(demo.emulator.totpCode(NEWCOMER.email))

    const admin = await browser.submit('/auth/totp/verify', { code })
    expect(admin.status).toBe(200)
    expect(text(admin)).toContain(`signed in as <strong>${NEWCOMER.email}</strong>`)
    expect(demo.emulator.recoveryCodes(NEWCOMER.email).length).toBeGreaterThan(0)
  })

  it('gives a JSON client the recovery codes once, when its first app code confirms the app', async () => {
    const agent = request.agent(demo.baseUrl)
    const json = { accept: 'application/json', origin: demo.baseUrl }
    await agent
      .post('/auth/email/send')
      .set(json)
      .send({ email: NEWCOMER.email, organization: 'acme' })
    await agent
      .post('/auth/email/verify')
      .set(json)
      .send({ code: demo.emulator.lastCode(NEWCOMER.email) })
    const created = await agent.post('/auth/totp/enrol').set(json).send({})
    expect(created.body).toMatchObject({ status: 'totp_created' })
    const confirmed = await agent
      .post('/auth/totp/verify')
      .set(json)
      .send({ code: demo.emulator.totpCode(NEWCOMER.email) })
    const body = confirmed.body as { status: string; recoveryCodes: string[] }
    expect(body.status).toBe('signed_in')
    expect(body.recoveryCodes).toEqual(demo.emulator.recoveryCodes(NEWCOMER.email))
  })

  it("lets an admin reset a member's MFA from the members page, which signs that member out", async () => {
    const member = new Browser(demo.baseUrl, demo.emulator)
    await member.passEmailStep(APP_MEMBER.email)
    await member.post('/auth/totp/verify', { code: demo.emulator.totpCode(APP_MEMBER.email) })
    expect((await member.get('/admin')).status).toBe(200)
    // A member who is no admin is not shown the members, nor can reset anyone.
    expect(text(await member.get('/admin'))).not.toContain('href="/admin/members"')
    expect((await member.get('/admin/members')).status).toBe(403)

    const admin = new Browser(demo.baseUrl, demo.emulator)
    await admin.signInAdmin()
    expect(text(await admin.get('/admin'))).toContain('href="/admin/members"')
    const list = await admin.get('/admin/members')
    expect(list.status).toBe(200)
    expect(text(list)).toContain(`aria-label="Reset MFA of ${APP_MEMBER.email}"`)
    const memberId = new RegExp(
      `name="memberId" value="([^"]+)">\\s*<button class="secondary" aria-label="Reset MFA of ${APP_MEMBER.email}"`,
    ).exec(text(list))?.[1]
    expect(memberId).toBeDefined()

    const forged = await member.post('/admin/members/reset', { memberId: memberId! })
    expect(location(forged)).toBe('/admin/members?error=forbidden')
    expect(() => demo.emulator.totpCode(APP_MEMBER.email)).not.toThrow()

    const reset = await admin.post('/admin/members/reset', { memberId: memberId! })
    expect(location(reset)).toBe('/admin/members')
    expect(() => demo.emulator.totpCode(APP_MEMBER.email)).toThrow()
    expect(text(await admin.follow(reset))).not.toContain(`Reset MFA of ${APP_MEMBER.email}`)
    expect(location(await member.get('/admin'))).toMatch(/^\/login/)
  })

  it('asks an admin whose second factor is older than 10 minutes for a fresh one before a reset', async () => {
    const admin = new Browser(demo.baseUrl, demo.emulator)
    await admin.signInAdmin()
    const list = text(await admin.get('/admin/members'))
    const memberId = /name="memberId" value="([^"]+)"/.exec(list)?.[1]
    demo.emulator.advanceClock(11 * 60)
    const reset = await admin.post('/admin/members/reset', { memberId: memberId! })
    expect(location(reset)).toBe('/mfa?error=mfa_stale')
    expect(() => demo.emulator.totpCode(APP_MEMBER.email)).not.toThrow()
  })

  it('offers the step-up on /mfa, by SMS or app code, when no login is in progress', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const page = await browser.follow(await browser.get('/mfa?error=mfa_required'))
    expect(page.status).toBe(200)
    expect(text(page)).toContain(messageOf.mfa_required)
    expect(text(page)).toContain('This page needs a recent confirmation with a second factor.')
    expect(text(page)).toContain('Send me a code')
    expect(text(page)).toContain('<form method="post" action="/auth/totp/verify">')
    // Not signed in at all: asking for a code leads to the login form.
    const sent = await browser.post('/auth/sms/send', {})
    expect(location(sent)).toBe('/login?error=login_required')
  })

  it('sends /login/code back to /login when no sign-in is in progress', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    expect(location(await browser.get('/login/code'))).toBe('/login')
  })

  it('renders errors as a page without details, and logs them', async ({ onTestFinished }) => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const missing = await browser.get('/nowhere')
    expect(missing.status).toBe(404)
    expect(text(missing)).toContain('There is no page here.')

    await browser.signInAdmin()
    // The session JWT (5 minutes) expires; Stytch then fails to confirm the session.
    demo.emulator.advanceClock(6 * 60)
    demo.emulator.injectFault('/v1/b2b/sessions/authenticate', { kind: 'status', status: 500 })
    // The console leaves the library's operator log on its default, the console.
    const operatorLog = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    onTestFinished(() => {
      operatorLog.mockRestore()
    })
    const failed = await browser.get('/admin')
    expect(failed.status).toBeGreaterThanOrEqual(500)
    expect(failed.headers['content-type']).toMatch(/^text\/html/)
    expect(text(failed)).toContain('Something went wrong')
    expect(text(failed)).not.toMatch(/MfaError|\bat .*\.ts:\d+|node_modules/)
    expect(demo.logs.join('\n')).toMatch(/GET \/admin: 50\d stytch_/)
    expect(operatorLog).toHaveBeenCalledWith(
      expect.stringMatching(/^stytch-b2b-mfa: Stytch call sessions\.authenticate failed/),
    )
  })
})
