/**
 * `memberSession()` answers for its own instance only. The attack: an app runs two
 * `createStytchMfa()` with different rules, guards a route with instance A and reads the member
 * with instance B (say a shared layout, or code moved between routers); B must not hand out a
 * session its own rules never admitted.
 */
import type { RequestListener } from 'node:http'
import Router from '@koa/router'
import type { Request } from 'express'
import express from 'express'
import express4 from 'express4'
import type { Context } from 'koa'
import Koa from 'koa'
import Koa2 from 'koa2'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { createStytchMfa, type MfaEvent, type StytchMfaOptions } from '../../src/express/index.js'
import { createStytchMfa as createKoaStytchMfa } from '../../src/koa/index.js'
import { SECRET, koaListener, libraryOptions } from '../helpers/apps.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { signIn } from '../helpers/sign-in.js'
import { FRAMEWORKS, isExpress, type FrameworkName } from './framework-apps.js'

const emulator = useEmulator()

/** Each route: the guards in front, by instance and with which organizations they admit. */
const ROUTES = [
  ['/a/acme', [['a', ['acme']]]],
  ['/b/beta', [['b', ['beta']]]],
  ['/b/any', [['b', undefined]]],
  [
    '/a-then-b',
    [
      ['a', ['acme']],
      ['b', undefined],
    ],
  ],
] as const

interface Read {
  readonly a: string | null
  readonly b: string | null
  readonly property: string | null
}

function optionsOf(emulator: Emulator): StytchMfaOptions {
  const events: MfaEvent[] = []
  return libraryOptions(emulator, events, {})
}

function guardOptions(organizations: readonly string[] | undefined) {
  return organizations === undefined ? {} : { organizationSlugs: [...organizations] }
}

/** Sign-in routes from instance A, then the guarded routes, each answering what both read. */
function buildTwoInstances(framework: FrameworkName, emulator: Emulator): RequestListener {
  if (isExpress(framework)) {
    const mfa = { a: createStytchMfa(optionsOf(emulator)), b: createStytchMfa(optionsOf(emulator)) }
    const app = framework === 'Express 4' ? express4() : express()
    app.set('trust proxy', 'loopback')
    app.post('/auth/email/send', mfa.a.sendEmailOtp())
    app.post('/auth/email/verify', mfa.a.verifyEmailOtp())
    app.post('/auth/sms/verify', mfa.a.verifySmsOtp())
    const read = (req: Request): Read => ({
      a: mfa.a.memberSession(req)?.memberId ?? null,
      b: mfa.b.memberSession(req)?.memberId ?? null,
      property: req.stytchMemberSession?.memberId ?? null,
    })
    for (const [path, guards] of ROUTES) {
      const chain = guards.map(([which, orgs]) => mfa[which].requireMfa(guardOptions(orgs)))
      app.get(path, ...chain, (req, res) => {
        res.json(read(req))
      })
    }
    return app
  }
  const mfa = {
    a: createKoaStytchMfa(optionsOf(emulator)),
    b: createKoaStytchMfa(optionsOf(emulator)),
  }
  const KoaApp = framework === 'Koa 2' ? Koa2 : Koa
  const app = new KoaApp({ proxy: true, maxIpsCount: 1, keys: [SECRET] })
  app.silent = true
  const router = new Router()
  router.post('/auth/email/send', mfa.a.sendEmailOtp())
  router.post('/auth/email/verify', mfa.a.verifyEmailOtp())
  router.post('/auth/sms/verify', mfa.a.verifySmsOtp())
  const read = (ctx: Context): Read => ({
    a: mfa.a.memberSession(ctx)?.memberId ?? null,
    b: mfa.b.memberSession(ctx)?.memberId ?? null,
    property: ctx.state.stytchMemberSession?.memberId ?? null,
  })
  for (const [path, guards] of ROUTES) {
    const chain = guards.map(([which, orgs]) => mfa[which].requireMfa(guardOptions(orgs)))
    router.get(path, ...chain, (ctx) => {
      ctx.body = read(ctx)
    })
  }
  app.use(router.routes())
  return koaListener(app)
}

describe.each(FRAMEWORKS)('memberSession() of two instances in one app on %s', (framework) => {
  it("reads undefined from instance B for a session only instance A's guard admitted", async () => {
    const listener = buildTwoInstances(framework, emulator.current)
    const client = await signIn({ listener, admitted: new Map(), events: [] }, emulator.current)
    const res = await client.get('/a/acme')
    expect(res.status).toBe(200)
    const member = res.body.a as string
    expect(member).toMatch(/^member-/)
    expect(res.body).toEqual({ a: member, b: null, property: member })
  })

  it("would not have admitted the session under B's own rules", async () => {
    const listener = buildTwoInstances(framework, emulator.current)
    const client = await signIn({ listener, admitted: new Map(), events: [] }, emulator.current)
    expect((await client.get('/b/beta')).status).toBe(403)
  })

  it("reads undefined from instance A for a session only instance B's guard admitted", async () => {
    const listener = buildTwoInstances(framework, emulator.current)
    const client = await signIn({ listener, admitted: new Map(), events: [] }, emulator.current)
    const res = await client.get('/b/any')
    expect(res.status).toBe(200)
    expect(res.body.a).toBeNull()
    expect(res.body.b).toMatch(/^member-/)
  })

  it('reads the session from each instance whose guard admitted it', async () => {
    const listener = buildTwoInstances(framework, emulator.current)
    const client = await signIn({ listener, admitted: new Map(), events: [] }, emulator.current)
    const res = await client.get('/a-then-b')
    expect(res.status).toBe(200)
    const member = res.body.a as string
    expect(member).toMatch(/^member-/)
    expect(res.body).toEqual({ a: member, b: member, property: member })
  })
})
