/**
 * What the Express console (`app.ts`) and the Koa console (`koa-app.ts`) share: their options,
 * the library's options built from them, the routes, the security headers, and what every page
 * route answers (a rendered page or a redirect). Each framework file only translates requests
 * and answers, so nothing here knows either framework.
 */
import type { RedisClientType } from 'redis'
import { isMfaError, messageOf, type MemberSession } from 'stytch-b2b-mfa'
// Types only: `stytch-b2b-mfa/koa` exports the same ones.
import type {
  LoginState,
  MfaEvent,
  ResetMemberMfaInput,
  StytchMfaOptions,
} from 'stytch-b2b-mfa/express'
import { redisLimitStore } from 'stytch-b2b-mfa/limits'
import {
  PHONE_COUNTRIES,
  adminView,
  meOf,
  secondFactorsView,
  phoneCountryNames,
  queryString,
  optionalTime,
  type Me,
  type SecondFactorsView,
} from './pages.js'
import { ADMIN_ROLE, memberDirectory } from './members.js'
import { PATHS } from './paths.js'
import {
  ENHANCEMENT_HASH,
  otherStage,
  page,
  redirect,
  withFlash,
  type Answer,
  type PageRequest,
} from './render.js'
import { organizationPages, type OrganizationPages } from './organizations.js'
import { reportsPage } from './reports.js'
import { securityPages, type SecurityPages } from './security.js'
import { otpauthUri, qrSvg } from './totp-qr.js'

export { PATHS } from './paths.js'
export type { Answer, PageRequest } from './render.js'

/** The options of both consoles; `TrustProxy` is what the framework can express. */
export interface ConsoleOptions<TrustProxy> {
  /** How to reach Stytch: a project's credentials, and `baseUrl` for the emulator. */
  readonly stytch: {
    readonly projectId: string
    readonly secret: string
    readonly baseUrl?: string | undefined
    readonly timeoutMs?: number | undefined
  }
  /**
   * Signs the session cookie and seals the library's login-in-progress cookie. At least 32
   * characters.
   */
  readonly sessionSecret: string
  /**
   * Sign in over plain http (cookies without `Secure`). Only for `http://localhost`; behind
   * https leave it off and set `trustProxy`. @default false
   */
  readonly allowInsecureCookies?: boolean
  /** Trust `X-Forwarded-*` of a TLS-terminating proxy in front. @default false */
  readonly trustProxy?: TrustProxy
  /** The site's origin, when the `Host` header does not tell it (see the library's `origin`). */
  readonly origin?: string | undefined
  /** Prefills the organization field of the login form that names an organization. */
  readonly defaultOrganization?: string | undefined
  /**
   * The library's abuse limits (SMS cooldown, codes per hour, attempts…), passed through.
   * @default the library's defaults, counted in this process (or in `redis` when given)
   */
  readonly limits?: StytchMfaOptions['limits']
  /**
   * A connected node-redis client: member sessions and the limits' counters then live in Redis,
   * shared by every instance of the console. @default sessions and limits in memory
   */
  readonly redis?: RedisClientType | undefined
  /** The clock (tests pass the emulator's). @default () => new Date() */
  readonly now?: () => Date
  /** The library's audit events. */
  readonly onEvent?: (event: MfaEvent) => void
  /** Where errors are logged. @default console */
  readonly logger?: Pick<Console, 'error'>
}

/** The library's POST routes and the factory of each. */
export const FLOW_ROUTES = [
  ['/auth/discovery/send', 'sendDiscoveryEmailOtp'],
  ['/auth/discovery/verify', 'verifyDiscoveryEmailOtp'],
  ['/auth/discovery/select', 'selectOrganization'],
  ['/auth/email/send', 'sendEmailOtp'],
  ['/auth/email/verify', 'verifyEmailOtp'],
  ['/auth/sms/send', 'sendSmsOtp'],
  ['/auth/sms/verify', 'verifySmsOtp'],
  ['/auth/totp/enrol', 'enrolTotp'],
  ['/auth/totp/verify', 'verifyTotp'],
  ['/auth/recovery/verify', 'recoverWithCode'],
  ['/logout', 'logout'],
] as const

/** The session cookie (its id only: the session itself lives server-side). */
export const SESSION_COOKIE = 'admin.sid'

/**
 * Headers of every answer: no caching of member data (nor of the recovery codes a page shows
 * once), no framing, only this site's forms, no script but the pages' own, no fetch.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `script-src 'sha256-${ENHANCEMENT_HASH}'`,
    "style-src 'unsafe-inline'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
}

/** What each page route answers, given what the library knows of the request. */
export interface ConsolePages {
  home(): Answer
  /** `/login`: an email address alone; the organization is picked after the code. */
  login(req: PageRequest): Answer
  /** `/login/organization`: an email address and the organization to sign in to. */
  loginToOrganization(req: PageRequest): Answer
  emailCode(req: PageRequest, state: LoginState): Answer
  /** Async: it draws the QR code of an authenticator app being enrolled. */
  mfa(req: PageRequest, state: LoginState): Promise<Answer>
  /** `member`: the one `requireMfa()` admitted. */
  admin(req: PageRequest, member: MemberSession | undefined): Answer
  /** `/admin/members`, for admins only: `member` the one `requireMfa()` admitted. */
  members(req: PageRequest, member: MemberSession | undefined): Promise<Answer>
  /**
   * `POST /admin/members/reset`: removes the member's phone and app through `reset` (the
   * library's `resetMemberMfa`, which checks the admin), then back to the list, or to the step
   * that fixes a refusal (a fresh factor, a sign-in).
   */
  resetMfa(
    memberId: string | undefined,
    reset: (input: ResetMemberMfaInput) => Promise<unknown>,
  ): Promise<Answer>
  /** `/admin/reports`, for members with its permission: `member` the one admitted. */
  reports(member: MemberSession | undefined): Answer
  /** `/admin/api/me`, as JSON. */
  me(member: MemberSession | undefined): Me
  notFound(): Answer
  /** Logs a failed request for the operator and answers a plain error page. */
  failure(req: PageRequest, error: unknown): Answer
}

export interface ConsoleCore {
  /** The console's clock. */
  readonly now: () => Date
  /** For `createStytchMfa()` of either framework. */
  readonly libraryOptions: StytchMfaOptions
  readonly pages: ConsolePages
  /** The security page, and the routes that render the JSON answers of library steps. */
  readonly security: SecurityPages
  /** The organization picker and switcher, and the switch. */
  readonly organizations: OrganizationPages
}

/**
 * An error's HTTP status: `err.status` as both frameworks read it (the library's errors carry
 * one, so do body parsers'), else 500.
 */
function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null | undefined)?.status
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600
    ? status
    : 500
}

/** The MFA page's heading: what it asks for. */
function titleOf(factors: SecondFactorsView): string {
  if (factors.totp?.kind === 'confirm') return 'Set up your authenticator app'
  if (factors.totp?.kind === 'offer') return 'Set up a second factor'
  if (factors.sms === undefined) return 'Confirm with your authenticator app'
  return factors.totp === undefined ? 'Confirm with a code by SMS' : 'Confirm it is you'
}

/**
 * Where the login forms send the member once signed in (`?returnTo=`), both forms linking to
 * each other with it.
 */
function returnToOf(req: PageRequest): { returnTo: string; returnToQuery: string } {
  const returnTo = queryString(req, 'returnTo') ?? ''
  return {
    returnTo,
    returnToQuery: returnTo === '' ? '' : `?returnTo=${encodeURIComponent(returnTo)}`,
  }
}

/** The library's options: server-side sessions, phone enrolment, the limits (in Redis if given). */
function libraryOptionsOf(options: ConsoleOptions<unknown>, now: () => Date): StytchMfaOptions {
  const { redis, limits } = options
  return {
    stytch: options.stytch,
    cookieSecrets: [options.sessionSecret],
    allowInsecureCookies: options.allowInsecureCookies ?? false,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    paths: {
      login: PATHS.login,
      emailCode: PATHS.emailCode,
      organizations: PATHS.organizations,
      mfa: PATHS.mfa,
    },
    sessionStorage: 'server',
    phoneEnrollment: { enabled: true, allowedCountries: Object.keys(PHONE_COUNTRIES) },
    limits:
      redis === undefined
        ? limits
        : { ...limits, store: limits?.store ?? redisLimitStore(redis, { useRedisPackage: true }) },
    now,
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  }
}

/** The framework-free part of the console for these options. */
export function consoleCore(options: ConsoleOptions<unknown>): ConsoleCore {
  const now = options.now ?? (() => new Date())
  const logger = options.logger ?? console
  const members = memberDirectory(options.stytch)
  const pages: ConsolePages = {
    home: () => redirect(PATHS.admin),

    login: (req) =>
      withFlash(req, (flash) => page('login', { title: 'Sign in', flash, ...returnToOf(req) })),

    loginToOrganization: (req) =>
      withFlash(req, (flash) =>
        page('login-organization', {
          title: 'Sign in to an organization',
          flash,
          ...returnToOf(req),
          organization: options.defaultOrganization ?? '',
        }),
      ),

    emailCode: (req, state) =>
      withFlash(
        req,
        (flash) =>
          otherStage(state, 'email') ??
          page('login-code', {
            title: 'Enter the email code',
            flash,
            discovery: state.discovery,
            expiresAt: optionalTime(state.expiresAt),
          }),
      ),

    mfa: async (req, state) => {
      const qr =
        state.totpSecret === undefined ? undefined : await qrSvg(otpauthUri(state.totpSecret))
      return withFlash(req, (flash) => {
        // No login in progress: the step-up of a signed-in member.
        const elsewhere = otherStage(state, 'mfa', 'none')
        if (elsewhere !== undefined) return elsewhere
        const factors = secondFactorsView(state, now(), qr)
        return page('mfa', {
          title: titleOf(factors),
          flash,
          factors,
          phoneCountries: phoneCountryNames,
          stepUpAsked: flash?.code === 'mfa_required' || flash?.code === 'mfa_stale',
        })
      })
    },

    admin: (req, member) =>
      withFlash(req, (flash) =>
        page('admin', {
          title: 'Admin console',
          flash,
          signedIn: true,
          me: adminView(meOf(member)),
          isAdmin: meOf(member).roles.includes(ADMIN_ROLE),
        }),
      ),

    members: async (req, member) => {
      const me = meOf(member)
      if (!me.roles.includes(ADMIN_ROLE)) {
        const message = 'Only admins of the organization see its members.'
        return page('error', { title: 'Not allowed', status: 403, message, signedIn: true }, 403)
      }
      const list = await members.list(me.organizationId)
      return withFlash(req, (flash) =>
        page('members', { title: 'Members', flash, signedIn: true, me, members: list }),
      )
    },

    resetMfa: async (memberId, reset) => {
      if (memberId === undefined) return redirect(`${PATHS.members}?error=invalid_request`)
      try {
        await reset({ memberId, factors: ['sms', 'totp'] })
      } catch (error) {
        if (!isMfaError(error)) throw error
        if (error.code === 'mfa_stale' || error.code === 'mfa_required') {
          return redirect(`${PATHS.mfa}?error=${error.code}`)
        }
        if (error.code === 'not_signed_in') {
          return redirect(`${PATHS.login}?returnTo=${encodeURIComponent(PATHS.members)}`)
        }
        return redirect(`${PATHS.members}?error=${error.code}`)
      }
      return redirect(PATHS.members)
    },

    reports: reportsPage,

    me: meOf,

    notFound: () =>
      page('error', { title: 'Not found', status: 404, message: 'There is no page here.' }, 404),

    failure: (req, error) => {
      const status = statusOf(error)
      // Logs name the problem for the operator; they never carry codes, tokens or secrets.
      if (isMfaError(error)) {
        logger.error(
          `[example-app] ${req.method} ${req.path}: ${String(status)} ${error.code} (${error.message})` +
            (error.requestId === undefined ? '' : ` stytch request ${error.requestId}`),
        )
      } else {
        logger.error(`[example-app] ${req.method} ${req.path}: ${String(status)}`, error)
      }
      const message = isMfaError(error) ? messageOf[error.code] : 'Something went wrong. Try again.'
      const title = status === 403 ? 'Not allowed' : 'Something went wrong'
      return page('error', { title, status, message }, status)
    },
  }
  return {
    now,
    libraryOptions: libraryOptionsOf(options, now),
    pages,
    security: securityPages({ now, getMember: members.get }),
    organizations: organizationPages,
  }
}
