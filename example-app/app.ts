/**
 * The example admin console: Express 5, server-rendered pages (Eta, escaped by default), the
 * sign-in flow of `stytch-b2b-mfa` (email code, then SMS code) and `/admin` behind
 * `requireMfa()`. Works without JavaScript; the same POST routes answer JSON clients too.
 */
import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express'
import session from 'express-session'
import {
  createStytchMfa,
  isMfaError,
  messageOf,
  type MfaEvent,
  type StytchMfa,
} from 'stytch-b2b-mfa/express'
import {
  adminView,
  describeSession,
  flashOf,
  mfaView,
  queryString,
  timeView,
  type Flash,
} from './pages.js'

export interface ExampleAppOptions {
  /** How to reach Stytch: a project's credentials, and `baseUrl` for the emulator. */
  readonly stytch: {
    readonly projectId: string
    readonly secret: string
    readonly baseUrl?: string | undefined
    readonly timeoutMs?: number | undefined
  }
  /**
   * Signs express-session's cookie and seals the library's login-in-progress cookie. At least
   * 32 characters.
   */
  readonly sessionSecret: string
  /**
   * Sign in over plain http (cookies without `Secure`). Only for `http://localhost`; behind
   * https leave it off and set `trustProxy`. @default false
   */
  readonly allowInsecureCookies?: boolean
  /** Express `trust proxy`, for a TLS-terminating proxy in front. @default false */
  readonly trustProxy?: boolean | number | string
  /** The site's origin, when the `Host` header does not tell it (see the library's `origin`). */
  readonly origin?: string | undefined
  /** Prefills the organization field of the login form. */
  readonly defaultOrganization?: string | undefined
  /** Seconds the MFA page asks members to wait before asking for another code. @default 30 */
  readonly resendAfterSeconds?: number
  /** The clock (tests pass the emulator's). @default () => new Date() */
  readonly now?: () => Date
  /** The library's audit events. */
  readonly onEvent?: (event: MfaEvent) => void
  /** Where errors are logged. @default console */
  readonly logger?: Pick<Console, 'error'>
}

export interface ExampleApp {
  readonly app: Express
  readonly mfa: StytchMfa
}

const views = new Eta({
  views: fileURLToPath(new URL('./views', import.meta.url)),
  cache: process.env.NODE_ENV === 'production',
})

/** Headers of every answer: no caching of member data, no framing, only this site's forms. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  })
  next()
}

interface PageData {
  readonly title: string
  readonly flash?: Flash | undefined
  /** Shows the sign-out button. */
  readonly signedIn?: boolean
  readonly [key: string]: unknown
}

function render(res: Response, view: string, data: PageData, status = 200): void {
  res.status(status).type('html').send(views.render(view, data))
}

/** Builds the console for one Stytch configuration; start it with `app.listen(port)`. */
export function createApp(options: ExampleAppOptions): ExampleApp {
  const now = options.now ?? (() => new Date())
  const resendAfterSeconds = options.resendAfterSeconds ?? 30
  const logger = options.logger ?? console
  const mfa = createStytchMfa({
    stytch: options.stytch,
    cookieSecrets: [options.sessionSecret],
    allowInsecureCookies: options.allowInsecureCookies ?? false,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    sessionStorage: 'server',
    phoneEnrollment: { enabled: true, allowedCountries: ['US', 'CA'] },
    now,
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  })

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', options.trustProxy ?? false)
  app.use(securityHeaders)

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok')
  })

  // The member session lives server-side (memory store); the cookie only holds its id.
  app.use(
    session({
      name: 'admin.sid',
      secret: options.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
    }),
  )

  app.get('/', (_req, res) => {
    res.redirect(303, '/admin')
  })

  app.get('/login', (req, res) => {
    render(res, 'login', {
      title: 'Sign in',
      flash: flashOf(req),
      returnTo: queryString(req, 'returnTo') ?? '',
      organization: options.defaultOrganization ?? '',
    })
  })

  app.get('/login/code', async (req, res) => {
    const state = await mfa.loginState(req)
    if (state.stage === 'none') {
      res.redirect(303, '/login')
      return
    }
    if (state.stage === 'mfa') {
      res.redirect(303, '/mfa')
      return
    }
    render(res, 'login-code', {
      title: 'Enter the email code',
      flash: flashOf(req),
      expiresAt: state.expiresAt === undefined ? undefined : timeView(state.expiresAt),
    })
  })

  app.get('/mfa', async (req, res) => {
    const state = await mfa.loginState(req)
    if (state.stage === 'email') {
      res.redirect(303, '/login/code')
      return
    }
    const error = queryString(req, 'error')
    render(res, 'mfa', {
      title: 'Confirm with a code by SMS',
      flash: flashOf(req),
      view: mfaView(state, now(), resendAfterSeconds),
      resendAfterSeconds,
      stepUpAsked: error === 'mfa_required' || error === 'mfa_stale',
    })
  })

  app.post('/auth/email/send', mfa.sendEmailOtp())
  app.post('/auth/email/verify', mfa.verifyEmailOtp())
  app.post('/auth/sms/send', mfa.sendSmsOtp())
  app.post('/auth/sms/verify', mfa.verifySmsOtp())
  app.post('/logout', mfa.logout())

  const guard = mfa.requireMfa()
  /** The member `guard` admitted; a request without one never reaches the handlers below. */
  const memberOf = (req: Request) => {
    const member = mfa.memberSession(req)
    if (member === undefined) throw new Error('requireMfa() admitted a request without a session')
    return member
  }
  app.get('/admin', guard, (req, res) => {
    const member = memberOf(req)
    render(res, 'admin', {
      title: 'Admin console',
      flash: flashOf(req),
      signedIn: true,
      me: adminView(describeSession(member)),
    })
  })
  app.get('/admin/api/me', guard, (req, res) => {
    res.json(describeSession(memberOf(req)))
  })

  app.use((_req, res) => {
    render(
      res,
      'error',
      { title: 'Not found', status: 404, message: 'There is no page here.' },
      404,
    )
  })

  const errorPage: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const status = isMfaError(error) ? error.status : 500
    // Logs name the problem for the operator; they never carry codes, tokens or secrets.
    if (isMfaError(error)) {
      logger.error(
        `[example-app] ${req.method} ${req.path}: ${String(status)} ${error.code} (${error.message})` +
          (error.requestId === undefined ? '' : ` stytch request ${error.requestId}`),
      )
    } else {
      logger.error(`[example-app] ${req.method} ${req.path}: 500`, error)
    }
    if (res.headersSent) {
      next(error)
      return
    }
    const message = isMfaError(error) ? messageOf[error.code] : 'Something went wrong. Try again.'
    render(res, 'error', { title: 'Something went wrong', status, message }, status)
  }
  app.use(errorPage)

  return { app, mfa }
}
