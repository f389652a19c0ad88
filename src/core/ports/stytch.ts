/**
 * @module The Stytch port: the few Stytch B2B calls the core makes, in the core's own camelCase
 * types, and the locales Stytch writes codes in. The core owns it; `src/stytch/sdk-adapter.ts`
 * implements it over the official SDK.
 *
 * Every method either resolves with a value that was checked against a schema, or rejects with
 * an `MfaError` whose code says what happened: the core never sees a half-read Stytch object, a
 * `StytchError` or a transport error.
 */

/** SMS locales in the `stytch` 14.2 SDK types (the docs still name only en, es, fr, pt-br). */
export const STYTCH_SMS_LOCALES = [
  'en',
  'es',
  'fr',
  'pt-br',
  'it',
  'de-DE',
  'zh-Hans',
  'ca-ES',
  'ja',
  'ru',
  'nl',
  'pl',
  'tr',
  'fa',
  'vi',
  'cs',
] as const

export type StytchSmsLocale = (typeof STYTCH_SMS_LOCALES)[number]

/** Locales of Stytch's email OTP templates. */
export const STYTCH_EMAIL_LOCALES = ['en', 'es', 'pt-br', 'fr'] as const

/** One authentication factor of a member session (`authentication_factors[]`). */
export interface AuthenticationFactor {
  /** Stytch's factor `type`, e.g. `otp` (SMS), `email_otp`, `magic_link`, `totp`. */
  readonly type: string
  /** Stytch's `delivery_method`, e.g. `sms`, `email`, `authenticator_app`. */
  readonly deliveryMethod: string
  /** When the member last passed this factor, if Stytch says. */
  readonly lastAuthenticatedAt: Date | undefined
  /** The phone number of an SMS factor (E.164), if any. Never log it unmasked. */
  readonly phoneNumber?: string | undefined
  /** The address of an email factor (`email_factor.email_address`), if any. */
  readonly emailAddress?: string | undefined
}

/** A Stytch member session, as verified (locally from the JWT, or by Stytch). */
export interface MemberSession {
  readonly memberSessionId: string
  readonly memberId: string
  readonly organizationId: string
  readonly organizationSlug: string | undefined
  readonly startedAt: Date | undefined
  /** When the Stytch session (not the JWT) expires. */
  readonly expiresAt: Date
  readonly authenticationFactors: readonly AuthenticationFactor[]
  readonly roles: readonly string[]
}

/** A member session together with the credentials that prove it. */
export interface SessionGrant {
  readonly requestId: string
  readonly sessionToken: string
  readonly sessionJwt: string
  readonly memberSession: MemberSession
}

/** A session JWT verified locally, with the JWT's own expiry (≤ 5 minutes at Stytch). */
export interface VerifiedJwt {
  readonly memberSession: MemberSession
  /** The JWT's `exp`: the library may trust this verification until then, not after. */
  readonly jwtExpiresAt: Date
  /** The JWT's `iat`. */
  readonly issuedAt: Date
}

/** What proves the member to Stytch on an SMS call: the intermediate session, or a session. */
export type MfaCredential =
  | { readonly kind: 'intermediate_session_token'; readonly token: string }
  | { readonly kind: 'session_token'; readonly token: string }
  | { readonly kind: 'session_jwt'; readonly token: string }

/** A second factor as Stytch names it in `allowed_mfa_methods` and `default_mfa_method`. */
export type MfaMethod = 'sms_otp' | 'totp'

/**
 * The second factors a pending login may use: the organization's `mfa_methods` /
 * `allowed_mfa_methods` (a breakglass member is exempt), the member's enrolled factors and its
 * `default_mfa_method`.
 */
export interface MfaOptions {
  /** The methods the organization allows this member, in Stytch's order (`sms_otp`, `totp`). */
  readonly allowedMethods: readonly MfaMethod[]
  /** The member has an authenticator app (`totp_registration_id`), allowed or not. */
  readonly hasTotp: boolean
  /** The member's `default_mfa_method`, if set. */
  readonly defaultMethod: MfaMethod | undefined
}

/** Result of a primary authentication (email OTP), or of entering an organization (exchange). */
export type PrimaryAuthResult =
  | ({ readonly kind: 'authenticated' } & SessionGrant)
  | {
      readonly kind: 'mfa_required'
      readonly requestId: string
      readonly memberId: string
      readonly organizationId: string
      readonly intermediateSessionToken: string
      /** From `intermediate_session_token_expires_at` when given, else now + 10 minutes. */
      readonly intermediateSessionExpiresAt: Date
      /** True when Stytch already sent the SMS (`secondary_auth_initiated === 'sms_otp'`). */
      readonly smsSent: boolean
      /** The member's MFA phone number if it has one (`mfa_required.member_options`). */
      readonly memberPhoneNumber: string | undefined
      /** What the organization lets this member use, and what the member has enrolled. */
      readonly mfa: MfaOptions
    }
  | {
      /** Stytch wants another primary method first (`primary_required`): not supported here. */
      readonly kind: 'primary_required'
      readonly requestId: string
      readonly allowedAuthMethods: readonly string[]
    }

export interface SendEmailOtpInput {
  /** Organization id or slug. */
  readonly organizationId: string
  readonly emailAddress: string
  readonly locale?: string | undefined
  readonly expirationMinutes?: number | undefined
}

export interface SendEmailOtpResult {
  readonly requestId: string
  readonly memberId: string
  readonly organizationId: string
}

export interface AuthenticateEmailOtpInput {
  /** Organization id or slug. */
  readonly organizationId: string
  readonly emailAddress: string
  readonly code: string
  readonly sessionDurationMinutes: number
  readonly locale?: string | undefined
}

export interface SendSmsOtpInput {
  readonly organizationId: string
  readonly memberId: string
  readonly credential: MfaCredential
  /** Only for a member without a phone (enrolment). */
  readonly mfaPhoneNumber?: string | undefined
  readonly locale?: string | undefined
}

export interface SendSmsOtpResult {
  readonly requestId: string
  /** The number the code went to (the member's `mfa_phone_number`), if Stytch says. */
  readonly phoneNumber: string | undefined
}

export interface AuthenticateSmsOtpInput {
  readonly organizationId: string
  readonly memberId: string
  readonly credential: MfaCredential
  readonly code: string
  readonly sessionDurationMinutes: number
}

export interface GetMemberInput {
  readonly organizationId: string
  readonly memberId: string
}

/**
 * What the flows need to know about a member: whether a phone is bound to it. The number itself
 * is not carried: nothing here needs it, and what is not held cannot leak into a log.
 */
export interface MemberPhoneStatus {
  readonly requestId: string
  readonly memberId: string
  readonly organizationId: string
  /** Stytch holds an `mfa_phone_number` for the member, verified or not. */
  readonly hasMfaPhoneNumber: boolean
  /** `mfa_phone_number_verified`: the member has passed a code on that number. */
  readonly mfaPhoneNumberVerified: boolean
}

/** One permission of a role: actions on a resource, `*` standing for every action. */
export interface RbacPermission {
  readonly resourceId: string
  readonly actions: readonly string[]
}

/** One role of an RBAC policy, the project's or an organization's own. */
export interface RbacRole {
  readonly roleId: string
  readonly permissions: readonly RbacPermission[]
}

/** A resource of the project's RBAC policy, with the actions it defines. */
export interface RbacResource {
  readonly resourceId: string
  readonly actions: readonly string[]
}

/** The project's RBAC policy (`rbac.policy`). */
export interface RbacPolicy {
  readonly requestId: string
  readonly roles: readonly RbacRole[]
  readonly resources: readonly RbacResource[]
}

/** An organization's own roles (`rbac.organizations.getOrgPolicy`), on top of the project's. */
export interface OrganizationRbacPolicy {
  readonly requestId: string
  readonly roles: readonly RbacRole[]
}

export interface GetOrganizationRbacPolicyInput {
  readonly organizationId: string
}

export type SessionCredential =
  | { readonly sessionToken: string; readonly sessionJwt?: never }
  | { readonly sessionJwt: string; readonly sessionToken?: never }

export interface RevokeSessionInput {
  readonly memberSessionId?: string | undefined
  readonly sessionToken?: string | undefined
  readonly sessionJwt?: string | undefined
}

export interface CreateTotpInput {
  readonly organizationId: string
  readonly memberId: string
  /** The IST of a member without a second factor, or a session that carries one. */
  readonly credential: MfaCredential
  /** How long the registration waits for its first code (5..1440). */
  readonly expirationMinutes: number
}

/**
 * A new authenticator-app registration. `secret`, `qrCode` and `recoveryCodes` are secrets of
 * the member: shown once, never logged.
 */
export interface TotpRegistration {
  readonly requestId: string
  readonly totpRegistrationId: string
  /** Base32, for typing into an app that cannot scan. */
  readonly secret: string
  /** A `data:image/png;base64,…` URL of the QR code. */
  readonly qrCode: string
  readonly recoveryCodes: readonly string[]
}

export interface AuthenticateTotpInput {
  readonly organizationId: string
  readonly memberId: string
  readonly credential: MfaCredential
  readonly code: string
  readonly sessionDurationMinutes: number
}

export interface RecoverInput {
  readonly organizationId: string
  readonly memberId: string
  readonly credential: MfaCredential
  readonly recoveryCode: string
  readonly sessionDurationMinutes: number
}

/** A session from a recovery code, and how many unused codes the member has left. */
export interface RecoveryGrant extends SessionGrant {
  readonly recoveryCodesRemaining: number
}

export interface RecoveryCodes {
  readonly requestId: string
  readonly recoveryCodes: readonly string[]
}

/** A second factor an admin can remove from a member: the MFA phone or the authenticator app. */
export type MemberFactor = 'sms' | 'totp'

export interface DeleteMemberFactorInput {
  readonly organizationId: string
  readonly memberId: string
  readonly factor: MemberFactor
}

export interface DeletedMemberFactor {
  readonly requestId: string
  /** False when the member had no such factor: the goal of the delete is reached all the same. */
  readonly deleted: boolean
}

/** A member session Stytch listed, by id, with the end of the Stytch session. */
export interface ListedSession {
  readonly memberSessionId: string
  readonly expiresAt: Date
}

export interface RevokedMemberSessions {
  readonly requestId: string
  /** The sessions that were live just before the revoke. */
  readonly sessions: readonly ListedSession[]
}

/**
 * How an email address relates to an organization discovery found: a member (`active`), a
 * member created but not signed in yet (`pending`), invited (`invited`), or not a member but
 * allowed to join (`eligible`, by its email domain or OAuth tenant).
 */
export type Membership = 'active' | 'pending' | 'invited' | 'eligible'

/**
 * One organization an email address may enter (`discovered_organizations[]`). Organizations that
 * ask for another primary method first (`primary_required`: SSO, a password…) and memberships of
 * a kind this library does not know are left out by the adapter: an email code cannot enter them.
 */
export interface DiscoveredOrganization {
  readonly organizationId: string
  readonly organizationSlug: string
  readonly organizationName: string
  readonly membership: Membership
  /** Entering asks for a second factor first (`mfa_required`). */
  readonly mfaRequired: boolean
  /** The second factors the organization lets this member use (`sms_otp`, `totp`). */
  readonly mfaMethods: readonly MfaMethod[]
}

export interface SendDiscoveryEmailOtpInput {
  readonly emailAddress: string
  readonly locale?: string | undefined
}

export interface AuthenticateDiscoveryEmailOtpInput {
  readonly emailAddress: string
  readonly code: string
}

/** The organizations an address may enter, and what proves the address for now. */
export interface DiscoveryResult {
  readonly requestId: string
  /** An intermediate session bound to no organization yet: it proves the email address only. */
  readonly intermediateSessionToken: string
  /** From `intermediate_session_token_expires_at` when given, else now + 10 minutes. */
  readonly intermediateSessionExpiresAt: Date
  readonly organizations: readonly DiscoveredOrganization[]
}

export interface ListDiscoveredOrganizationsInput {
  /** A member session (the organizations it may switch to) or a discovery IST. */
  readonly credential: MfaCredential
}

export interface DiscoveredOrganizations {
  readonly requestId: string
  readonly organizations: readonly DiscoveredOrganization[]
}

export interface ExchangeIntermediateSessionInput {
  readonly intermediateSessionToken: string
  /** The organization's id, as discovery listed it. */
  readonly organizationId: string
  readonly sessionDurationMinutes: number
  readonly locale?: string | undefined
}

export interface ExchangeSessionInput {
  /** The organization's id, as `listDiscoveredOrganizations` listed it. */
  readonly organizationId: string
  readonly credential: SessionCredential
  readonly sessionDurationMinutes: number
  readonly locale?: string | undefined
}

/**
 * The calls the flows make to Stytch. Implementations give every call a real deadline and
 * reject with `MfaError` only.
 */
export interface StytchPort {
  /** `POST /v1/b2b/otps/email/login_or_signup`. */
  sendEmailOtp(input: SendEmailOtpInput): Promise<SendEmailOtpResult>
  /** `POST /v1/b2b/otps/email/authenticate`. */
  authenticateEmailOtp(input: AuthenticateEmailOtpInput): Promise<PrimaryAuthResult>
  /** `POST /v1/b2b/otps/sms/send`. Never retried: a retry costs an SMS and kills the code. */
  sendSmsOtp(input: SendSmsOtpInput): Promise<SendSmsOtpResult>
  /**
   * `GET /v1/b2b/organizations/{organization_id}/member?member_id=…` (`organizations.members.get`).
   * Rejects with `stytch_bad_response` when Stytch answers about another member.
   */
  getMember(input: GetMemberInput): Promise<MemberPhoneStatus>
  /** `POST /v1/b2b/otps/sms/authenticate`. */
  authenticateSmsOtp(input: AuthenticateSmsOtpInput): Promise<SessionGrant>
  /** `POST /v1/b2b/sessions/authenticate` (no extension): refresh or check with Stytch. */
  authenticateSession(input: SessionCredential): Promise<SessionGrant>
  /**
   * Verifies a session JWT locally against Stytch's JWKS (RS256 only); rejects with
   * `not_signed_in` for any invalid, expired or foreign JWT, and with a `stytch_*` code when
   * the JWKS cannot be fetched.
   */
  verifySessionJwt(sessionJwt: string): Promise<VerifiedJwt>
  /** `POST /v1/b2b/sessions/revoke`. */
  revokeSession(input: RevokeSessionInput): Promise<void>
  /** `GET /v1/b2b/rbac/policy` (`rbac.policy`). */
  getRbacPolicy(): Promise<RbacPolicy>
  /** `GET /v1/b2b/rbac/organizations/{organization_id}` (`rbac.organizations.getOrgPolicy`). */
  getOrganizationRbacPolicy(input: GetOrganizationRbacPolicyInput): Promise<OrganizationRbacPolicy>
  /** `POST /v1/b2b/totp` (`totps.create`). Never retried: a retry finds the first one pending. */
  createTotp(input: CreateTotpInput): Promise<TotpRegistration>
  /**
   * `POST /v1/b2b/totp/authenticate`. Rejects with `stytch_bad_response` when the session is
   * another member's or organization's.
   */
  authenticateTotp(input: AuthenticateTotpInput): Promise<SessionGrant>
  /** `POST /v1/b2b/recovery_codes/recover`: spends one code. Checked like `authenticateTotp`. */
  recoverWithRecoveryCode(input: RecoverInput): Promise<RecoveryGrant>
  /** `POST /v1/b2b/recovery_codes/rotate`: the old codes stop working. */
  rotateRecoveryCodes(input: GetMemberInput): Promise<RecoveryCodes>
  /**
   * `organizations.members.deleteMFAPhoneNumber` or `.deleteTOTP`. Stytch leaves the member's
   * sessions alive: revoking them is the caller's part. Rejects with `forbidden` when the member
   * is not in `organizationId`.
   */
  deleteMemberFactor(input: DeleteMemberFactorInput): Promise<DeletedMemberFactor>
  /**
   * `sessions.get` (the member's live sessions), then `sessions.revoke` by `member_id`: every
   * session of the member ends at Stytch, and the ones listed are answered so that they can be
   * refused locally too.
   */
  revokeMemberSessions(input: GetMemberInput): Promise<RevokedMemberSessions>
  /** `POST /v1/b2b/otps/email/discovery/send`: a code for an address, for no organization. */
  sendDiscoveryEmailOtp(input: SendDiscoveryEmailOtpInput): Promise<{ readonly requestId: string }>
  /** `POST /v1/b2b/otps/email/discovery/authenticate`. */
  authenticateDiscoveryEmailOtp(input: AuthenticateDiscoveryEmailOtpInput): Promise<DiscoveryResult>
  /** `POST /v1/b2b/discovery/organizations` (`discovery.organizations.list`). */
  listDiscoveredOrganizations(
    input: ListDiscoveredOrganizationsInput,
  ): Promise<DiscoveredOrganizations>
  /**
   * `POST /v1/b2b/discovery/intermediate_sessions/exchange`: a session in the organization, or
   * its MFA step. Rejects with `stytch_bad_response` when Stytch answers for another organization.
   */
  exchangeIntermediateSession(input: ExchangeIntermediateSessionInput): Promise<PrimaryAuthResult>
  /** `POST /v1/b2b/sessions/exchange`; checked like `exchangeIntermediateSession`. */
  exchangeSession(input: ExchangeSessionInput): Promise<PrimaryAuthResult>
}

/**
 * Stytch's `error_type`s for a project id and secret it refuses: a deployment problem, not a
 * user's. The adapter maps them; the core names them in its log line.
 */
export const STYTCH_CREDENTIAL_ERROR_TYPES: ReadonlySet<string> = new Set([
  'unauthorized_credentials',
  'invalid_secret_authentication',
  'invalid_project_id_authentication',
  'unauthorized_project_id_live',
  'unauthorized_project_id_test',
  'live_id_used_in_test_environment',
  'test_id_used_in_live_environment',
])
