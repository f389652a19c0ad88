/**
 * @module The steps of the library, the one list of them: each step's options schema and the
 * handler it builds. The factory types and the factories are derived from this table.
 */
import type { z } from 'zod'
import type { Engine, Handler } from './engine.js'
import { logoutHandler } from './flows/logout.js'
import { requireMfaHandler } from './flows/require-mfa.js'
import { sendEmailOtpHandler } from './flows/send-email-otp.js'
import { sendSmsOtpHandler } from './flows/send-sms-otp.js'
import { verifyEmailOtpHandler } from './flows/verify-email-otp.js'
import { verifySmsOtpHandler } from './flows/verify-sms-otp.js'
import { enrolTotpHandler } from './flows/enrol-totp.js'
import { verifyTotpHandler } from './flows/verify-totp.js'
import { recoverWithCodeHandler } from './flows/recover-with-code.js'
import { rotateRecoveryCodesHandler } from './flows/rotate-recovery-codes.js'
import { sendDiscoveryEmailOtpHandler } from './flows/send-discovery-email-otp.js'
import { verifyDiscoveryEmailOtpHandler } from './flows/verify-discovery-email-otp.js'
import { selectOrganizationHandler } from './flows/select-organization.js'
import { switchOrganizationHandler } from './flows/switch-organization.js'
import {
  handlerOptionsSchema,
  parseOptions,
  requireMfaOptionsSchema,
  rotateRecoveryCodesOptionsSchema,
} from './options.js'

interface Step<S extends z.ZodType> {
  readonly options: S
  // A method, not a property: every step is called through `Step<z.ZodType>` with the config its
  // own schema produced, which a (contravariant) function property would not accept.
  handler(engine: Engine, config: z.output<S>): Handler
}

const step = <S extends z.ZodType>(
  options: S,
  handler: (engine: Engine, config: z.output<S>) => Handler,
): Step<S> => ({ options, handler })

export const STEPS = {
  /** `POST` email + organization: emails a code. Answers the same for unknown addresses. */
  sendEmailOtp: step(handlerOptionsSchema, sendEmailOtpHandler),
  /** `POST` code: signs in, or starts the SMS step (sealed cookie) when MFA is required. */
  verifyEmailOtp: step(handlerOptionsSchema, verifyEmailOtpHandler),
  /** `POST` email: emails a discovery code (no organization). Answers the same for anyone. */
  sendDiscoveryEmailOtp: step(handlerOptionsSchema, sendDiscoveryEmailOtpHandler),
  /** `POST` code: lists the address's organizations (sealed); enters the only one at once. */
  verifyDiscoveryEmailOtp: step(handlerOptionsSchema, verifyDiscoveryEmailOtpHandler),
  /** `POST` organizationId or organizationSlug, one of those listed: signs in or starts its MFA. */
  selectOrganization: step(handlerOptionsSchema, selectOrganizationHandler),
  /** `POST` organizationId or organizationSlug, signed in: switches, ending the old session. */
  switchOrganization: step(handlerOptionsSchema, switchOrganizationHandler),
  /** `POST` (phoneNumber when enrolling): sends the SMS code. */
  sendSmsOtp: step(handlerOptionsSchema, sendSmsOtpHandler),
  /** `POST` code: completes MFA and stores the member session. */
  verifySmsOtp: step(handlerOptionsSchema, verifySmsOtpHandler),
  /** `POST`: creates an authenticator-app registration; answers its QR code and secret. */
  enrolTotp: step(handlerOptionsSchema, enrolTotpHandler),
  /** `POST` code: completes MFA with the app, or confirms its enrolment (recovery codes, once). */
  verifyTotp: step(handlerOptionsSchema, verifyTotpHandler),
  /** `POST` recoveryCode: completes MFA with a single-use recovery code. */
  recoverWithCode: step(handlerOptionsSchema, recoverWithCodeHandler),
  /** `POST`, signed in with a fresh second factor: new recovery codes, the old ones dead. */
  rotateRecoveryCodes: step(rotateRecoveryCodesOptionsSchema, rotateRecoveryCodesHandler),
  /** Admits only a verified member session with a (fresh enough) SMS factor. */
  requireMfa: step(requireMfaOptionsSchema, requireMfaHandler),
  /** `POST`: revokes the session at Stytch and clears everything the library stored. */
  logout: step(handlerOptionsSchema, logoutHandler),
}

type Steps = typeof STEPS
export type StepName = keyof Steps

/** A factory per step: its options in (checked once, when it is called), a middleware `M` out. */
export type StepFactories<M> = {
  [K in keyof Steps]: (options?: z.input<Steps[K]['options']>) => M
}

/** The factories of every step on one engine, each handler wrapped by `wrap` (the adapter's). */
export function stepFactories<M>(
  engine: Engine,
  wrap: (name: StepName, handler: Handler) => M,
): StepFactories<M> {
  const steps = Object.entries(STEPS) as [StepName, Step<z.ZodType>][]
  return Object.fromEntries(
    steps.map(([name, spec]) => [
      name,
      (input?: unknown) =>
        wrap(name, spec.handler(engine, parseOptions(spec.options, input ?? {}))),
    ]),
  ) as StepFactories<M>
}
