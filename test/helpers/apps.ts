/**
 * Test apps: the same routes on every framework, so one scenario runs on all of them.
 * A sentinel counts every request a guard let through.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import express from 'express'
import express4 from 'express4'
import session from 'express-session'
import Router from '@koa/router'
import Koa from 'koa'
import Koa2 from 'koa2'
import koaSession from 'koa-session'
import { RedisStore } from 'connect-redis'
import type { RedisClientType } from 'redis'
import { koaRedisSessionStore } from '../../example-app/koa-redis-store.js'
import { koaMemoryStore } from './koa-memory-store.js'
import { redisLimitStore } from '../../src/limits/index.js'
import type { Emulator } from '../../src/emulator/index.js'
import {
  createStytchMfa,
  type MfaEvent,
  type RequireMfaOptions,
  type StytchMfaOptions,
} from '../../src/express/index.js'
import { createStytchMfa as createKoaStytchMfa } from '../../src/koa/index.js'

export const ORIGIN = 'https://admin.example.test'
export const SECRET = 'test-cookie-secret-0123456789-abcdefghijklmnop'

export interface AppSpec {
  /** Where member sessions live. @default 'cookie' */
  readonly storage?: 'cookie' | 'server'
  /** Extra library options. */
  readonly options?: Partial<StytchMfaOptions>
  /** Share sessions (with `storage: 'server'`) and limits through this Redis. */
  readonly redis?: RedisClientType
  /** Guarded routes beyond the usual ones, with their requireMfa() options. */
  readonly guarded?: readonly (readonly [string, RequireMfaOptions])[]
}

/** For scenarios that resend at once: the SMS cooldown has its own tests. */
export const NO_COOLDOWN: AppSpec = { options: { limits: { smsCooldownSeconds: 0 } } }

export interface TestApp {
  readonly listener: RequestListener
  /** Requests a guard admitted, by path. */
  readonly admitted: Map<string, number>
  readonly events: MfaEvent[]
}

export interface Framework {
  readonly name: string
  build(emulator: Emulator, spec?: AppSpec): TestApp
}

function limitsOf(spec: AppSpec): StytchMfaOptions['limits'] {
  if (spec.redis === undefined) return spec.options?.limits
  return {
    ...spec.options?.limits,
    store: redisLimitStore(spec.redis, { useRedisPackage: true, keyPrefix: 'test' }),
  }
}

export function libraryOptions(
  emulator: Emulator,
  events: MfaEvent[],
  spec: AppSpec,
): StytchMfaOptions {
  return {
    stytch: {
      projectId: emulator.projectId,
      secret: emulator.secret,
      baseUrl: emulator.url,
      timeoutMs: 1000,
    },
    cookieSecrets: [SECRET],
    origin: ORIGIN,
    sessionStorage: spec.storage ?? 'cookie',
    onEvent: (event) => events.push(event),
    now: () => emulator.now(),
    // The startup check is a Stytch call of its own: the tests count calls.
    selfCheck: false,
    // Tests provoke upstream failures on purpose; a test about the log passes a logger.
    logger: false,
    ...spec.options,
    limits: limitsOf(spec),
  }
}

/** The guarded routes of every test app, with their requireMfa() options. */
const GUARDED: readonly (readonly [string, RequireMfaOptions])[] = [
  ['/admin', {}],
  ['/admin/fresh', { maxAge: '10m' }],
  ['/admin/sms-only', { factors: ['sms'] }],
  ['/admin/strict', { checkWithStytch: true }],
  ['/admin/other-org', { organizationSlugs: ['other'] }],
  ['/admin/acme', { organizationSlugs: ['acme'] }],
  ['/admin/role', { roles: ['stytch_admin'] }],
]

/** What the admin reset route removes: whichever factors the member has. */
const RESET_FACTORS = ['sms', 'totp'] as const

function buildExpress(factory: typeof express, emulator: Emulator, spec: AppSpec = {}): TestApp {
  const events: MfaEvent[] = []
  const admitted = new Map<string, number>()
  const mfa = createStytchMfa(libraryOptions(emulator, events, spec))
  const app = factory()
  app.set('trust proxy', 'loopback')
  if (spec.storage === 'server') {
    app.use(
      session({
        secret: SECRET,
        resave: false,
        saveUninitialized: false,
        cookie: { secure: 'auto', sameSite: 'lax' },
        ...(spec.redis === undefined ? {} : { store: new RedisStore({ client: spec.redis }) }),
      }),
    )
  }
  app.post('/auth/email/send', mfa.sendEmailOtp())
  app.post('/auth/email/verify', mfa.verifyEmailOtp())
  app.post('/auth/sms/send', mfa.sendSmsOtp())
  app.post('/auth/sms/verify', mfa.verifySmsOtp())
  app.post('/auth/totp/enrol', mfa.enrolTotp())
  app.post('/auth/totp/verify', mfa.verifyTotp())
  app.post('/auth/recovery/verify', mfa.recoverWithCode())
  app.post('/auth/recovery/rotate', mfa.rotateRecoveryCodes())
  app.post('/auth/logout', mfa.logout())
  app.post('/auth/discovery/send', mfa.sendDiscoveryEmailOtp())
  app.post('/auth/discovery/verify', mfa.verifyDiscoveryEmailOtp())
  app.post('/auth/discovery/select', mfa.selectOrganization())
  app.post('/auth/organizations/switch', mfa.switchOrganization())
  app.get('/login-state', (req, res, next) => {
    mfa.loginState(req).then((state) => res.json(state), next)
  })
  app.get('/organizations', (req, res, next) => {
    mfa.memberOrganizations(req).then((list) => res.json(list), next)
  })
  app.post('/admin/members/:memberId/reset-mfa', (req, res, next) => {
    mfa
      .resetMemberMfa(req, { memberId: req.params.memberId, factors: RESET_FACTORS })
      .then((reset) => res.json(reset), next)
  })
  for (const [path, options] of [...GUARDED, ...(spec.guarded ?? [])]) {
    const guard = mfa.requireMfa(options)
    app.all(path, guard, (req, res) => {
      admitted.set(path, (admitted.get(path) ?? 0) + 1)
      const session = mfa.memberSession(req)
      res.json({ memberId: session?.memberId, organizationId: session?.organizationId })
    })
  }
  return { listener: app, admitted, events }
}

function buildKoa(KoaApp: typeof Koa, emulator: Emulator, spec: AppSpec = {}): TestApp {
  const events: MfaEvent[] = []
  const admitted = new Map<string, number>()
  const mfa = createKoaStytchMfa(libraryOptions(emulator, events, spec))
  const app = new KoaApp({ proxy: true, maxIpsCount: 1, keys: [SECRET] })
  app.silent = true
  if (spec.storage === 'server') {
    const store = spec.redis === undefined ? koaMemoryStore() : koaRedisSessionStore(spec.redis)
    app.use(koaSession({ secure: false, sameSite: 'lax', store }, app))
  }
  const router = new Router()
  router.post('/auth/email/send', mfa.sendEmailOtp())
  router.post('/auth/email/verify', mfa.verifyEmailOtp())
  router.post('/auth/sms/send', mfa.sendSmsOtp())
  router.post('/auth/sms/verify', mfa.verifySmsOtp())
  router.post('/auth/totp/enrol', mfa.enrolTotp())
  router.post('/auth/totp/verify', mfa.verifyTotp())
  router.post('/auth/recovery/verify', mfa.recoverWithCode())
  router.post('/auth/recovery/rotate', mfa.rotateRecoveryCodes())
  router.post('/auth/logout', mfa.logout())
  router.post('/auth/discovery/send', mfa.sendDiscoveryEmailOtp())
  router.post('/auth/discovery/verify', mfa.verifyDiscoveryEmailOtp())
  router.post('/auth/discovery/select', mfa.selectOrganization())
  router.post('/auth/organizations/switch', mfa.switchOrganization())
  router.get('/login-state', async (ctx) => {
    ctx.body = await mfa.loginState(ctx)
  })
  router.get('/organizations', async (ctx) => {
    ctx.body = await mfa.memberOrganizations(ctx)
  })
  router.post('/admin/members/:memberId/reset-mfa', async (ctx) => {
    ctx.body = await mfa.resetMemberMfa(ctx, {
      memberId: ctx.params.memberId ?? '',
      factors: RESET_FACTORS,
    })
  })
  for (const [path, options] of [...GUARDED, ...(spec.guarded ?? [])]) {
    router.all(path, mfa.requireMfa(options), (ctx) => {
      admitted.set(path, (admitted.get(path) ?? 0) + 1)
      const session = mfa.memberSession(ctx)
      ctx.body = { memberId: session?.memberId, organizationId: session?.organizationId }
    })
  }
  app.use(router.routes())
  return { listener: koaListener(app), admitted, events }
}

/** A Koa app (2 or 3) as a Node request listener. */
export function koaListener(app: {
  callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>
}): RequestListener {
  const callback = app.callback()
  return (req, res) => {
    void callback(req, res)
  }
}

export const frameworks: readonly Framework[] = [
  { name: 'Express 5', build: (emulator, spec) => buildExpress(express, emulator, spec) },
  { name: 'Express 4', build: (emulator, spec) => buildExpress(express4, emulator, spec) },
  { name: 'Koa 3', build: (emulator, spec) => buildKoa(Koa, emulator, spec) },
  { name: 'Koa 2', build: (emulator, spec) => buildKoa(Koa2, emulator, spec) },
]
