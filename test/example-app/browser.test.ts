/**
 * The example admin console end to end in Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core): sign-in with both codes, the admin page (screenshot in test-results/),
 * sign-out, phone enrolment and a wrong code.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { chromium, type Browser, type Page } from 'playwright-core'
import { messageOf } from 'stytch-b2b-mfa/express'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ADMIN, NEWCOMER, startDemo, type Demo } from './support.js'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)

if (!hasChromium) {
  if (process.env.CI === 'true') {
    throw new Error(
      `${CHROMIUM} is missing: CI must run the browser tests, install it with "apt-get install -y chromium"`,
    )
  }
  console.warn(
    `Skipping the example-app browser tests: ${CHROMIUM} not found (apt-get install chromium)`,
  )
}

describe.skipIf(!hasChromium)('the example admin console in Chromium', () => {
  let demo: Demo
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    ;[demo, browser] = await Promise.all([
      startDemo(),
      chromium.launch({
        executablePath: CHROMIUM,
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
      }),
    ])
  })

  beforeEach(async (context) => {
    demo.emulator.reset()
    // A fresh context per test: its own cookies, like a new private window.
    const browserContext = await browser.newContext({ baseURL: demo.baseUrl })
    page = await browserContext.newPage()
    context.onTestFinished(() => browserContext.close())
  })

  afterAll(async () => {
    await browser.close()
    await demo.close()
  })

  function path(): string {
    const url = new URL(page.url())
    return url.pathname + url.search
  }

  /** Sign-in form, then the email code: ends on the MFA page. */
  async function passEmailStep(email: string): Promise<void> {
    await page.goto('/admin')
    expect(path()).toBe('/login?returnTo=%2Fadmin')
    await page.getByLabel('Email').fill(email)
    expect(await page.getByLabel('Organization').inputValue()).toBe('acme')
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.waitForURL('**/login/code')
    await page.getByLabel('Code from the email').fill(demo.emulator.lastCode(email)!)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL('**/mfa')
  }

  it('signs the admin in, shows the admin page, signs out and is refused /admin', async () => {
    await passEmailStep(ADMIN.email)
    await expect.poll(() => page.locator('main').textContent()).toContain('+1 ••••••0100')
    await mkdir('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/mfa.png', fullPage: true })
    await page.getByLabel('Code from the SMS').fill(demo.emulator.lastCode(ADMIN.phone)!)
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.waitForURL('**/admin')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Admin console')
    const main = (await page.locator('main').textContent()) ?? ''
    expect(main).toContain('acme')
    expect(main).toMatch(/member-test-/)
    expect(main).toContain('•••• 0100')

    await page.screenshot({ path: 'test-results/admin.png', fullPage: true })

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/login')
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('admin.sid')
    await page.goto('/admin')
    expect(path()).toBe('/login?returnTo=%2Fadmin')
  })

  it('enrols a phone for a member without one', async () => {
    await passEmailStep(NEWCOMER.email)
    await page.getByLabel('Mobile phone number').fill(NEWCOMER.phone)
    await page.getByRole('button', { name: 'Text me a code' }).click()
    await page.waitForURL('**/mfa')
    await expect.poll(() => page.locator('main').textContent()).toContain('+1 ••••••0123')
    await page.getByLabel('Code from the SMS').fill(demo.emulator.lastCode(NEWCOMER.phone)!)
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.waitForURL('**/admin')
    expect(await page.locator('main').textContent()).toContain('•••• 0123')
  })

  it('shows the error for a wrong code and lets the member try again', async () => {
    await passEmailStep(ADMIN.email)
    await page.getByLabel('Code from the SMS').fill('000000')
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.waitForURL('**/mfa?error=otp_invalid')
    expect(await page.getByRole('alert').textContent()).toBe(messageOf.otp_invalid)
    await page.getByLabel('Code from the SMS').fill(demo.emulator.lastCode(ADMIN.phone)!)
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.waitForURL('**/admin')
  })
})
