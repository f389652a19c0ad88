/** @module Authenticator apps (TOTP), a second factor: create (enrolment) and authenticate. */
import type * as QrCode from 'qrcode'
import { mfaCredential } from './credentials.js'
import { EmulatorApiError, badRequest } from './errors.js'
import { checkMfaMethodAllowed, hasActiveMfaFactor } from './mfa-policy.js'
import { beginAttempt, checkMayAddFactor, completeSecondFactor } from './mfa-session.js'
import type { EmulatorContext, Route } from './router.js'
import { parseBody } from './schemas.js'
import { totpAuthenticateBody, totpCreateBody } from './schemas-mfa.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import {
  RECOVERY_CODE_SHAPE,
  TOTP_CODE_SHAPE,
  activeRecoveryCodes,
  checkTotpCode,
  totpNotFound,
  totpUri,
} from './state-totps.js'

type DrawQrCode = (text: string) => Promise<string>
type QrCodeModule = typeof QrCode

/**
 * What draws the QR code Stytch returns (a PNG data URL). `qrcode` is an optional peer: apps in
 * production never load the emulator, and should not install it and its CLI's dependencies.
 * Loaded on first use: it is most of the emulator's start-up time otherwise (~90 ms).
 */
async function qrCodeDrawer(): Promise<DrawQrCode> {
  let qrcode: QrCodeModule
  try {
    qrcode = await import('qrcode')
  } catch {
    throw new EmulatorApiError(
      500,
      'internal_server_error',
      '((The emulator draws TOTP QR codes with the `qrcode` package, an optional peer ' +
        'dependency that did not load: npm install --save-dev qrcode))',
    )
  }
  return (text) => qrcode.default.toDataURL(text)
}

/** `expiration_minutes` of a pending registration: 5..1440, default 60 (Stytch documents it). */
function registrationMinutes(value: number | undefined): number {
  if (value === undefined) return 60
  if (value < 5 || value > 1440) {
    // inferred: 400 invalid_expiration (type exists).
    throw badRequest('invalid_expiration', '((expiration_minutes must be between 5 and 1440))')
  }
  return value
}

/** `create` returns the secret, QR code and recovery codes; `authenticate` verifies a code. */
export function totpRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory, totps, locks } = state
  return [
    {
      method: 'POST',
      path: '/v1/b2b/totp',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(totpCreateBody, body)
        const minutes = registrationMinutes(input.expiration_minutes)
        const organization = directory.organization(input.organization_id)
        const member = directory.member(organization, input.member_id)
        checkMfaMethodAllowed(organization, member, 'totp')
        if (member.status !== 'active') {
          // inferred: the status (type and message from Stytch's error list).
          throw badRequest(
            'action_available_only_for_active_members',
            'You may not attach an MFA factor to a member that is not active.',
          )
        }
        const active = hasActiveMfaFactor(organization, member)
        const credential = await mfaCredential(ctx, input, organization, member, active)
        if (active) checkMayAddFactor(credential)
        // Before the registration exists: without it, nothing is created.
        const drawQrCode = await qrCodeDrawer()
        const now = state.now()
        const registration = totps.create(organization, member, now + minutes * 60_000, now)
        // inferred: the issuer and label the QR code names.
        const uri = totpUri(registration, organization.organization_name, member.email_address)
        return {
          member_id: member.member_id,
          totp_registration_id: registration.totp_registration_id,
          secret: registration.secret,
          qr_code: await drawQrCode(uri),
          recovery_codes: activeRecoveryCodes(registration),
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/totp/authenticate',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(totpAuthenticateBody, body)
        const { minutes, organization, member, credential, customClaims } = await beginAttempt(
          ctx,
          input,
          'totp',
        )
        if (RECOVERY_CODE_SHAPE.test(input.code)) {
          // inferred: 400 (the type exists and names this mistake).
          throw badRequest(
            'recovery_code_used_as_totp_code',
            '((This is a recovery code: use the recovery codes endpoint.))',
          )
        }
        if (!TOTP_CODE_SHAPE.test(input.code)) {
          // inferred: 400 invalid_totp_code for a code that is not six digits.
          throw badRequest('invalid_totp_code', '((A TOTP code is six digits.))')
        }
        const registration = totps.find(member.member_id, state.now())
        if (!registration) throw totpNotFound()
        const outcome = checkTotpCode(registration, input.code, state.now())
        if (outcome !== 'ok') {
          locks.failed(member, state.now())
          // inferred: 401 for both (types exist; the replay message is Stytch's own).
          throw outcome === 'replayed'
            ? new EmulatorApiError(
                401,
                'totp_code_already_authenticated',
                'This TOTP code has already been authenticated. Please attempt with the next generated code.',
              )
            : new EmulatorApiError(
                401,
                'unable_to_authenticate_totp',
                '((The TOTP code is wrong or too old.))',
              )
        }
        locks.succeeded(member)

        const now = state.now()
        registration.verified = true
        member.totp_registration_id = registration.totp_registration_id
        // The first second factor a member completes becomes the default (Stytch documents it).
        if (input.set_default_mfa === true || member.default_mfa_method === '') {
          member.default_mfa_method = 'totp'
        }
        if (organization.mfa_policy === 'REQUIRED_FOR_ALL') member.mfa_enrolled = true
        else if (input.set_mfa_enrollment !== undefined) {
          member.mfa_enrolled = input.set_mfa_enrollment === 'enroll'
        }
        member.updated_at = now
        const fields = await completeSecondFactor(
          ctx,
          credential,
          organization,
          member,
          {
            kind: 'totp',
            totp_id: registration.totp_registration_id,
            created_at: now,
            last_authenticated_at: now,
          },
          minutes,
          customClaims,
        )
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
          ...fields,
        }
      },
    },
  ]
}
