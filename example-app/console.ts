/**
 * What the Express console (`app.ts`) and the Koa console (`koa-app.ts`) share: their options,
 * the library's options built from them, the routes, the security headers, and what every page
 * route answers (a rendered page or a redirect). Each framework file only translates requests
 * and answers, so nothing here knows either framework.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'
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
  describeSession,
  flashCookieValue,
  flashOf,
  flashOfCookieValue,
  hasFlashQuery,
  secondFactorsView,
  phoneCountryNames,
  queryString,
  timeView,
  withoutFlashQuery,
  type Flash,
  type Me,
  type SecondFactorsView,
  type WithQuery,
} from './pages.js'
import { ADMIN_ROLE, memberLister } from './members.js'
import { otpauthUri, qrSvg } from './totp-qr.js'

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
  /** Prefills the organization field of the login form. */
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

/** The console's pages (the library is told those it redirects browsers to). */
export const PATHS = {
  home: '/',
  login: '/login',
  emailCode: '/login/code',
  mfa: '/mfa',
  admin: '/admin',
  me: '/admin/api/me',
  members: '/admin/members',
  resetMfa: '/admin/members/reset',
  health: '/healthz',
} as const

/** The library's POST routes and the factory of each. */
export const FLOW_ROUTES = [
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
 * Carries an error from the library's redirect (`?error=`) to the one page view that shows it,
 * so that the URL left in the history has no error to show again.
 */
const FLASH_COOKIE = 'admin.flash'
/** Long enough to follow one redirect; a flash nobody picked up is stale soon after. */
const FLASH_SECONDS = 60

/**
 * The pages' only script (local times, the resend countdown, the recovery codes after an
 * authenticator app is set up), inline and allowed by its hash:
 * the CSP lets no other script run. The pages work without it.
 */
const ENHANCEMENT = readFileSync(fileURLToPath(new URL('./views/enhance.js', import.meta.url)), {
  encoding: 'utf8',
})
const ENHANCEMENT_HASH = createHash('sha256').update(ENHANCEMENT).digest('base64')

/** Headers of every answer: no caching of member data, no framing, only this site's forms. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `script-src 'sha256-${ENHANCEMENT_HASH}'`,
    "style-src 'unsafe-inline'",
    // The first authenticator code is posted with fetch, to show the recovery codes.
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
}

/** What a page route answers: an HTML page, or a 303 to another page; `cookies` to set. */
export type Answer = (
  | { readonly kind: 'page'; readonly status: number; readonly html: string }
  | { readonly kind: 'redirect'; readonly location: string }
) & { readonly cookies?: readonly string[] }

/** What the layout of every page reads; each view reads more. */
interface PageData {
  readonly title: string
  readonly flash?: Flash | undefined
  /** Shows the sign-out button. */
  readonly signedIn?: boolean
  readonly [key: string]: unknown
}

/** The request, as far as the pages read it: Express's `req` and Koa's `ctx` alike. */
export interface PageRequest extends WithQuery {
  readonly method: string
  readonly path: string
  readonly headers: { readonly cookie?: string | undefined }
  /** Over https (as the framework tells it, behind a trusted proxy too). */
  readonly secure: boolean
}

/** What each page route answers, given what the library knows of the request. */
export interface ConsolePages {
  home(): Answer
  login(req: PageRequest): Answer
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
}

const views = new Eta({
  views: fileURLToPath(new URL('./views', import.meta.url)),
  cache: process.env.NODE_ENV === 'production',
})

function page(view: string, data: PageData, status = 200): Answer {
  return { kind: 'page', status, html: views.render(view, { ...data, script: ENHANCEMENT }) }
}

function redirect(location: string): Answer {
  return { kind: 'redirect', location }
}

/** The flash cookie; without `value`, its removal. */
function flashCookie(req: PageRequest, value?: string): string {
  const lifetime =
    value === undefined
      ? // Expires too: clients that ignore Max-Age (superagent's cookie jar among them) drop it.
        'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
      : `Max-Age=${FLASH_SECONDS}`
  return (
    `${FLASH_COOKIE}=${value ?? ''}; Path=/; ${lifetime}; HttpOnly; SameSite=Lax` +
    (req.secure ? '; Secure' : '')
  )
}

function cookieOf(req: PageRequest, name: string): string | undefined {
  for (const pair of req.headers.cookie?.split(';') ?? []) {
    const at = pair.indexOf('=')
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
  }
  return undefined
}

/**
 * A page that shows the library's errors. A URL with `?error=` moves the error into a cookie
 * and the browser to the same page without it; the next view of the page shows it once. Back
 * and forward then revisit a URL without an error: a sign-in that is over shows no stale one.
 */
function withFlash(req: PageRequest, render: (flash: Flash | undefined) => Answer): Answer {
  if (hasFlashQuery(req)) {
    const shown = flashOf(req)
    return {
      kind: 'redirect',
      location: withoutFlashQuery(req),
      cookies: shown === undefined ? [] : [flashCookie(req, flashCookieValue(req.path, shown))],
    }
  }
  const value = cookieOf(req, FLASH_COOKIE)
  const shown = value === undefined ? undefined : flashOfCookieValue(req.path, value)
  const answer = render(shown)
  return shown === undefined ? answer : { ...answer, cookies: [flashCookie(req)] }
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

/** The member `requireMfa()` admitted, as `/admin/api/me` answers it. */
function meOf(member: MemberSession | undefined): Me {
  // A request without a session never gets past the guard.
  if (member === undefined) throw new Error('requireMfa() admitted a request without a session')
  return describeSession(member)
}

/** The MFA page's heading: what it asks for. */
function titleOf(factors: SecondFactorsView): string {
  if (factors.totp?.kind === 'confirm') return 'Set up your authenticator app'
  if (factors.totp?.kind === 'offer') return 'Set up a second factor'
  if (factors.sms === undefined) return 'Confirm with your authenticator app'
  return factors.totp === undefined ? 'Confirm with a code by SMS' : 'Confirm it is you'
}

/** The library's options: server-side sessions, phone enrolment, the limits (in Redis if given). */
function libraryOptionsOf(options: ConsoleOptions<unknown>, now: () => Date): StytchMfaOptions {
  const { redis, limits } = options
  return {
    stytch: options.stytch,
    cookieSecrets: [options.sessionSecret],
    allowInsecureCookies: options.allowInsecureCookies ?? false,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    paths: { login: PATHS.login, emailCode: PATHS.emailCode, mfa: PATHS.mfa },
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
  const listMembers = memberLister(options.stytch)
  const pages: ConsolePages = {
    home: () => redirect(PATHS.admin),

    login: (req) =>
      withFlash(req, (flash) =>
        page('login', {
          title: 'Sign in',
          flash,
          returnTo: queryString(req, 'returnTo') ?? '',
          organization: options.defaultOrganization ?? '',
        }),
      ),

    emailCode: (req, state) =>
      withFlash(req, (flash) => {
        if (state.stage === 'none') return redirect(PATHS.login)
        if (state.stage === 'mfa') return redirect(PATHS.mfa)
        return page('login-code', {
          title: 'Enter the email code',
          flash,
          expiresAt: state.expiresAt === undefined ? undefined : timeView(state.expiresAt),
        })
      }),

    mfa: async (req, state) => {
      const qr =
        state.totpSecret === undefined ? undefined : await qrSvg(otpauthUri(state.totpSecret))
      return withFlash(req, (flash) => {
        if (state.stage === 'email') return redirect(PATHS.emailCode)
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
      const members = await listMembers(me.organizationId)
      return withFlash(req, (flash) =>
        page('members', { title: 'Members', flash, signedIn: true, me, members }),
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
      return page('error', { title: 'Something went wrong', status, message }, status)
    },
  }
  return { now, libraryOptions: libraryOptionsOf(options, now), pages }
}
