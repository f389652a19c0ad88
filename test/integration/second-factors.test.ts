/**
 * Second factors beyond SMS on every framework: a TOTP-only organization, enrolment of an
 * authenticator app (at login and by step-up), recovery codes (single use) and their rotation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { frameworks, type AppSpec, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { DELTA, GAMMA, RECOVERY, mfaSeed } from '../helpers/mfa-seed.js'
import { passEmailStep, type Member } from '../helpers/sign-in.js'

const PENDING = '__Host-stytch_mfa_pending'
const TOTP_ONLY: AppSpec = { guarded: [['/admin/totp', { factors: ['totp'] }]] }

let emulator: Emulator

beforeAll(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  emulator = await startEmulator({ seed: mfaSeed })
})
beforeEach(() => {
  emulator.reset()
})
afterAll(async () => {
  await emulator.close()
})

/** The email step of `member` in `organization`; the client then holds the sealed login. */
async function emailStep(app: TestApp, member: Member, organization: string): Promise<Client> {
  const client = new Client(app.listener)
  const res = await passEmailStep(client, emulator, member, { organization })
  expect(res.body.status).toBe('mfa_required')
  return client
}

/** The next 30-second step: a code of the step just used would be a replay. */
function nextTotpStep(): void {
  emulator.advanceClock(30)
}

describe.each(frameworks)('second factors on $name', (framework) => {
  describe('a TOTP-only organization', () => {
    it('signs a member in with the authenticator app, and loginState offers only it', async () => {
      const app = framework.build(emulator, TOTP_ONLY)
      const client = await emailStep(app, DELTA.app, DELTA.slug)
      const state = await client.get('/login-state')
      expect(state.body).toMatchObject({
        stage: 'mfa',
        methods: ['totp'],
        enrolled: ['totp'],
        needsEnrolment: false,
        needsPhone: false,
      })
      const res = await client.post('/auth/totp/verify', {
        code: emulator.totpCode(DELTA.app.email, DELTA.slug),
      })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ status: 'signed_in', next: '/' })
      expect(client.jar.get(PENDING)).toBeUndefined()
      expect((await client.get('/admin/totp')).status).toBe(200)
      expect((await client.get('/admin/sms-only')).status).toBe(403)
    })

    it('refuses the SMS steps with mfa_method_not_allowed before any Stytch call', async () => {
      const app = framework.build(emulator)
      const client = await emailStep(app, DELTA.phone, DELTA.slug)
      const state = await client.get('/login-state')
      expect(state.body).toMatchObject({ methods: ['totp'], enrolled: [], needsEnrolment: true })
      const send = await client.post('/auth/sms/send', {})
      expect(send.status).toBe(403)
      expect(send.body.code).toBe('mfa_method_not_allowed')
      const verify = await client.post('/auth/sms/verify', { code: '123456' })
      expect(verify.status).toBe(403)
      expect(verify.body.code).toBe('mfa_method_not_allowed')
      expect(emulator.calls('/v1/b2b/otps/sms/send')).toBe(0)
      expect(emulator.calls('/v1/b2b/otps/sms/authenticate')).toBe(0)
      expect((await client.get('/admin')).status).toBe(401)
    })
  })

  describe('enrolTotp() and verifyTotp()', () => {
    it('enrols a member without a factor during login, shows the recovery codes once, and signs in with the app again', async () => {
      const app = framework.build(emulator, TOTP_ONLY)
      const client = await emailStep(app, GAMMA.fresh, GAMMA.slug)
      expect((await client.get('/login-state')).body).toMatchObject({ needsEnrolment: true })
      const created = await client.post('/auth/totp/enrol', {})
      expect(created.status).toBe(200)
      expect(created.body.status).toBe('totp_created')
      expect(created.body.qrCode).toMatch(/^data:image\/png;base64,/)
      const secret = String(created.body.secret)
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
      expect(client.jar.get(PENDING)).not.toContain(secret)
      expect((await client.get('/login-state')).body.totpSecret).toBe(secret)
      expect((await client.get('/admin')).status).toBe(401)

      const codes = emulator.recoveryCodes(GAMMA.fresh.email, GAMMA.slug)
      const confirmed = await client.post('/auth/totp/verify', {
        code: emulator.totpCode(GAMMA.fresh.email, GAMMA.slug),
      })
      expect(confirmed.status).toBe(200)
      expect(confirmed.body).toEqual({ status: 'signed_in', next: '/', recoveryCodes: codes })
      expect(app.events.some((event) => event.type === 'totp_enrolled')).toBe(true)
      expect(JSON.stringify(app.events)).not.toContain(codes[0])
      expect((await client.get('/admin/totp')).status).toBe(200)

      nextTotpStep()
      const again = await emailStep(app, GAMMA.fresh, GAMMA.slug)
      const signedIn = await again.post('/auth/totp/verify', {
        code: emulator.totpCode(GAMMA.fresh.email, GAMMA.slug),
      })
      expect(signedIn.body).toEqual({ status: 'signed_in', next: '/' })
      expect((await again.get('/admin/totp')).status).toBe(200)
    })

    it('enrols a signed-in member by step-up, bound to that session', async () => {
      const app = framework.build(emulator, TOTP_ONLY)
      const client = await emailStep(app, GAMMA.phone, GAMMA.slug)
      const code = emulator.lastCode(GAMMA.phone.phone) ?? ''
      expect((await client.post('/auth/sms/verify', { code })).status).toBe(200)
      expect((await client.get('/admin/totp')).status).toBe(403)
      const created = await client.post('/auth/totp/enrol', {})
      expect(created.status).toBe(200)
      const state = (await client.get('/login-state')).body
      expect(state).toMatchObject({ stage: 'none', totpSecret: created.body.secret })
      const confirmed = await client.post('/auth/totp/verify', {
        code: emulator.totpCode(GAMMA.phone.email, GAMMA.slug),
      })
      expect(confirmed.status).toBe(200)
      expect(confirmed.body.recoveryCodes).toHaveLength(10)
      expect(client.jar.get(PENDING)).toBeUndefined()
      expect((await client.get('/admin/totp')).status).toBe(200)
    })

    it("shows a signed-in member's pending app secret to that session only, not beside a copied cookie", async () => {
      const app = framework.build(emulator, TOTP_ONLY)
      const owner = await emailStep(app, GAMMA.phone, GAMMA.slug)
      const code = emulator.lastCode(GAMMA.phone.phone) ?? ''
      expect((await owner.post('/auth/sms/verify', { code })).status).toBe(200)
      expect((await owner.post('/auth/totp/enrol', {})).status).toBe(200)
      const pending = owner.jar.get(PENDING) ?? ''
      expect(pending).not.toBe('')

      // Another signed-in member, and a stranger without a session, holding the copied cookie.
      const other = await emailStep(app, GAMMA.app, GAMMA.slug)
      const otherCode = emulator.totpCode(GAMMA.app.email, GAMMA.slug)
      expect((await other.post('/auth/totp/verify', { code: otherCode })).status).toBe(200)
      other.jar.set(PENDING, pending)
      expect((await other.get('/login-state')).body.totpSecret).toBeUndefined()
      const stranger = await emailStep(app, GAMMA.fresh, GAMMA.slug)
      stranger.jar.set(PENDING, pending)
      expect((await stranger.get('/login-state')).body.totpSecret).toBeUndefined()
      expect((await owner.get('/login-state')).body.totpSecret).toMatch(/^[A-Z2-7]{16,}$/)
    })

    it('refuses a wrong code as otp_invalid and a replayed one too, and stores no session', async () => {
      const app = framework.build(emulator)
      const client = await emailStep(app, GAMMA.app, GAMMA.slug)
      const wrong = await client.post('/auth/totp/verify', { code: '000000' })
      expect(wrong.status).toBe(401)
      expect(wrong.body.code).toBe('otp_invalid')
      const code = emulator.totpCode(GAMMA.app.email, GAMMA.slug)
      expect((await client.post('/auth/totp/verify', { code })).status).toBe(200)
      const replay = await emailStep(app, GAMMA.app, GAMMA.slug)
      const res = await replay.post('/auth/totp/verify', { code })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('otp_invalid')
      expect((await replay.get('/admin')).status).toBe(401)
    })
  })

  describe('recoverWithCode()', () => {
    it('signs in with a recovery code, says how many remain, and refuses it on reuse', async () => {
      const app = framework.build(emulator)
      const client = await emailStep(app, GAMMA.app, GAMMA.slug)
      const res = await client.post('/auth/recovery/verify', { recoveryCode: RECOVERY[0] })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({
        status: 'signed_in',
        next: '/',
        recoveryCodesRemaining: RECOVERY.length - 1,
        reenrolTotp: true,
      })
      expect((await client.get('/admin')).status).toBe(200)
      expect((await client.get('/admin/sms-only')).status).toBe(403)

      const again = await emailStep(app, GAMMA.app, GAMMA.slug)
      const reused = await again.post('/auth/recovery/verify', { recoveryCode: RECOVERY[0] })
      expect(reused.status).toBe(401)
      expect(reused.body.code).toBe('otp_invalid')
      expect((await again.get('/admin')).status).toBe(401)
    })

    it('refuses a malformed recovery code with 400 before any Stytch call', async () => {
      const app = framework.build(emulator)
      const client = await emailStep(app, GAMMA.app, GAMMA.slug)
      const res = await client.post('/auth/recovery/verify', { recoveryCode: '123456' })
      expect(res.status).toBe(400)
      expect(emulator.calls('/v1/b2b/recovery_codes/recover')).toBe(0)
    })
  })

  describe('rotateRecoveryCodes()', () => {
    it('gives a freshly verified member new codes, and the old ones stop working', async () => {
      const app = framework.build(emulator)
      const client = await emailStep(app, GAMMA.app, GAMMA.slug)
      const code = emulator.totpCode(GAMMA.app.email, GAMMA.slug)
      expect((await client.post('/auth/totp/verify', { code })).status).toBe(200)
      const rotated = await client.post('/auth/recovery/rotate', {})
      expect(rotated.status).toBe(200)
      expect(rotated.body.status).toBe('recovery_codes_rotated')
      const codes = rotated.body.recoveryCodes as string[]
      expect(codes).toEqual(emulator.recoveryCodes(GAMMA.app.email, GAMMA.slug))
      expect(codes).not.toContain(RECOVERY[1])

      const old = await emailStep(app, GAMMA.app, GAMMA.slug)
      const refused = await old.post('/auth/recovery/verify', { recoveryCode: RECOVERY[1] })
      expect(refused.body.code).toBe('otp_invalid')
      const fresh = await old.post('/auth/recovery/verify', { recoveryCode: codes[0] ?? '' })
      expect(fresh.status).toBe(200)
    })

    it('refuses a member whose second factor is older than maxAge, and one not signed in', async () => {
      const app = framework.build(emulator)
      const client = await emailStep(app, GAMMA.app, GAMMA.slug)
      const code = emulator.totpCode(GAMMA.app.email, GAMMA.slug)
      expect((await client.post('/auth/totp/verify', { code })).status).toBe(200)
      emulator.advanceClock(11 * 60)
      const stale = await client.post('/auth/recovery/rotate', {})
      expect(stale.status).toBe(403)
      expect(stale.body.code).toBe('mfa_stale')
      const stranger = await new Client(app.listener).post('/auth/recovery/rotate', {})
      expect(stranger.status).toBe(401)
      expect(emulator.calls('/v1/b2b/recovery_codes/rotate')).toBe(0)
    })
  })
})
