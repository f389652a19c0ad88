import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import type { PrimaryAuthResult, StytchPort } from '../../src/core/ports/stytch.js'
import { quietStytchWarnings, stytchPort } from './helpers.js'

const ALICE = { email: 'alice@acme.test', phone: '+12025550100' }
const BOB = { email: 'bob@acme.test', phone: '+12025550123' }

type MfaRequired = Extract<PrimaryAuthResult, { kind: 'mfa_required' }>

describe('createStytchPort() against the emulator', () => {
  quietStytchWarnings()

  let emulator: Emulator
  let port: StytchPort
  let organizationId: string

  beforeAll(async () => {
    emulator = await startEmulator({
      seed: {
        organizations: [
          {
            organization_name: 'Acme',
            organization_slug: 'acme',
            mfa_policy: 'REQUIRED_FOR_ALL',
            members: [
              { email_address: ALICE.email, mfa_phone_number: ALICE.phone },
              { email_address: BOB.email },
            ],
          },
        ],
      },
    })
  })
  afterAll(() => emulator.close())

  beforeEach(() => {
    emulator.reset()
    port = stytchPort(
      {
        projectId: emulator.projectId,
        secret: emulator.secret,
        baseUrl: emulator.url,
        timeoutMs: 1000,
      },
      () => emulator.now(),
    )
  })

  /** Email OTP through the port, up to Stytch's "MFA first" answer. */
  async function signInByEmail(email: string): Promise<MfaRequired> {
    const sent = await port.sendEmailOtp({ organizationId: 'acme', emailAddress: email })
    organizationId = sent.organizationId
    const code = emulator.lastCode(email) ?? ''
    const result = await port.authenticateEmailOtp({
      organizationId,
      emailAddress: email,
      code,
      sessionDurationMinutes: 60,
    })
    expect(result.kind).toBe('mfa_required')
    return result as MfaRequired
  }

  /** What the SMS step sends for the login `pending`, but the code. */
  function smsStep(pending: MfaRequired) {
    return {
      organizationId,
      memberId: pending.memberId,
      credential: {
        kind: 'intermediate_session_token' as const,
        token: pending.intermediateSessionToken,
      },
      sessionDurationMinutes: 60,
    }
  }

  /** The SMS step of `pending` with the last code sent to `phone`. */
  function passSmsStep(pending: MfaRequired, phone: string) {
    return port.authenticateSmsOtp({ ...smsStep(pending), code: emulator.lastCode(phone) ?? '' })
  }

  describe('when a member with a phone signs in', () => {
    it('runs email OTP, the auto-sent SMS, JWT check, refresh and logout', async () => {
      const pending = await signInByEmail(ALICE.email)
      expect(pending).toMatchObject({ smsSent: true, memberPhoneNumber: ALICE.phone })
      expect(pending.intermediateSessionExpiresAt.getTime()).toBeGreaterThan(
        emulator.now().getTime(),
      )

      const grant = await passSmsStep(pending, ALICE.phone)
      expect(grant.memberSession.authenticationFactors).toContainEqual(
        expect.objectContaining({ type: 'otp', deliveryMethod: 'sms' }),
      )

      const verified = await port.verifySessionJwt(grant.sessionJwt)
      expect(verified.memberSession.memberSessionId).toBe(grant.memberSession.memberSessionId)
      expect(verified.jwtExpiresAt.getTime() - verified.issuedAt.getTime()).toBe(300_000)

      const refreshed = await port.authenticateSession({ sessionToken: grant.sessionToken })
      expect(refreshed.memberSession.memberId).toBe(pending.memberId)

      await port.revokeSession({ sessionToken: grant.sessionToken })
      const gone = await port
        .authenticateSession({ sessionToken: grant.sessionToken })
        .catch((e: unknown) => e)
      expect(gone).toBeInstanceOf(MfaError)
      expect(gone).toMatchObject({ code: 'not_signed_in' })
      // A second logout finds nothing to revoke, which is what logout wanted.
      await expect(
        port.revokeSession({ sessionToken: grant.sessionToken }),
      ).resolves.toBeUndefined()
    })

    it('maps a wrong SMS code to otp_invalid and keeps the login usable', async () => {
      const input = smsStep(await signInByEmail(ALICE.email))
      const right = emulator.lastCode(ALICE.phone) ?? ''
      const wrong = right === '000000' ? '111111' : '000000'
      await expect(port.authenticateSmsOtp({ ...input, code: wrong })).rejects.toMatchObject({
        code: 'otp_invalid',
      })
      await expect(port.authenticateSmsOtp({ ...input, code: right })).resolves.toBeDefined()
    })

    it('refuses the session JWT once the clock has passed its expiry', async () => {
      const grant = await passSmsStep(await signInByEmail(ALICE.email), ALICE.phone)
      emulator.advanceClock(301)
      await expect(port.verifySessionJwt(grant.sessionJwt)).rejects.toMatchObject({
        code: 'not_signed_in',
      })
    })
  })

  describe('when a member without a phone signs in', () => {
    it('enrols the phone through sms/send and then authenticates', async () => {
      const pending = await signInByEmail(BOB.email)
      expect(pending).toMatchObject({ smsSent: false, memberPhoneNumber: undefined })
      const { credential } = smsStep(pending)
      const sent = await port.sendSmsOtp({
        organizationId,
        memberId: pending.memberId,
        credential,
        mfaPhoneNumber: BOB.phone,
      })
      expect(sent.phoneNumber).toBe(BOB.phone)
      const grant = await passSmsStep(pending, BOB.phone)
      expect(grant.memberSession.memberId).toBe(pending.memberId)
    })
  })

  describe('when the member is read', () => {
    it('says whether the member has a phone, and that a passed code verified it', async () => {
      const pending = await signInByEmail(ALICE.email)
      const member = { organizationId, memberId: pending.memberId }
      await expect(port.getMember(member)).resolves.toMatchObject({
        ...member,
        hasMfaPhoneNumber: true,
        mfaPhoneNumberVerified: false,
      })
      await passSmsStep(pending, ALICE.phone)
      await expect(port.getMember(member)).resolves.toMatchObject({
        hasMfaPhoneNumber: true,
        mfaPhoneNumberVerified: true,
      })
    })

    it('says a member without a phone has none', async () => {
      const pending = await signInByEmail(BOB.email)
      const member = await port.getMember({ organizationId, memberId: pending.memberId })
      expect(member).toMatchObject({ hasMfaPhoneNumber: false, mfaPhoneNumberVerified: false })
    })
  })

  describe('when the emulator injects faults', () => {
    it.each([
      ['hangs', { kind: 'hang' as const }, 'stytch_timeout'],
      ['answers HTML', { kind: 'html' as const, status: 502 }, 'stytch_bad_response'],
      ['answers 429', { kind: 'status' as const, status: 429 }, 'rate_limited'],
    ])('maps sms/send that %s to %s, sending once', async (_what, fault, code) => {
      const pending = await signInByEmail(ALICE.email)
      emulator.injectFault('/v1/b2b/otps/sms/send', fault)
      const quick = stytchPort({
        projectId: emulator.projectId,
        secret: emulator.secret,
        baseUrl: emulator.url,
        timeoutMs: 300,
      })
      const send = quick.sendSmsOtp({
        organizationId,
        memberId: pending.memberId,
        credential: { kind: 'intermediate_session_token', token: pending.intermediateSessionToken },
      })
      await expect(send).rejects.toMatchObject({ code })
      expect(emulator.calls('/v1/b2b/otps/sms/send')).toBe(1)
    })
  })
})
