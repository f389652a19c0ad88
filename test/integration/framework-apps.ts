/**
 * Apps built per test for what the shared test apps fix in place: the body parser mounted in
 * front of the library and the framework's proxy settings. The same sign-in routes and one
 * guarded route on every framework.
 */
import type { RequestListener } from 'node:http'
import Router from '@koa/router'
import type { RequestHandler } from 'express'
import express from 'express'
import express4 from 'express4'
import type { Middleware } from 'koa'
import Koa from 'koa'
import Koa2 from 'koa2'
import type { Emulator } from '../../src/emulator/index.js'
import { createStytchMfa, type MfaEvent, type StytchMfaOptions } from '../../src/express/index.js'
import { createStytchMfa as createKoaStytchMfa } from '../../src/koa/index.js'
import { SECRET, libraryOptions } from '../helpers/apps.js'

export const FRAMEWORKS = ['Express 5', 'Express 4', 'Koa 3', 'Koa 2'] as const
export type FrameworkName = (typeof FRAMEWORKS)[number]

export function isExpress(framework: FrameworkName): framework is 'Express 5' | 'Express 4' {
  return framework.startsWith('Express')
}

/** How the app around the library is set up. */
export interface AppSetup {
  /** Express middleware mounted on the whole app before the library, as apps mount parsers. */
  readonly express?: readonly RequestHandler[]
  /** Koa middleware mounted on the whole app before the library. */
  readonly koa?: readonly Middleware[]
  /** Express `trust proxy`. @default 'loopback' */
  readonly trustProxy?: boolean | number | string
  /** Koa `proxy`, `maxIpsCount` and `proxyIpHeader`. @default { proxy: true, maxIpsCount: 1 } */
  readonly koaProxy?: {
    readonly proxy: boolean
    readonly maxIpsCount?: number
    readonly proxyIpHeader?: string
  }
  /** Extra library options. */
  readonly options?: Partial<StytchMfaOptions>
}

export interface BuiltApp {
  readonly listener: RequestListener
  readonly events: MfaEvent[]
}

const STEPS = [
  ['/auth/email/send', 'sendEmailOtp'],
  ['/auth/email/verify', 'verifyEmailOtp'],
  ['/auth/sms/send', 'sendSmsOtp'],
  ['/auth/sms/verify', 'verifySmsOtp'],
] as const

export function buildApp(
  framework: FrameworkName,
  emulator: Emulator,
  setup: AppSetup = {},
): BuiltApp {
  const events: MfaEvent[] = []
  const options = libraryOptions(emulator, events, { options: setup.options ?? {} })
  if (isExpress(framework)) {
    const mfa = createStytchMfa(options)
    const app = framework === 'Express 4' ? express4() : express()
    app.set('trust proxy', setup.trustProxy ?? 'loopback')
    for (const parser of setup.express ?? []) app.use(parser)
    for (const [path, step] of STEPS) app.post(path, mfa[step]())
    app.get('/admin', mfa.requireMfa(), (req, res) => {
      res.json({ memberId: mfa.memberSession(req)?.memberId })
    })
    return { listener: app, events }
  }
  const mfa = createKoaStytchMfa(options)
  const KoaApp = framework === 'Koa 2' ? Koa2 : Koa
  const app = new KoaApp({ proxy: true, maxIpsCount: 1, ...setup.koaProxy, keys: [SECRET] })
  app.silent = true
  for (const parser of setup.koa ?? []) app.use(parser)
  const router = new Router()
  for (const [path, step] of STEPS) router.post(path, mfa[step]())
  router.get('/admin', mfa.requireMfa(), (ctx) => {
    ctx.body = { memberId: mfa.memberSession(ctx)?.memberId }
  })
  app.use(router.routes())
  const callback = app.callback()
  return {
    listener: (req, res) => {
      void callback(req, res)
    },
    events,
  }
}
