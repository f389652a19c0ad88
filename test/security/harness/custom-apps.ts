/**
 * Apps the shared test harness does not build: the same library with the framework's proxy
 * trust left off (a deployment that does not sit behind a proxy), for the M5 cases.
 */
import Router from '@koa/router'
import express from 'express'
import express4 from 'express4'
import Koa from 'koa'
import Koa2 from 'koa2'
import type { Emulator } from '../../../src/emulator/index.js'
import type { MfaEvent } from '../../../src/core/events.js'
import { createStytchMfa } from '../../../src/express/index.js'
import { createStytchMfa as createKoaStytchMfa } from '../../../src/koa/index.js'
import { koaListener, libraryOptions, type AppSpec, type TestApp } from '../../helpers/apps.js'

/** The email step of `framework` with `trust proxy` / `app.proxy` off. */
export function untrustedProxyApp(framework: string, emulator: Emulator, spec: AppSpec): TestApp {
  const events: MfaEvent[] = []
  const admitted = new Map<string, number>()
  const options = libraryOptions(emulator, events, spec)
  if (framework.startsWith('Express')) {
    const mfa = createStytchMfa(options)
    const app = framework === 'Express 4' ? express4() : express()
    app.post('/auth/email/send', mfa.sendEmailOtp())
    app.get('/login-state', (req, res, next) => {
      mfa.loginState(req).then((state) => res.json(state), next)
    })
    return { listener: app, admitted, events }
  }
  const mfa = createKoaStytchMfa(options)
  const app = framework === 'Koa 2' ? new Koa2() : new Koa()
  app.silent = true
  const router = new Router()
  router.post('/auth/email/send', mfa.sendEmailOtp())
  router.get('/login-state', async (ctx) => {
    ctx.body = await mfa.loginState(ctx)
  })
  app.use(router.routes())
  return { listener: koaListener(app), admitted, events }
}
