import { describe, expect, it, vi } from 'vitest'
import { emailStepWithSdk, stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import { GAMMA, mfaSeed } from '../helpers/mfa-seed.js'

// An app that installed the library without its optional peer `qrcode`.
vi.mock('qrcode', () => {
  throw Object.assign(new Error("Cannot find package 'qrcode'"), { code: 'ERR_MODULE_NOT_FOUND' })
})

const harness = useEmulatorHarness(mfaSeed)

describe('POST /v1/b2b/totp (totps.create) without the qrcode package', () => {
  it('answers 500 naming the package to install, and creates no registration', async () => {
    const { smsStep } = await emailStepWithSdk(harness, GAMMA.slug, GAMMA.fresh.email)
    const error = await stytchError(harness.client.totps.create(smsStep))
    expect(error.status_code).toBe(500)
    expect(error.error_message).toContain('npm install --save-dev qrcode')
    expect(() => harness.emulator.totpCode(GAMMA.fresh.email)).toThrow(/no TOTP registration/)
  })
})
