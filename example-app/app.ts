/**
 * The example admin console: Express 5, server-rendered pages (Eta, escaped by default), the
 * sign-in flow of `stytch-b2b-mfa` (email code, then a second factor) and `/admin` behind
 * `requireMfa()`. Works without JavaScript; the library's POST routes answer JSON clients too.
 * What the page routes answer lives in `console.ts`, shared with the Koa console: this file
 * only translates it to Express.
 */
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express'
import session from 'express-session'
import { createStytchMfa, type StytchMfa } from 'stytch-b2b-mfa/express'
import { FLOW_ROUTES, PATHS, SECURITY_HEADERS, SESSION_COOKIE, consoleCore } from './console.js'
import type { Answer, ConsoleOptions } from './console.js'
import { ExpressRedisStore } from './express-redis-store.js'
import { readMemberId } from './members.js'
import { REPORTS_PERMISSION } from './reports.js'
import {
  SESSIONS_UNAVAILABLE_PROBLEM,
  isSessionsUnavailable,
  redisHealth,
  wantsPage,
} from './redis.js'
import { sessionSlot, type SessionSlot, type StepAnswer } from './security.js'

/** Express `trust proxy`: `true`/`false`, a hop count, or addresses (`loopback`…). */
export type ExampleAppOptions = ConsoleOptions<boolean | number | string>

export interface ExampleApp {
  readonly app: Express
  readonly mfa: StytchMfa
}

function send(res: Response, answer: Answer): void {
  for (const cookie of answer.cookies ?? []) res.append('set-cookie', cookie)
  if (answer.kind === 'redirect') res.redirect(303, answer.location)
  else res.status(answer.status).type('html').send(answer.html)
}

/**
 * Runs a library step (JSON mode) and hands its answer to the page instead of the client: the
 * step ends the response with `res.end(body)`, caught here, and its headers and cookies stay on
 * `res` for the page's answer.
 */
function answerOf(step: RequestHandler, req: Request, res: Response): Promise<StepAnswer> {
  return new Promise((resolve, reject) => {
    // express-session's own wrapper (it saves the session), put back for the page's answer.
    const end = res.end.bind(res)
    res.end = ((body?: unknown) => {
      res.end = end
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : ''
      resolve({ status: res.statusCode, body: text })
      return res
    }) as Response['end']
    void step(req, res, (error?: unknown) => {
      res.end = end
      reject(error instanceof Error ? error : new Error('the library step passed the request on'))
    })
  })
}

function slotOf(req: Request): SessionSlot {
  return sessionSlot(() => req.session as unknown as Record<string, unknown>)
}

/** Builds the console for one Stytch configuration; start it with `app.listen(port)`. */
export function createApp(options: ExampleAppOptions): ExampleApp {
  const { libraryOptions, pages, security, organizations } = consoleCore(options)
  const mfa = createStytchMfa(libraryOptions)

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', options.trustProxy ?? false)
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS)
    next()
  })

  const { redis } = options
  app.get(PATHS.health, async (_req, res) => {
    if (redis === undefined) {
      res.type('text/plain').send('ok')
      return
    }
    const health = await redisHealth(redis)
    res.status(health.status).json(health.body)
  })

  // The member session lives server-side (memory store, or Redis); the cookie only holds its id.
  const sessions = session({
    name: SESSION_COOKIE,
    secret: options.sessionSecret,
    ...(redis === undefined ? {} : { store: new ExpressRedisStore(redis) }),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
  })
  // A session that Redis cannot give back: 503 at once, the error page for browsers.
  app.use((req, res, next) => {
    sessions(req, res, (error?: unknown) => {
      if (!isSessionsUnavailable(error)) next(error)
      // Saving the session after the answer went out failed: nothing is left to answer.
      else if (res.headersSent) return
      else if (wantsPage((name) => req.get(name))) next(error)
      else {
        res
          .status(SESSIONS_UNAVAILABLE_PROBLEM.status)
          .set(SESSIONS_UNAVAILABLE_PROBLEM.headers)
          .send(SESSIONS_UNAVAILABLE_PROBLEM.body)
      }
    })
  })

  app.get(PATHS.home, (_req, res) => {
    send(res, pages.home())
  })
  app.get(PATHS.login, (req, res) => {
    send(res, pages.login(req))
  })
  app.get(PATHS.loginToOrganization, (req, res) => {
    send(res, pages.loginToOrganization(req))
  })
  app.get(PATHS.emailCode, async (req, res) => {
    send(res, pages.emailCode(req, await mfa.loginState(req)))
  })
  app.get(PATHS.organizations, async (req, res) => {
    send(res, organizations.picker(req, await mfa.loginState(req)))
  })
  app.get(PATHS.mfa, async (req, res) => {
    send(res, await pages.mfa(req, await mfa.loginState(req)))
  })
  // A session is enough: an organization without MFA gives none, and /admin would ask for one.
  app.get(PATHS.switcher, async (req, res) => {
    send(res, await organizations.switcher(req, () => mfa.memberOrganizations(req)))
  })
  for (const [path, step] of FLOW_ROUTES) app.post(path, mfa[step]())

  const guard = mfa.requireMfa()
  app.get(PATHS.admin, guard, (req, res) => {
    send(res, pages.admin(req, mfa.memberSession(req)))
  })
  app.get(PATHS.members, guard, async (req, res) => {
    send(res, await pages.members(req, mfa.memberSession(req)))
  })
  app.post(PATHS.resetMfa, async (req, res) => {
    const memberId = await readMemberId(req)
    send(res, await pages.resetMfa(memberId, (input) => mfa.resetMemberMfa(req, input)))
  })
  app.get(PATHS.reports, mfa.requireMfa({ permission: REPORTS_PERMISSION }), (req, res) => {
    send(res, pages.reports(mfa.memberSession(req)))
  })
  app.get(PATHS.me, guard, (req, res) => {
    res.json(pages.me(mfa.memberSession(req)))
  })
  app.get(PATHS.security, guard, async (req, res) => {
    send(res, await security.security(req, mfa.memberSession(req)))
  })
  app.get(PATHS.securityApp, guard, async (req, res) => {
    send(res, await security.appSetup(req, slotOf(req)))
  })
  for (const { path, step, render } of [...security.steps(mfa), ...organizations.steps(mfa)]) {
    app.post(path, async (req, res) => {
      send(res, render(await answerOf(step, req, res), slotOf(req)))
    })
  }

  app.use((_req, res) => {
    send(res, pages.notFound())
  })

  const errorPage: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const answer = pages.failure(req, error)
    // Too late for a page: Express ends the response.
    if (res.headersSent) next(error)
    else send(res, answer)
  }
  app.use(errorPage)

  return { app, mfa }
}
