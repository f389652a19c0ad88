/**
 * The example admin consoles over HTTP, as a browser without JavaScript uses them (form posts,
 * 303s followed by hand, cookies kept by supertest's agent) and as a JSON client does. Every
 * scenario runs on the Express console (`app.ts`) and on the Koa one (`koa-app.ts`).
 */
import { createHash } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import request from 'supertest'
import type { Response } from 'supertest'
import { messageOf } from 'stytch-b2b-mfa'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { messageFor } from '../../example-app/pages.js'
import {
  ACME,
  ADMIN,
  APP_MEMBER,
  Browser,
  CONSOLES,
  FOREIGN_MOBILE,
  GLOBEX,
  NEWCOMER,
  PAT,
  TEST_LIMITS,
  demoOptions,
  location,
  organizationIdIn,
  serve,
  startDemo,
  text,
  wrongCode,
  type Demo,
} from './support.js'

/** The console of the running `describe` (they run one after the other). */
let demo: Demo

/** The page that shows recovery codes once: each code, a download of them all, where next. */
function expectCodesPage(res: Response, codes: readonly string[], next: string): void {
  const page = text(res)
  expect(res.headers['cache-control']).toBe('no-store')
  expect([...page.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1])).toEqual(codes)
  const file = /<a download="recovery-codes.txt" href="([^"]+)">/.exec(page)?.[1]
  expect(file).toBe(`data:text/plain;charset=utf-8,${encodeURIComponent(`${codes.join('\n')}\n`)}`)
  expect(page).toContain(`<a href="${next}">Continue</a>`)
}

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
    expect(text(login)).toContain('<form method="post" action="/auth/discovery/send">')
    expect(text(login)).toContain('name="returnTo" value="/admin"')
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
    // Recovery codes are rendered on the server: no page fetches anything.
    expect(policy.some((directive) => directive.startsWith('connect-src'))).toBe(false)
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
      roles: ['stytch_member', 'stytch_admin', 'reports_reader'],
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
    expect(text(login)).toContain('action="/auth/discovery/send"')
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
    const refused = await browser.submit('/auth/totp/verify', { code: wrongCode(code) })
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

  it('lets a member without a factor set up an authenticator app from a QR code, then shows the recovery codes once', async () => {
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
    expect(text(enrol)).toContain('<form method="post" action="/mfa/app/confirm">')

    // A wrong first code: back to the same QR code, with the library's message.
    const refused = await browser.submit('/mfa/app/confirm', { code: wrongCode(code) })
    expect(text(refused)).toContain(`role="alert">${messageOf.otp_invalid}</p>`)
    expect(text(refused)).toContain(`<code data-totp-secret>${secret!}</code>`)

    const shown = await browser.post('/mfa/app/confirm', { code })
    expect(shown.status).toBe(200)
    const codes = demo.emulator.recoveryCodes(NEWCOMER.email)
    expect(codes.length).toBeGreaterThan(0)
    expectCodesPage(shown, codes, '/admin')
    const admin = await browser.get('/admin')
    expect(admin.status).toBe(200)
    expect(text(admin)).toContain(`signed in as <strong>${NEWCOMER.email}</strong>`)
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

  it('links the security page from the header once signed in, and keeps it behind requireMfa()', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    expect(location(await browser.get('/admin/security'))).toBe(
      '/login?returnTo=%2Fadmin%2Fsecurity',
    )
    expect(text(await browser.get('/login'))).not.toContain('href="/admin/security"')
    await browser.signInAdmin()
    expect(text(await browser.get('/admin'))).toContain('<a href="/admin/security">Security</a>')
    const page = text(await browser.get('/admin/security'))
    expect(page).toContain(`The second factors of <strong>${ADMIN.email}</strong>`)
    expect(page).toContain('<dt>Phone for SMS codes</dt><dd>yes</dd>')
    expect(page).toContain('<dt>Authenticator app</dt><dd>—</dd>')
    expect(page).toContain('<form method="post" action="/admin/security/app">')
    expect(page).not.toContain('action="/admin/security/recovery-codes"')
  })

  it('lets a signed-in member add an authenticator app: QR code, a first code, the recovery codes once', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.signInAdmin()
    // Nothing is being added yet: the set-up page sends back to the security page.
    expect(location(await browser.get('/admin/security/app'))).toBe('/admin/security')

    const added = await browser.post('/admin/security/app', {})
    expect(location(added)).toBe('/admin/security/app')
    const setup = await browser.follow(added)
    expect(text(setup)).toMatch(/<figure class="qr"><svg [^>]*viewBox=/)
    const secret = /<code data-totp-secret>([A-Z2-7]{16,})<\/code>/.exec(text(setup))?.[1]
    const code = demo.emulator.totpCode(ADMIN.email)
    expect(
      new TOTP({ secret: Secret.fromBase32(secret!) }).generate({
        timestamp: demo.emulator.now().getTime(),
      }),
    ).toBe(code)
    expect(text(setup)).toContain('<form method="post" action="/admin/security/app/confirm">')
    // A reload shows the same app; it does not add another.
    expect(text(await browser.get('/admin/security/app'))).toContain(secret)

    const refused = await browser.post('/admin/security/app/confirm', { code: wrongCode(code) })
    expect(location(refused)).toBe('/admin/security/app?error=otp_invalid')
    const again = await browser.follow(refused)
    expect(text(again)).toContain(`role="alert">${messageOf.otp_invalid}</p>`)
    expect(text(again)).toContain(`<code data-totp-secret>${secret!}</code>`)

    const shown = await browser.post('/admin/security/app/confirm', { code })
    expectCodesPage(shown, demo.emulator.recoveryCodes(ADMIN.email), '/admin/security')
    const security = text(await browser.get('/admin/security'))
    expect(security).toContain('<dt>Authenticator app</dt><dd>yes</dd>')
    expect(security).toContain('action="/admin/security/recovery-codes"')
    // Still signed in, now with the app as a factor of this session; the set-up is over.
    expect(text(await browser.get('/admin'))).toContain('<td><code>totp</code></td>')
    expect(location(await browser.get('/admin/security/app'))).toBe('/admin/security')
  })

  it('gives a member new recovery codes: the old ones stop working, a new one signs in', async () => {
    const member = new Browser(demo.baseUrl, demo.emulator)
    await member.passEmailStep(APP_MEMBER.email)
    await member.post('/auth/totp/verify', { code: demo.emulator.totpCode(APP_MEMBER.email) })
    const [old] = demo.emulator.recoveryCodes(APP_MEMBER.email)

    const shown = await member.post('/admin/security/recovery-codes', {})
    const codes = demo.emulator.recoveryCodes(APP_MEMBER.email)
    expect(codes).not.toContain(old)
    expectCodesPage(shown, codes, '/admin/security')
    await member.post('/logout', {})

    const later = new Browser(demo.baseUrl, demo.emulator)
    await later.passEmailStep(APP_MEMBER.email)
    const refused = await later.post('/auth/recovery/verify', { recoveryCode: old! })
    expect(location(refused)).toBe('/mfa?error=otp_invalid')
    await later.follow(refused)
    const signedIn = await later.post('/auth/recovery/verify', { recoveryCode: codes[0]! })
    expect(location(signedIn)).toBe('/admin')
  })

  it('asks for a fresh second factor before new recovery codes, and refuses a post from another site', async () => {
    const member = new Browser(demo.baseUrl, demo.emulator)
    await member.passEmailStep(APP_MEMBER.email)
    await member.post('/auth/totp/verify', { code: demo.emulator.totpCode(APP_MEMBER.email) })
    const codes = demo.emulator.recoveryCodes(APP_MEMBER.email)

    const forged = await member.agent
      .post('/admin/security/recovery-codes')
      .type('form')
      .set({ accept: 'text/html', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      .send({})
    expect(location(forged)).toBe('/admin/security?error=cross_site_request')
    expect(text(forged)).not.toContain('<code>')

    demo.emulator.advanceClock(11 * 60)
    const stale = await member.post('/admin/security/recovery-codes', {})
    expect(location(stale)).toBe('/mfa?error=mfa_stale')
    expect(demo.emulator.recoveryCodes(APP_MEMBER.email)).toEqual(codes)
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

  it('asks for an email alone on /login, with the login to a named organization a link away', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const login = text(await browser.get('/login?returnTo=%2Fadmin'))
    expect(login).toContain('<form method="post" action="/auth/discovery/send">')
    expect(login).toContain('name="returnTo" value="/admin"')
    expect(login).not.toContain('name="organization"')
    expect(login).toContain('<a href="/login/organization?returnTo=%2Fadmin">')

    const named = text(await browser.get('/login/organization?returnTo=%2Fadmin'))
    expect(named).toContain('<form method="post" action="/auth/email/send">')
    expect(named).toContain('name="organization" autocomplete="organization" required value="acme"')
    expect(named).toContain('name="returnTo" value="/admin"')
    expect(named).toContain('<a href="/login?returnTo=%2Fadmin">')
  })

  it('signs a member of two organizations in with an email alone: the code, the picker, then the chosen one’s SMS step', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.post('/auth/discovery/send', { email: PAT.email, returnTo: '/admin' })
    const codePage = text(await browser.get('/login/code'))
    expect(codePage).toContain('<form method="post" action="/auth/discovery/verify">')
    expect(codePage).toContain('<a href="/login/organization">')
    const verified = await browser.post('/auth/discovery/verify', {
      code: demo.emulator.lastCode(PAT.email)!,
    })
    expect(location(verified)).toBe('/login/organizations')
    // Back on the steps already passed: the picker is where the login waits.
    expect(location(await browser.get('/login/code'))).toBe('/login/organizations')
    expect(location(await browser.get('/mfa'))).toBe('/login/organizations')

    const picker = await browser.follow(verified)
    const page = text(picker)
    expect(page).toContain('<h1>Choose an organization</h1>')
    expect(page).toMatch(
      /<h2>Acme<\/h2>\s*<p class="hint"><code>acme<\/code><\/p>\s*<p>Asks for a second factor: a code by SMS or a code from an authenticator app\.<\/p>/,
    )
    expect(page).toMatch(
      /<h2>Globex<\/h2>\s*<p class="hint"><code>globex<\/code><\/p>\s*<p>Asks for no second factor\.<\/p>/,
    )
    expect(page).toContain('<button>Sign in to Acme</button>')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(0)

    const chosen = await browser.post('/auth/discovery/select', {
      organizationId: organizationIdIn(picker, 'Acme'),
    })
    expect(location(chosen)).toBe('/mfa')
    const mfa = await browser.follow(chosen)
    expect(text(mfa)).toContain('We sent a 6-digit code to <strong>+1 ••••••0101</strong>')
    const signedIn = await browser.post('/auth/sms/verify', {
      code: demo.emulator.lastCode(PAT.phone)!,
    })
    expect(location(signedIn)).toBe('/admin')
    const admin = text(await browser.follow(signedIn))
    expect(admin).toContain(`signed in as <strong>${PAT.email}</strong>`)
    expect(admin).toContain('acme · <code>organization-')
  })

  it('enters the only organization of an address at once, with no picker', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const verified = await browser.discover(ADMIN.email)
    expect(location(verified)).toBe('/mfa')
    expect(location(await browser.get('/login/organizations'))).toBe('/mfa')
    const signedIn = await browser.post('/auth/sms/verify', {
      code: demo.emulator.lastCode(ADMIN.phone)!,
    })
    expect(location(signedIn)).toBe('/admin')
  })

  it('signs a member in to an organization without MFA with the email code alone; /admin then asks for a second factor', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const picker = await browser.follow(await browser.discover(PAT.email))
    const chosen = await browser.post('/auth/discovery/select', {
      organizationId: organizationIdIn(picker, 'Globex'),
    })
    expect(location(chosen)).toBe('/admin')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(0)
    // Signed in to Globex, with no second factor: the console's pages still ask for one.
    expect(text(await browser.get('/organizations'))).toContain(
      'You are signed in to <strong>Globex</strong>',
    )
    expect(location(await browser.get('/admin'))).toBe('/mfa?returnTo=%2Fadmin&error=mfa_required')
    await browser.post('/auth/sms/send', {})
    const stepUp = await browser.post('/auth/sms/verify', {
      code: demo.emulator.lastCode(PAT.phone)!,
    })
    const admin = text(await browser.follow(stepUp))
    expect(admin).toContain(`signed in as <strong>${PAT.email}</strong>`)
    expect(admin).toContain('globex · <code>organization-')
  })

  it('refuses an organization the picker did not list, with the library’s message', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const picker = await browser.follow(await browser.discover(PAT.email))
    const forged = await browser.post('/auth/discovery/select', {
      organizationId: 'organization-test-00000000-0000-4000-8000-000000000000',
    })
    expect(location(forged)).toBe('/login/organizations?error=organization_not_available')
    const again = await browser.follow(forged)
    expect(text(again)).toContain(`role="alert">${messageOf.organization_not_available}</p>`)
    expect(text(again)).toContain('<button>Sign in to Globex</button>')
    // The login is still there for a listed choice.
    const chosen = await browser.post('/auth/discovery/select', {
      organizationId: organizationIdIn(picker, 'Globex'),
    })
    expect(location(chosen)).toBe('/admin')
  })

  it('tells an address that belongs to no organization so, and offers another address', async () => {
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const verified = await browser.discover('nobody@nowhere.test')
    expect(location(verified)).toBe('/login/organizations')
    const page = text(await browser.follow(verified))
    expect(page).toContain('No organization lets this address sign in with an email code.')
    expect(page).not.toContain('<form')
    expect(page).toContain('<a href="/login">Use another address</a>')
  })

  it('labels invited, pending and eligible organizations, and escapes every name', async () => {
    const hostile = '<script>alert(1)</script> & "Co"'
    const memberships = [
      [hostile, 'hostile', 'invited'],
      ['Initech', 'initech', 'pending'],
    ] as const
    for (const [name, slug, status] of memberships) {
      const { organization_id } = demo.emulator.createOrganization({
        organization_name: name,
        organization_slug: slug,
      })
      demo.emulator.createMember(organization_id, { email_address: PAT.email, status })
    }
    const open = demo.emulator.createOrganization({
      organization_name: 'Umbrella',
      organization_slug: 'umbrella',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['consult.test'],
    })
    demo.emulator.createMember(open.organization_id, { email_address: 'lee@consult.test' })

    const browser = new Browser(demo.baseUrl, demo.emulator)
    const page = text(await browser.follow(await browser.discover(PAT.email)))
    expect(page).toContain('<h2>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</h2>')
    expect(page).not.toContain('<script>alert')
    expect(page).toContain('<code>hostile</code> · Invited: signing in accepts the invitation')
    expect(page).toContain('<code>initech</code> · Member, not signed in yet')
    expect(page).toContain(
      '<code>umbrella</code> · Open to your email domain: signing in makes you a member',
    )
    expect(page).toMatch(/<code>acme<\/code><\/p>/)
  })

  it('lists the member’s organizations on the switcher, current one marked; switches to one without MFA at once and back through its SMS step', async () => {
    const directory = '/v1/b2b/discovery/organizations'
    const browser = new Browser(demo.baseUrl, demo.emulator)
    const picker = await browser.follow(await browser.discover(PAT.email))
    await browser.post('/auth/discovery/select', {
      organizationId: organizationIdIn(picker, 'Acme'),
    })
    await browser.post('/auth/sms/verify', { code: demo.emulator.lastCode(PAT.phone)! })
    const admin = text(await browser.get('/admin'))
    expect(admin).toContain('<a href="/organizations">Switch organization</a>')
    // Only the switcher asks Stytch for the list.
    expect(demo.emulator.calls(directory)).toBe(0)

    const switcher = await browser.get('/organizations')
    expect(demo.emulator.calls(directory)).toBe(1)
    expect(text(switcher)).toContain('You are signed in to <strong>Acme</strong>')
    expect(text(switcher)).toMatch(/<li aria-current="true">\s*<h2>Acme<\/h2>/)
    expect(text(switcher)).toContain('<form method="post" action="/organizations/switch">')
    expect(text(switcher)).not.toContain('<button>Switch to Acme</button>')

    const toGlobex = await browser.post('/organizations/switch', {
      organizationId: organizationIdIn(switcher, 'Globex'),
    })
    expect(location(toGlobex)).toBe('/organizations')
    expect(demo.emulator.outbox({ channel: 'sms' })).toHaveLength(1)
    const inGlobex = await browser.follow(toGlobex)
    expect(text(inGlobex)).toContain('You are signed in to <strong>Globex</strong>')
    expect(text(inGlobex)).toMatch(
      /<h2>Acme<\/h2>\s*<p class="hint"><code>acme<\/code><\/p>\s*<p>Asks for a second factor: a code by SMS or a code from an authenticator app\.<\/p>/,
    )

    const toAcme = await browser.post('/organizations/switch', {
      organizationId: organizationIdIn(inGlobex, 'Acme'),
    })
    expect(location(toAcme)).toBe('/mfa')
    // No session until Acme's second factor: Globex's ended with the switch.
    expect(location(await browser.get('/organizations'))).toBe('/login?returnTo=%2Forganizations')
    const mfa = await browser.follow(toAcme)
    expect(text(mfa)).toContain('We sent a 6-digit code to <strong>+1 ••••••0101</strong>')
    const back = await browser.post('/auth/sms/verify', {
      code: demo.emulator.lastCode(PAT.phone)!,
    })
    const me = await browser.agent.get('/admin/api/me').set('accept', 'application/json')
    expect(me.body).toMatchObject({ email: PAT.email, organizationSlug: 'acme' })
    expect((await browser.follow(back)).status).toBe(200)
  })

  it('refuses a switch to the current organization, to one not listed, and from another site; a signed-out browser goes to the login form', async () => {
    const signedOut = new Browser(demo.baseUrl, demo.emulator)
    expect(location(await signedOut.get('/organizations'))).toBe('/login?returnTo=%2Forganizations')
    const refused = await signedOut.post('/organizations/switch', { organizationSlug: GLOBEX })
    expect(location(refused)).toBe('/login?error=not_signed_in')

    const browser = new Browser(demo.baseUrl, demo.emulator)
    await browser.signInAdmin()
    const here = await browser.post('/organizations/switch', { organizationSlug: ACME })
    expect(location(here)).toBe('/organizations?error=already_in_organization')
    expect(text(await browser.follow(here))).toContain(
      `role="alert">${messageOf.already_in_organization}</p>`,
    )
    // The admin is not a member of Globex: a body naming it changes nothing.
    const foreign = await browser.post('/organizations/switch', { organizationSlug: GLOBEX })
    expect(location(foreign)).toBe('/organizations?error=organization_not_available')
    const crossSite = await browser.agent
      .post('/organizations/switch')
      .type('form')
      .set({ accept: 'text/html', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
      .send({ organizationSlug: GLOBEX })
    expect(location(crossSite)).toBe('/organizations?error=cross_site_request')
    const me = await browser.agent.get('/admin/api/me').set('accept', 'application/json')
    expect(me.body).toMatchObject({ email: ADMIN.email, organizationSlug: ACME })
  })

  it('opens the reports page to a member whose role grants reports.read, and answers others 403, asking Stytch nothing per request', async () => {
    expect(location(await new Browser(demo.baseUrl, demo.emulator).get('/admin/reports'))).toBe(
      '/login?returnTo=%2Fadmin%2Freports',
    )
    const admin = new Browser(demo.baseUrl, demo.emulator)
    await admin.signInAdmin()
    expect(text(await admin.get('/admin'))).toContain('<a href="/admin/reports">Reports</a>')
    const reports = await admin.get('/admin/reports')
    expect(reports.status).toBe(200)
    expect(text(reports)).toContain('<h1>Reports</h1>')
    expect(text(reports)).toContain('stytch_member, stytch_admin, reports_reader')
    // The first guarded request fetched the organization's own roles; the next ask nothing.
    const stytchCalls = demo.emulator.calls()
    for (let i = 0; i < 3; i++) expect((await admin.get('/admin/reports')).status).toBe(200)
    expect(demo.emulator.calls()).toBe(stytchCalls)

    const member = new Browser(demo.baseUrl, demo.emulator)
    await member.passEmailStep(APP_MEMBER.email)
    await member.post('/auth/totp/verify', { code: demo.emulator.totpCode(APP_MEMBER.email) })
    const refused = await member.get('/admin/reports')
    expect(refused.status).toBe(403)
    expect(text(refused)).toContain('<h1>Not allowed</h1>')
    expect(text(refused)).toContain(messageOf.forbidden)
  })
})
