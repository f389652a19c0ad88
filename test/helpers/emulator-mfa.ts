/** Second-factor steps through the official SDK, for the emulator's own tests. */
import { Secret, TOTP } from 'otpauth'
import { emailStepWithSdk, type Harness } from './emulator.js'

/** The email step, then the member's current TOTP code: a session with both factors. */
export async function signInWithTotp(harness: Harness, organization: string, email: string) {
  const { smsStep } = await emailStepWithSdk(harness, organization, email)
  return harness.client.totps.authenticate({
    ...smsStep,
    code: harness.emulator.totpCode(email, organization),
  })
}

/** The email step, then an SMS code (sent automatically or on request): a session. */
export async function signInWithSms(
  harness: Harness,
  organization: string,
  email: string,
  phone: string,
) {
  const { smsStep, response } = await emailStepWithSdk(harness, organization, email)
  if (response.mfa_required?.secondary_auth_initiated !== 'sms_otp') {
    await harness.client.otps.sms.send(smsStep)
  }
  const code = harness.emulator.lastCode(phone)
  if (code === undefined) throw new Error(`no SMS code was sent to ${phone}`)
  return harness.client.otps.sms.authenticate({ ...smsStep, code })
}

/** Six digits that no step within the ±1 window accepts for this secret at `now`. */
export function wrongTotpCode(secret: string, now: Date): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret) })
  const accepted = new Set(
    [-30_000, 0, 30_000].map((offset) => totp.generate({ timestamp: now.getTime() + offset })),
  )
  const wrong = ['000000', '111111', '222222', '333333'].find((code) => !accepted.has(code))
  if (wrong === undefined) throw new Error('unreachable: four codes cannot all be accepted')
  return wrong
}

/**
 * Moves the emulator clock to the start of the next 30-second TOTP step, so that a test that
 * reasons about steps has almost 30 s of real time before the next boundary.
 */
export function toStartOfStep(harness: Harness): void {
  const intoStep = harness.emulator.now().getTime() % 30_000
  harness.emulator.advanceClock((30_000 - intoStep) / 1000)
}
