/**
 * The example admin console on Koa: the same pages, routes and templates as the Express console
 * in `app.ts`, side by side. Koa 3 with @koa/router, koa-session for the server-side member
 * session, server-rendered Eta pages; works without JavaScript, and the same POST routes answer
 * JSON clients too. What the page routes answer lives in `console.ts`, shared with the Express
 * console: this file only translates it to Koa.
 */
import Router from '@koa/router'
import Koa, { type Context, type Middleware } from 'koa'
import session from 'koa-session'
import { createStytchMfa, type StytchMfa } from 'stytch-b2b-mfa/koa'
import { FLOW_ROUTES, PATHS, SECURITY_HEADERS, SESSION_COOKIE, consoleCore } from './console.js'
import { readMemberId } from './members.js'
import { REPORTS_PERMISSION } from './reports.js'
import { sessionSlot, type SessionSlot, type StepAnswer } from './security.js'
import type { Answer, ConsoleOptions } from './console.js'
import { koaRedisSessionStore } from './koa-redis-store.js'
import {
  SESSIONS_UNAVAILABLE_PROBLEM,
  isSessionsUnavailable,
  redisHealth,
  wantsPage,
} from './redis.js'

/**
 * The options of the Express console, but for `trustProxy`, which Koa reads differently: trust
 * `X-Forwarded-*` of a TLS-terminating proxy in front (Koa's `app.proxy`). A hop count N trusts
 * the last N addresses of `X-Forwarded-For` (`app.maxIpsCount`), as Express's `trust proxy` N
 * does; `0` trusts nothing. Koa has no list of trusted proxy addresses.
 */
export type KoaExampleAppOptions = ConsoleOptions<boolean | number>

export interface KoaExampleApp {
  readonly app: Koa
  readonly mfa: StytchMfa
}

function send(ctx: Context, answer: Answer): void {
  for (const cookie of answer.cookies ?? []) ctx.append('set-cookie', cookie)
  if (answer.kind === 'redirect') {
    ctx.redirect(answer.location)
    // Koa redirects with 302.
    ctx.status = 303
  } else {
    ctx.status = answer.status
    ctx.type = 'html'
    ctx.body = answer.html
  }
}

/**
 * koa-session keeps the session in the cookie itself unless given a store: this one keeps it in
 * memory, like express-session's default store, so the cookie holds only the session id. Lost on
 * a restart and not shared between processes (`koaRedisSessionStore` is, with `redis`).
 */
class MemoryStore {
  /** How long a browser-session cookie's data is kept (koa-session passes `'session'`). */
  static readonly SESSION_TTL_MS = 24 * 60 * 60 * 1000
  readonly #sessions = new Map<string, { readonly data: unknown; readonly expiresAt: number }>()
  #sweptAt = 0

  constructor(private readonly now: () => Date) {}

  // koa-session awaits what these return: promises, as its types ask.
  get(key: string): Promise<unknown> {
    const entry = this.#sessions.get(key)
    if (entry === undefined) return Promise.resolve(undefined)
    if (entry.expiresAt <= this.now().getTime()) {
      this.#sessions.delete(key)
      return Promise.resolve(undefined)
    }
    return Promise.resolve(entry.data)
  }

  set(key: string, data: unknown, maxAge: number | 'session'): Promise<void> {
    const now = this.now().getTime()
    const ttl = typeof maxAge === 'number' ? maxAge : MemoryStore.SESSION_TTL_MS
    this.#sessions.set(key, { data, expiresAt: now + ttl })
    if (now - this.#sweptAt > 60_000) {
      this.#sweptAt = now
      for (const [id, entry] of this.#sessions)
        if (entry.expiresAt <= now) this.#sessions.delete(id)
    }
    return Promise.resolve()
  }

  destroy(key: string): Promise<void> {
    this.#sessions.delete(key)
    return Promise.resolve()
  }
}

/** Runs a library step (JSON mode) and hands its answer to the page instead of the client. */
async function answerOf(step: Middleware, ctx: Context): Promise<StepAnswer> {
  await step(ctx, () => Promise.resolve())
  return { status: ctx.status, body: typeof ctx.body === 'string' ? ctx.body : '' }
}

function slotOf(ctx: Context): SessionSlot {
  return sessionSlot(() => ctx.session as Record<string, unknown> | null)
}

/** Koa's `app.proxy` and `app.maxIpsCount` for `trustProxy`. */
function proxySettings(trustProxy: boolean | number): { proxy: boolean; maxIpsCount: number } {
  if (typeof trustProxy === 'boolean') return { proxy: trustProxy, maxIpsCount: 0 }
  if (!Number.isInteger(trustProxy) || trustProxy < 0) {
    throw new Error(`trustProxy must be a boolean or a hop count, got ${String(trustProxy)}`)
  }
  // maxIpsCount 0 means "all of them" to Koa: 0 hops is no proxy at all.
  return { proxy: trustProxy > 0, maxIpsCount: trustProxy }
}

/** Builds the console for one Stytch configuration; start it with `app.listen(port)`. */
export function createKoaApp(options: KoaExampleAppOptions): KoaExampleApp {
  const { now, libraryOptions, pages, security, organizations } = consoleCore(options)
  const mfa = createStytchMfa(libraryOptions)

  // koa-session signs its cookie with app.keys.
  const app = new Koa({
    keys: [options.sessionSecret],
    ...proxySettings(options.trustProxy ?? false),
  })
  // errorPage logs every error; Koa's own logger would print them again, with stacks.
  app.silent = true

  /** First, so that it catches everything below: a plain error page, never a stack. */
  const errorPage: Middleware = async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      const answer = pages.failure(ctx, error)
      // Too late for a page: Koa ends the response.
      if (ctx.headerSent) throw error
      send(ctx, answer)
    }
  }
  app.use(errorPage)
  app.use(async (ctx, next) => {
    ctx.set({ ...SECURITY_HEADERS })
    await next()
  })

  // Before the session: koa-session with a store loads the session on every request it sees.
  const { redis } = options
  const open = new Router()
  open.get(PATHS.health, async (ctx) => {
    if (redis === undefined) {
      ctx.type = 'text/plain'
      ctx.body = 'ok'
      return
    }
    const health = await redisHealth(redis)
    ctx.status = health.status
    ctx.body = health.body
  })
  app.use(open.routes())

  // The member session lives server-side (MemoryStore, or Redis); the cookie only holds its id.
  const sessions = session(
    {
      key: SESSION_COOKIE,
      store: redis === undefined ? new MemoryStore(now) : koaRedisSessionStore(redis),
      // A browser-session cookie, like express-session's default.
      maxAge: 'session',
      httpOnly: true,
      sameSite: 'lax',
      // `secure` left out: Secure exactly when the request is (ctx.secure, app.proxy).
    },
    app,
  )
  // A session that Redis cannot give back: 503 at once, the error page for browsers.
  app.use(async (ctx, next) => {
    try {
      await sessions(ctx, next)
    } catch (error) {
      if (!isSessionsUnavailable(error) || wantsPage((name) => ctx.get(name) || undefined)) {
        throw error
      }
      ctx.status = SESSIONS_UNAVAILABLE_PROBLEM.status
      ctx.set(SESSIONS_UNAVAILABLE_PROBLEM.headers)
      ctx.body = SESSIONS_UNAVAILABLE_PROBLEM.body
    }
  })

  const router = new Router()
  router.get(PATHS.home, (ctx) => {
    send(ctx, pages.home())
  })
  router.get(PATHS.login, (ctx) => {
    send(ctx, pages.login(ctx))
  })
  router.get(PATHS.loginToOrganization, (ctx) => {
    send(ctx, pages.loginToOrganization(ctx))
  })
  router.get(PATHS.emailCode, async (ctx) => {
    send(ctx, pages.emailCode(ctx, await mfa.loginState(ctx)))
  })
  router.get(PATHS.organizations, async (ctx) => {
    send(ctx, organizations.picker(ctx, await mfa.loginState(ctx)))
  })
  router.get(PATHS.mfa, async (ctx) => {
    send(ctx, await pages.mfa(ctx, await mfa.loginState(ctx)))
  })
  // A session is enough: an organization without MFA gives none, and /admin would ask for one.
  router.get(PATHS.switcher, async (ctx) => {
    send(ctx, await organizations.switcher(ctx, () => mfa.memberOrganizations(ctx)))
  })
  for (const [path, step] of FLOW_ROUTES) router.post(path, mfa[step]())

  const guard = mfa.requireMfa()
  router.get(PATHS.admin, guard, (ctx) => {
    send(ctx, pages.admin(ctx, mfa.memberSession(ctx)))
  })
  router.get(PATHS.members, guard, async (ctx) => {
    send(ctx, await pages.members(ctx, mfa.memberSession(ctx)))
  })
  router.post(PATHS.resetMfa, async (ctx) => {
    const memberId = await readMemberId(ctx.req)
    send(ctx, await pages.resetMfa(memberId, (input) => mfa.resetMemberMfa(ctx, input)))
  })
  router.get(PATHS.reports, mfa.requireMfa({ permission: REPORTS_PERMISSION }), (ctx) => {
    send(ctx, pages.reports(mfa.memberSession(ctx)))
  })
  router.get(PATHS.me, guard, (ctx) => {
    ctx.body = pages.me(mfa.memberSession(ctx))
  })
  router.get(PATHS.security, guard, async (ctx) => {
    send(ctx, await security.security(ctx, mfa.memberSession(ctx)))
  })
  router.get(PATHS.securityApp, guard, async (ctx) => {
    send(ctx, await security.appSetup(ctx, slotOf(ctx)))
  })
  for (const { path, step, render } of [...security.steps(mfa), ...organizations.steps(mfa)]) {
    router.post(path, async (ctx) => {
      send(ctx, render(await answerOf(step, ctx), slotOf(ctx)))
    })
  }
  app.use(router.routes())

  // No route answered.
  app.use((ctx) => {
    send(ctx, pages.notFound())
  })

  return { app, mfa }
}
