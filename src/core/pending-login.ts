/**
 * @module The login in progress, sealed in one HttpOnly, SameSite=Strict cookie: after the
 * email is sent (organization and address), then after the email code (Stytch's intermediate
 * session token with the member and organization it belongs to). A discovery login seals the
 * address without an organization, then the organizations Stytch listed for it. The SMS step
 * takes ids from here and nowhere else.
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { clearCookie, cookieName, readCookie, setCookie } from './cookies.js'
import type { Engine } from './engine.js'
import type { AuthRequest } from './ports/framework.js'
import { MAX_SEALED_LENGTH, type Sealer } from './seal.js'
import { cookiesAreSecure } from './transport.js'

const emailStage = z.object({
  stage: z.literal('email'),
  organization: z.string(),
  email: z.string(),
  /**
   * This send's challenge: the key of its wrong-code budget. Random, so a stranger's guesses
   * never spend the owner's budget; sealed, so a copy of the cookie shares it.
   */
  challenge: z.string().min(16),
  returnTo: z.string().optional(),
})

const mfaMethod = z.enum(['sms_otp', 'totp'])

/** The email step of a discovery login: an address, and no organization yet. */
const discoveryEmailStage = emailStage.omit({ organization: true }).extend({
  stage: z.literal('discovery_email'),
})

/**
 * One organization Stytch listed for the address: what the picker shows, and the only
 * organizations the choice may name. `name` is left out when the list would not fit the cookie.
 */
const discoveredOrganization = z.object({
  id: z.string().min(1),
  slug: z.string().min(1),
  name: z.string().optional(),
  membership: z.enum(['active', 'pending', 'invited', 'eligible']),
  /** Entering asks for a second factor first. */
  mfa: z.boolean(),
  /** The second factors the organization allows the member. */
  methods: z.array(z.enum(['sms', 'totp'])),
})

/**
 * A discovery login whose email code passed: Stytch's intermediate session proves the address
 * and belongs to no organization yet; the choice must be one of `organizations`.
 */
const discoveryStage = z.object({
  stage: z.literal('discovery'),
  intermediateSessionToken: z.string().min(1),
  email: z.string(),
  organizations: z.array(discoveredOrganization),
  returnTo: z.string().optional(),
})

/**
 * An authenticator app created but not yet confirmed with a code. Its recovery codes wait here,
 * sealed, to be shown once when the first code confirms it; nowhere else keeps them.
 */
const totpEnrolment = z.object({
  registrationId: z.string().min(1),
  /** For a page that draws the QR code itself (`loginState()`); the member's own secret. */
  secret: z.string().min(1),
  recoveryCodes: z.array(z.string()),
})

const mfaStage = z.object({
  stage: z.literal('mfa'),
  intermediateSessionToken: z.string().min(1),
  memberId: z.string().min(1),
  organizationId: z.string().min(1),
  /** Epoch ms of the last SMS sent (by us or by Stytch at primary login), if any. */
  smsSentAt: z.number().optional(),
  /** The member's phone, masked, if it has one. */
  phoneHint: z.string().optional(),
  hasPhone: z.boolean(),
  returnTo: z.string().optional(),
  /** The second factors the organization allows this member; absent: both. */
  methods: z.array(mfaMethod).optional(),
  /** The member has an authenticator app. */
  hasTotp: z.boolean().optional(),
  defaultMethod: mfaMethod.optional(),
  totpEnrolment: totpEnrolment.optional(),
})

/** A signed-in member setting up an authenticator app, bound to that very session. */
const stepUpEnrolmentStage = z.object({
  stage: z.literal('totp_enrolment'),
  memberSessionId: z.string().min(1),
  totpEnrolment,
})

const pendingSchema = z.discriminatedUnion('stage', [
  emailStage,
  discoveryEmailStage,
  discoveryStage,
  mfaStage,
  stepUpEnrolmentStage,
])

export type PendingLogin = z.output<typeof pendingSchema>
export type PendingDiscovery = z.output<typeof discoveryStage>
export type SealedOrganization = z.output<typeof discoveredOrganization>
export type PendingMfa = z.output<typeof mfaStage>
export type TotpEnrolment = z.output<typeof totpEnrolment>

export type PendingRead =
  | { readonly state: 'absent' | 'duplicate' | 'invalid' }
  | { readonly state: 'present'; readonly login: PendingLogin; readonly expiresAt: Date }

/** A new email challenge (see the email stage): 128 random bits. */
export function newEmailChallenge(): string {
  return randomBytes(16).toString('base64url')
}

/** Reads the login in progress; tampered, foreign, expired or repeated cookies read as absent. */
export async function readPendingLogin(
  req: AuthRequest,
  engine: Pick<Engine, 'config' | 'sealer' | 'now'>,
): Promise<PendingRead> {
  const secure = cookiesAreSecure(req, engine.config.allowInsecureCookies)
  const cookie = readCookie(req.header('cookie'), cookieName('pending', secure))
  if (cookie.state !== 'present') return cookie
  const opened = await engine.sealer.open(cookie.value, engine.now())
  const parsed = pendingSchema.safeParse(opened)
  if (opened === undefined || !parsed.success) return { state: 'invalid' }
  return {
    state: 'present',
    login: parsed.data,
    expiresAt: new Date(Number(opened.exp) * 1000),
  }
}

/** The login in progress when it is at `stage`, else `undefined`. */
export async function readStage<S extends PendingLogin['stage']>(
  req: AuthRequest,
  engine: Pick<Engine, 'config' | 'sealer' | 'now'>,
  stage: S,
): Promise<Extract<PendingLogin, { stage: S }> | undefined> {
  const pending = await readPendingLogin(req, engine)
  return pending.state === 'present' && pending.login.stage === stage
    ? (pending.login as Extract<PendingLogin, { stage: S }>)
    : undefined
}

/** `Set-Cookie` sealing `login` until `expiresAt`. */
export async function pendingLoginCookie(
  sealer: Sealer,
  login: PendingLogin,
  expiresAt: Date,
  secure: boolean,
  now: Date,
): Promise<string> {
  const value = await sealer.seal(login, expiresAt)
  return pendingCookieOf(value, expiresAt, secure, now)
}

/**
 * As {@link pendingLoginCookie}, or `undefined` when the sealed login is too long for a cookie
 * (a login whose size depends on what Stytch answered).
 */
export async function pendingLoginCookieIfFits(
  sealer: Sealer,
  login: PendingLogin,
  expiresAt: Date,
  secure: boolean,
  now: Date,
): Promise<string | undefined> {
  const value = await sealer.seal(login, expiresAt)
  return value.length > MAX_SEALED_LENGTH
    ? undefined
    : pendingCookieOf(value, expiresAt, secure, now)
}

function pendingCookieOf(value: string, expiresAt: Date, secure: boolean, now: Date): string {
  return setCookie('pending', value, {
    secure,
    sameSite: 'strict',
    maxAgeSeconds: (expiresAt.getTime() - now.getTime()) / 1000,
  })
}

/** `Set-Cookie` deleting the login in progress. */
export function clearPendingLogin(secure: boolean): string {
  return clearCookie('pending', secure)
}
