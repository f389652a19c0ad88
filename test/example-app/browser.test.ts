/**
 * The example admin console end to end in Chromium, driven by playwright-core, on the Express
 * and the Koa console: sign-in with both codes, the member's email on the admin page, phone
 * enrolment, authenticator apps (during sign-in and from the security page) with their recovery
 * codes, new recovery codes, an admin's MFA reset, a member of two organizations picking one and
 * switching, the page that needs a permission, the resend countdown (with and without
 * JavaScript), local times, no stale error after signing out, and WCAG AA contrast in light and
 * dark mode. Screenshots go to test-results/.
 *
 * Chromium: `CHROMIUM_PATH` when set (any Chromium or Chrome binary), else the first of
 * {@link CHROMIUM_CANDIDATES} that exists. Without one the tests are skipped, with one line on
 * stderr; with `CI=true` they fail instead.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { messageOf } from 'stytch-b2b-mfa/express'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { messageFor } from '../../example-app/pages.js'
import { measureContrast } from './contrast.js'
import {
  ADMIN,
  APP_MEMBER,
  CONSOLES,
  FOREIGN_MOBILE,
  NEWCOMER,
  PAT,
  startDemo,
  wrongCode,
  type Demo,
} from './support.js'

/** Where Chromium or Chrome usually is: Debian/Ubuntu, Fedora, Google's packages, macOS. */
const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

function findChromium(): { path: string } | { missing: string } {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv !== undefined && fromEnv !== '') {
    return existsSync(fromEnv)
      ? { path: fromEnv }
      : { missing: `CHROMIUM_PATH=${fromEnv} not found` }
  }
  const path = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate))
  return path === undefined
    ? { missing: 'no Chromium found (set CHROMIUM_PATH, or apt-get install chromium)' }
    : { path }
}

const found = findChromium()
if ('missing' in found) {
  if (process.env.CI === 'true') {
    throw new Error(`The browser tests must run in CI: ${found.missing}`)
  }
  console.warn(`Skipping the example-app browser tests: ${found.missing}`)
}

/** The SMS cooldown of these consoles: short enough to watch the countdown reach 0. */
const COOLDOWN_SECONDS = 3
/** A zone that is never UTC, so local times cannot pass for the server's. */
const TIME_ZONE = 'America/New_York'
/** WCAG 2 AA for normal text. */
const AA = 4.5

describe.skipIf('missing' in found)('the example admin console in Chromium', () => {
  let browser: Browser

  beforeAll(async () => {
    // The Stytch SDK warns once per client about a custom base URL (the emulator): expected.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    browser = await chromium.launch({
      executablePath: (found as { path: string }).path,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
  })

  afterAll(async () => {
    await browser.close()
  })

  describe.each(CONSOLES)('on $name', (app) => {
    let demo: Demo
    const shot = (name: string) => `test-results/${app.name.toLowerCase()}-${name}.png`

    beforeAll(async () => {
      demo = await startDemo(app, { limits: { smsCooldownSeconds: COOLDOWN_SECONDS } })
      await mkdir('test-results', { recursive: true })
    })

    afterAll(async () => {
      await demo.close()
    })

    /** A fresh emulator, then {@link newPage}. */
    function openPage(
      onTestFinished: (fn: () => Promise<void>) => void,
      options: BrowserContextOptions = {},
    ): Promise<Page> {
      demo.emulator.reset()
      return newPage(onTestFinished, options)
    }

    /** A fresh context (its own cookies, like a new private window) in New York, in English. */
    async function newPage(
      onTestFinished: (fn: () => Promise<void>) => void,
      options: BrowserContextOptions = {},
    ): Promise<Page> {
      const context = await browser.newContext({
        baseURL: demo.baseUrl,
        locale: 'en-US',
        timezoneId: TIME_ZONE,
        ...options,
      })
      onTestFinished(() => context.close())
      return context.newPage()
    }

    function pathOf(page: Page): string {
      const url = new URL(page.url())
      return url.pathname + url.search
    }

    /** The login by email alone, from `/admin`: ends on the page after the email code. */
    async function passDiscoveryEmailStep(page: Page, email: string, next: string): Promise<void> {
      await page.goto('/admin')
      expect(pathOf(page)).toBe('/login?returnTo=%2Fadmin')
      await page.getByLabel('Email').fill(email)
      await page.getByRole('button', { name: 'Email me a code' }).click()
      await page.waitForURL('**/login/code')
      await page.getByLabel('Code from the email').fill(demo.emulator.lastCode(email)!)
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.waitForURL(`**${next}`)
    }

    /** The email code of a member of one organization, entered at once: ends on the MFA page. */
    async function passEmailStep(page: Page, email: string): Promise<void> {
      await passDiscoveryEmailStep(page, email, '/mfa')
    }

    async function confirmSms(page: Page, code: string): Promise<void> {
      await page.getByLabel('Code from the SMS').fill(code)
      await page.getByRole('button', { name: 'Confirm' }).click()
    }

    /** Both codes of the admin: ends on `/admin`. */
    async function signInAdmin(page: Page): Promise<void> {
      await passEmailStep(page, ADMIN.email)
      await confirmSms(page, demo.emulator.lastCode(ADMIN.phone)!)
      await page.waitForURL('**/admin')
    }

    /** The email code, then the app's: ends on `/admin`. */
    async function signInWithApp(page: Page, email: string): Promise<void> {
      await passEmailStep(page, email)
      await page.getByLabel('Code from your authenticator app').fill(demo.emulator.totpCode(email))
      await page.getByRole('button', { name: 'Verify app code' }).click()
      await page.waitForURL('**/admin')
    }

    /** "Use a recovery code" on the MFA page. */
    async function useRecoveryCode(page: Page, code: string): Promise<void> {
      await page.getByText('Lost your authenticator app? Use a recovery code').click()
      await page.getByLabel('Recovery code').fill(code)
      await page.getByRole('button', { name: 'Use recovery code' }).click()
    }

    /** The codes the page shows once, and the same in the file it offers to download. */
    async function shownCodes(page: Page): Promise<string[]> {
      const codes = await page.locator('#recovery-codes li').allTextContents()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download the codes' }).click(),
      ])
      expect(download.suggestedFilename()).toBe('recovery-codes.txt')
      expect(await readFile(await download.path(), 'utf8')).toBe(`${codes.join('\n')}\n`)
      return codes
    }

    it('signs the admin in, shows their email on the admin page, signs out and is refused /admin', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, ADMIN.email)
      await expect.poll(() => page.locator('main').textContent()).toContain('+1 ••••••0100')
      await page.screenshot({ path: shot('mfa'), fullPage: true })
      await confirmSms(page, demo.emulator.lastCode(ADMIN.phone)!)
      await page.waitForURL('**/admin')
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Admin console')
      const main = (await page.locator('main').textContent()) ?? ''
      expect(main).toContain(`You are signed in as ${ADMIN.email} with a second factor.`)
      expect(main).toContain(`Email${ADMIN.email}`)
      expect(main).toContain('acme')
      expect(main).toMatch(/member-test-/)
      expect(main).toContain('•••• 0100')
      await page.screenshot({ path: shot('admin'), fullPage: true })

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL('**/login')
      expect((await page.context().cookies()).map((c) => c.name)).not.toContain('admin.sid')
      await page.goto('/admin')
      expect(pathOf(page)).toBe('/login?returnTo=%2Fadmin')
    })

    it('sets up an authenticator app from the QR code, shows the recovery codes once, signs in', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished, { acceptDownloads: true })
      await passEmailStep(page, NEWCOMER.email)
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
      await page.waitForURL('**/mfa')
      expect(await page.locator('figure.qr svg').isVisible()).toBe(true)
      const secret = await page.locator('[data-totp-secret]').textContent()
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
      await page.screenshot({ path: shot('totp-enrol'), fullPage: true })

      // A wrong first code: the same QR code again, with the library's refusal.
      const code = demo.emulator.totpCode(NEWCOMER.email)
      await page.getByLabel('Code from your authenticator app').fill(wrongCode(code))
      await page.getByRole('button', { name: 'Finish set-up' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(messageOf.otp_invalid)
      expect(await page.locator('[data-totp-secret]').textContent()).toBe(secret)

      await page.getByLabel('Code from your authenticator app').fill(code)
      await page.getByRole('button', { name: 'Finish set-up' }).click()
      await page.waitForURL('**/mfa/app/confirm')
      expect(await shownCodes(page)).toEqual(demo.emulator.recoveryCodes(NEWCOMER.email))
      expect(await page.getByRole('button', { name: 'Finish set-up' }).count()).toBe(0)
      await page.screenshot({ path: shot('recovery-codes'), fullPage: true })

      await page.getByRole('link', { name: 'Continue' }).click()
      await page.waitForURL('**/admin')
      expect(await page.locator('main').textContent()).toContain(
        `You are signed in as ${NEWCOMER.email} with a second factor.`,
      )
    })

    it('signs a member with an authenticator app in with a recovery code', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, APP_MEMBER.email)
      expect(await page.getByLabel('Code from your authenticator app').isVisible()).toBe(true)
      const [recoveryCode] = demo.emulator.recoveryCodes(APP_MEMBER.email)
      await useRecoveryCode(page, recoveryCode!)
      await page.waitForURL('**/admin')
      expect(await page.locator('main').textContent()).toContain(
        `You are signed in as ${APP_MEMBER.email} with a second factor.`,
      )
      expect(demo.emulator.recoveryCodes(APP_MEMBER.email)).not.toContain(recoveryCode)
    })

    it('adds an authenticator app from the security page without JavaScript, showing the codes once', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished, {
        javaScriptEnabled: false,
        acceptDownloads: true,
      })
      await signInAdmin(page)
      await page.getByRole('link', { name: 'Security' }).click()
      await page.waitForURL('**/admin/security')
      await page.getByRole('button', { name: 'Add an authenticator app' }).click()
      await page.waitForURL('**/admin/security/app')
      expect(await page.locator('figure.qr svg').isVisible()).toBe(true)
      const secret = await page.locator('[data-totp-secret]').textContent()
      await page.screenshot({ path: shot('security-app'), fullPage: true })

      const code = demo.emulator.totpCode(ADMIN.email)
      await page.getByLabel('Code from your authenticator app').fill(wrongCode(code))
      await page.getByRole('button', { name: 'Finish set-up' }).click()
      expect(await page.getByRole('alert').textContent()).toBe(messageOf.otp_invalid)
      expect(await page.locator('[data-totp-secret]').textContent()).toBe(secret)
      await page.getByLabel('Code from your authenticator app').fill(code)
      await page.getByRole('button', { name: 'Finish set-up' }).click()
      await page.waitForURL('**/admin/security/app/confirm')
      expect(await shownCodes(page)).toEqual(demo.emulator.recoveryCodes(ADMIN.email))

      await page.getByRole('link', { name: 'Continue' }).click()
      await page.waitForURL('**/admin/security')
      expect(await page.locator('dl').innerText()).toMatch(/Authenticator app\s+yes/)
      // Back does not show the codes again: the page was not stored (no-store), and Chromium
      // does not post the form again on its own.
      await expect(page.goBack()).rejects.toThrow(/ERR_CACHE_MISS/)
    })

    it('gives new recovery codes on the security page: the old code is refused, a new one signs in', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished, { acceptDownloads: true })
      const [old] = demo.emulator.recoveryCodes(APP_MEMBER.email)
      await signInWithApp(page, APP_MEMBER.email)
      await page.getByRole('link', { name: 'Security' }).click()
      await page.getByRole('button', { name: 'Get new recovery codes' }).click()
      await page.waitForURL('**/admin/security/recovery-codes')
      const codes = await shownCodes(page)
      expect(codes).toEqual(demo.emulator.recoveryCodes(APP_MEMBER.email))
      expect(codes).not.toContain(old)
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL('**/login')

      await passEmailStep(page, APP_MEMBER.email)
      await useRecoveryCode(page, old!)
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(messageOf.otp_invalid)
      await useRecoveryCode(page, codes[0]!)
      await page.waitForURL('**/admin')
    })

    it("signs a member's open browser out at its next request once an admin resets their MFA", async ({
      onTestFinished,
    }) => {
      const member = await openPage(onTestFinished)
      await signInWithApp(member, APP_MEMBER.email)
      const admin = await newPage(onTestFinished)
      await signInAdmin(admin)
      await admin.getByRole('link', { name: 'members and their second factors' }).click()
      await admin.waitForURL('**/admin/members')
      const reset = admin.getByRole('button', { name: `Reset MFA of ${APP_MEMBER.email}` })
      await admin.screenshot({ path: shot('members'), fullPage: true })
      await reset.click()
      await admin.waitForURL('**/admin/members')
      expect(await reset.count()).toBe(0)

      await member.reload()
      expect(pathOf(member)).toBe('/login?returnTo=%2Fadmin')
      // The admin's own session is untouched.
      await admin.goto('/admin')
      expect(pathOf(admin)).toBe('/admin')
    })

    it('signs a member of two organizations in with an email alone, then switches to the other and back, asked for MFA where it is required, and is refused the reports page', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      const main = page.locator('main')
      const smsSent = () => demo.emulator.outbox({ channel: 'sms' }).length
      await passDiscoveryEmailStep(page, PAT.email, '/login/organizations')
      const acme = page.getByRole('listitem').filter({ hasText: 'Acme' })
      expect(await acme.innerText()).toContain(
        'Asks for a second factor: a code by SMS or a code from an authenticator app.',
      )
      expect(await page.getByRole('listitem').filter({ hasText: 'Globex' }).innerText()).toContain(
        'Asks for no second factor.',
      )
      expect((await page.evaluate(measureContrast, AA)).failures).toEqual([])
      await page.screenshot({ path: shot('organizations'), fullPage: true })
      await page.getByRole('button', { name: 'Sign in to Acme' }).click()
      await page.waitForURL('**/mfa')
      expect(await main.textContent()).toContain('+1 ••••••0101')
      await confirmSms(page, demo.emulator.lastCode(PAT.phone)!)
      await page.waitForURL('**/admin')
      expect(await main.textContent()).toMatch(/Organizationacme · organization-/)

      await page.getByRole('link', { name: 'Switch organization' }).click()
      await page.waitForURL('**/organizations')
      expect(await main.textContent()).toContain('You are signed in to Acme.')
      expect((await page.evaluate(measureContrast, AA)).failures).toEqual([])
      await page.screenshot({ path: shot('switcher'), fullPage: true })
      const sent = smsSent()
      await page.getByRole('button', { name: 'Switch to Globex' }).click()
      await page.waitForURL('**/organizations')
      // Globex asks for no second factor: no code, the switch is done.
      expect(await main.textContent()).toContain('You are signed in to Globex.')
      expect(smsSent()).toBe(sent)
      expect(await acme.innerText()).toContain('Asks for a second factor')

      await page.getByRole('button', { name: 'Switch to Acme' }).click()
      await page.waitForURL('**/mfa')
      await expect.poll(smsSent).toBe(sent + 1)
      await confirmSms(page, demo.emulator.lastCode(PAT.phone)!)
      await page.waitForURL('**/admin')
      expect(await main.textContent()).toMatch(/Organizationacme · organization-/)
      // A plain member: the reports page is not theirs.
      const refused = await page.goto('/admin/reports')
      expect(refused?.status()).toBe(403)
      expect(await main.textContent()).toContain(messageOf.forbidden)
    })

    it('opens the reports page, which needs a permission, to the admin', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await signInAdmin(page)
      await page.getByRole('link', { name: 'Reports' }).click()
      await page.waitForURL('**/admin/reports')
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Reports')
      expect(await page.locator('dl').innerText()).toMatch(/reports_reader/)
    })

    it('says a real number from another country is refused for its country, then enrols a US one', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, NEWCOMER.email)
      await page.getByLabel('Mobile phone number').fill(FOREIGN_MOBILE)
      await page.getByRole('button', { name: 'Text me a code' }).click()
      const alert = page.getByRole('alert')
      await expect.poll(() => alert.textContent()).toBe(messageFor('invalid_phone_number'))
      const refusal = (await alert.textContent()) ?? ''
      expect(refusal).toContain('the United States or Canada')
      expect(refusal).not.toMatch(/E\.164|form/)
      expect(pathOf(page)).toBe('/mfa')
      expect(await page.getByLabel('Mobile phone number').inputValue()).toBe('')

      await page.getByLabel('Mobile phone number').fill(NEWCOMER.phone)
      await page.getByRole('button', { name: 'Text me a code' }).click()
      await expect.poll(() => page.locator('main').textContent()).toContain('+1 ••••••0123')
      expect(await page.getByRole('alert').count()).toBe(0)
      await confirmSms(page, demo.emulator.lastCode(NEWCOMER.phone)!)
      await page.waitForURL('**/admin')
      expect(await page.locator('main').textContent()).toContain('•••• 0123')
    })

    it('shows the error for a wrong code and lets the member try again', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, ADMIN.email)
      await confirmSms(page, '000000')
      await expect.poll(() => page.getByRole('alert').textContent()).toBe(messageOf.otp_invalid)
      // The error left the address: a reload or Back does not show it again.
      expect(pathOf(page)).toBe('/mfa')
      await confirmSms(page, demo.emulator.lastCode(ADMIN.phone)!)
      await page.waitForURL('**/admin')
    })

    it('keeps the resend button shut while it counts down to the library’s time, then opens it', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, ADMIN.email)
      const resend = page.getByRole('button', { name: 'Send a new code' })
      const counter = page.locator('[data-countdown]')
      expect(await resend.isDisabled()).toBe(true)
      expect(await page.locator('#resend-hint').innerText()).toMatch(
        /You can ask for a new code in \d s, at \d{1,2}:\d\d:\d\d\s[AP]M E[SD]T\./,
      )

      const seen: number[] = []
      await expect
        .poll(
          async () => {
            seen.push(Number(await counter.textContent()))
            return resend.isEnabled()
          },
          { timeout: (COOLDOWN_SECONDS + 3) * 1000, interval: 200 },
        )
        .toBe(true)
      // It counted down, a second at a time, to 0.
      expect(seen[0]).toBeGreaterThanOrEqual(2)
      expect(seen[0]).toBeLessThanOrEqual(COOLDOWN_SECONDS)
      expect(seen).toContain(1)
      expect(seen).toEqual([...seen].sort((a, b) => b - a))
      expect(await counter.textContent()).toBe('0')
      expect(await page.locator('#resend-hint').innerText()).toContain(
        'You can ask for a new code now.',
      )

      // Opened no earlier than the library allows: the new code is sent, not refused.
      await resend.click()
      await expect.poll(() => demo.emulator.outbox({ channel: 'sms' }).length).toBe(2)
      await expect.poll(() => resend.isDisabled()).toBe(true)
      expect(await page.getByRole('alert').count()).toBe(0)
    })

    it('without JavaScript, shows UTC times and a shut resend button that a reload opens', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished, { javaScriptEnabled: false })
      await passEmailStep(page, ADMIN.email)
      const resend = page.getByRole('button', { name: 'Send a new code' })
      expect(await resend.isDisabled()).toBe(true)
      expect(await page.locator('main').innerText()).toContain(
        'Load this page again after that time to ask for one.',
      )
      expect(await page.locator('time').first().textContent()).toMatch(/ UTC$/)

      await new Promise((resolve) => setTimeout(resolve, (COOLDOWN_SECONDS + 0.5) * 1000))
      await page.reload()
      expect(await resend.isEnabled()).toBe(true)
      await resend.click()
      await expect.poll(() => demo.emulator.outbox({ channel: 'sms' }).length).toBe(2)
    })

    it("shows times in the browser's time zone, keeping the UTC time in datetime", async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, ADMIN.email)
      const times = await Promise.all(
        (await page.locator('time').all()).map(async (time) => ({
          datetime: (await time.getAttribute('datetime')) ?? '',
          text: (await time.textContent()) ?? '',
          title: await time.getAttribute('title'),
        })),
      )
      // Sent at, resend at, expires at.
      expect(times).toHaveLength(3)
      const clock = new Intl.DateTimeFormat('en-US', {
        timeZone: TIME_ZONE,
        hour: 'numeric',
        minute: '2-digit',
        second: '2-digit',
      })
      for (const { datetime, text, title } of times) {
        const at = new Date(datetime)
        expect(datetime).toBe(at.toISOString())
        expect(text).toMatch(/ E[SD]T$/)
        expect(text.replace(/\s/g, ' ')).toContain(clock.format(at).replace(/\s/g, ' '))
        expect(title).toBe(`${datetime.slice(0, 10)} ${datetime.slice(11, 19)} UTC`)
      }
    })

    it('after signing out, Back twice shows neither the old error nor the spent code', async ({
      onTestFinished,
    }) => {
      const page = await openPage(onTestFinished)
      await passEmailStep(page, ADMIN.email)
      await confirmSms(page, '000000')
      await expect.poll(() => page.getByRole('alert').count()).toBe(1)
      const code = demo.emulator.lastCode(ADMIN.phone)!
      await confirmSms(page, code)
      await page.waitForURL('**/admin')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL('**/login')

      await page.goBack()
      expect(pathOf(page)).toBe('/login?returnTo=%2Fadmin')
      await page.goBack()
      expect(pathOf(page)).toBe('/mfa')
      expect(await page.getByRole('alert').count()).toBe(0)
      expect(await page.getByLabel('Code from the SMS').inputValue()).toBe('')
      expect(await page.content()).not.toContain(code)
    })

    it('gives every visible text a contrast of at least 4.5:1, in light and in dark mode', async ({
      onTestFinished,
    }) => {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await openPage(onTestFinished, { colorScheme })
        const checked: string[] = []
        const check = async (name: string) => {
          const { texts, failures } = await page.evaluate(measureContrast, AA)
          expect(failures, `${colorScheme} ${name}`).toEqual([])
          checked.push(...texts)
        }

        await page.goto('/login?error=rate_limited&retry_after=5')
        await check('login')
        await page.goto('/nowhere')
        await check('not-found')

        await passEmailStep(page, NEWCOMER.email)
        await page.getByLabel('Mobile phone number').fill(FOREIGN_MOBILE)
        await page.getByRole('button', { name: 'Text me a code' }).click()
        await page.getByRole('alert').waitFor()
        await check('enrol')

        await page.goto('/login')
        await page.getByLabel('Email').fill(ADMIN.email)
        await page.getByRole('button', { name: 'Email me a code' }).click()
        await page.waitForURL('**/login/code')
        await check('email-code')
        await page.getByLabel('Code from the email').fill(demo.emulator.lastCode(ADMIN.email)!)
        await page.getByRole('button', { name: 'Continue' }).click()
        await page.waitForURL('**/mfa')
        await confirmSms(page, '000000')
        await page.getByRole('alert').waitFor()
        expect(await page.getByRole('button', { name: 'Send a new code' }).isDisabled()).toBe(true)
        await check('mfa')
        await page.screenshot({ path: shot(`mfa-${colorScheme}`), fullPage: true })
        await confirmSms(page, demo.emulator.lastCode(ADMIN.phone)!)
        await page.waitForURL('**/admin')
        await check('admin')
        await page.screenshot({ path: shot(`admin-${colorScheme}`), fullPage: true })
        await page.getByRole('link', { name: 'Security' }).click()
        await page.waitForURL('**/admin/security')
        await check('security')

        // Not a vacuous pass: the errors, the placeholder, the shut button and the table count.
        for (const shown of [
          messageOf.rate_limited,
          messageFor('invalid_phone_number'),
          messageOf.otp_invalid,
          '+12025550123',
          'Send a new code',
          ADMIN.email,
          'Sent to',
          'Security',
          'Add an authenticator app',
        ]) {
          expect(
            checked.some((text) => text.includes(shown)),
            `${colorScheme}: ${shown}`,
          ).toBe(true)
        }
      }
    })
  })
})
