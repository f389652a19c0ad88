/**
 * The session middleware an app mounts must not undo the library's cookie hardening: Stytch's
 * tokens never ride in a client cookie (koa-session without a store), and a session cookie
 * without HttpOnly and SameSite is pointed out, once.
 */
import type { RequestListener } from 'node:http'
import Router from '@koa/router'
import express from 'express'
import express4 from 'express4'
import session from 'express-session'
import Koa from 'koa'
import Koa2 from 'koa2'
import koaSession from 'koa-session'
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { SESSION_WARNING_CODE } from '../../src/core/session-store.js'
import { createStytchMfa, type MfaEvent } from '../../src/express/index.js'
import { createStytchMfa as createKoaStytchMfa } from '../../src/koa/index.js'
import { SECRET, koaListener, libraryOptions } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { koaMemoryStore } from '../helpers/koa-memory-store.js'
import { ADMIN } from '../helpers/seed.js'
import { passEmailStep, signIn } from '../helpers/sign-in.js'

const emulator = useEmulator()

type Storage = 'auto' | 'server'

interface Built {
  readonly listener: RequestListener
  readonly admitted: Map<string, number>
  readonly events: MfaEvent[]
}

function routesOf<T>(
  add: (method: 'post' | 'get', path: string, ...handlers: T[]) => void,
  mfa: {
    sendEmailOtp(): T
    verifyEmailOtp(): T
    sendSmsOtp(): T
    verifySmsOtp(): T
    logout(): T
    requireMfa(): T
  },
  admit: T,
): void {
  add('post', '/auth/email/send', mfa.sendEmailOtp())
  add('post', '/auth/email/verify', mfa.verifyEmailOtp())
  add('post', '/auth/sms/send', mfa.sendSmsOtp())
  add('post', '/auth/sms/verify', mfa.verifySmsOtp())
  add('post', '/auth/logout', mfa.logout())
  add('get', '/admin', mfa.requireMfa(), admit)
}

function expressApp(
  factory: typeof express,
  storage: Storage,
  cookie: session.CookieOptions | undefined,
): Built {
  const events: MfaEvent[] = []
  const admitted = new Map<string, number>()
  const mfa = createStytchMfa(
    libraryOptions(emulator.current, events, { options: { sessionStorage: storage } }),
  )
  const app = factory()
  app.set('trust proxy', 'loopback')
  app.use(
    session({
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      ...(cookie === undefined ? {} : { name: '__Host-sid', cookie }),
    }),
  )
  routesOf(
    (method, path, ...handlers) => app[method](path, ...handlers),
    mfa,
    (_req, res) => {
      admitted.set('/admin', (admitted.get('/admin') ?? 0) + 1)
      res.json({ ok: true })
    },
  )
  return { listener: app, admitted, events }
}

function koaApp(KoaApp: typeof Koa, storage: Storage, store: boolean): Built {
  const events: MfaEvent[] = []
  const admitted = new Map<string, number>()
  const mfa = createKoaStytchMfa(
    libraryOptions(emulator.current, events, { options: { sessionStorage: storage } }),
  )
  const app = new KoaApp({ proxy: true, maxIpsCount: 1, keys: [SECRET] })
  app.silent = true
  app.use(
    koaSession(
      { secure: false, sameSite: 'lax', ...(store ? { store: koaMemoryStore() } : {}) },
      app,
    ),
  )
  const router = new Router()
  routesOf(
    (method, path, ...handlers) => router[method](path, ...handlers),
    mfa,
    (ctx) => {
      admitted.set('/admin', (admitted.get('/admin') ?? 0) + 1)
      ctx.body = { ok: true }
    },
  )
  app.use(router.routes())
  return { listener: koaListener(app), admitted, events }
}

let warnings: MockInstance<typeof process.emitWarning>

beforeEach(() => {
  warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
})

afterEach(() => {
  warnings.mockRestore()
})

function sessionWarnings(): string[] {
  return warnings.mock.calls
    .filter(([, options]) => options?.code === SESSION_WARNING_CODE)
    .map(([message]) => String(message))
}

/** Every value of every cookie the client holds, decoded as koa-session would. */
function cookieContents(client: Client): string {
  return client.jar
    .names()
    .map((name) => {
      const value = client.jar.get(name) ?? ''
      return `${value} ${Buffer.from(value, 'base64').toString('utf8')}`
    })
    .join('\n')
}

describe.each([
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
] as const)('koa-session on %s', (_name, KoaApp) => {
  describe('without a store (the session data rides in its cookie)', () => {
    it('keeps Stytch tokens out of the koa-session cookie under the default storage, in the library’s hardened cookies instead, and warns once', async () => {
      const app = koaApp(KoaApp, 'auto', false)
      const client = await signIn(app, emulator.current)
      const token = client.jar.get('__Host-stytch_session')
      const jwt = client.jar.get('__Host-stytch_session_jwt')
      expect(token).toBeDefined()
      expect(jwt).toBeDefined()
      const elsewhere = client.jar
        .names()
        .filter((name) => !name.startsWith('__Host-stytch'))
        .map((name) => client.jar.get(name) ?? '')
      for (const value of elsewhere) {
        const decoded = Buffer.from(value, 'base64').toString('utf8')
        for (const secret of [token ?? '', jwt ?? '']) {
          expect(value).not.toContain(secret)
          expect(decoded).not.toContain(secret)
        }
      }
      expect((await client.get('/admin')).status).toBe(200)
      expect(sessionWarnings()).toHaveLength(1)
      expect(sessionWarnings()[0]).toMatch(/koa-session without a store/)
    })

    it('refuses server storage before any code is sent: 500 configuration_error, nothing spent, no token anywhere', async () => {
      const app = koaApp(KoaApp, 'server', false)
      const client = new Client(app.listener)
      const sends = emulator.current.calls('/v1/b2b/otps/email/login_or_signup')
      const res = await client.post('/auth/email/send', {
        email: ADMIN.email,
        organization: 'acme',
      })
      expect(res.status).toBe(500)
      expect(emulator.current.calls('/v1/b2b/otps/email/login_or_signup')).toBe(sends)
      expect(app.events).toContainEqual(
        expect.objectContaining({ type: 'request_refused', code: 'configuration_error' }),
      )
      expect(cookieContents(client)).not.toMatch(/stytch/)
    })
  })

  describe('with a store', () => {
    it('keeps the member session server-side and warns about nothing', async () => {
      const app = koaApp(KoaApp, 'server', true)
      const client = await signIn(app, emulator.current)
      expect(client.jar.get('__Host-stytch_session')).toBeUndefined()
      expect((await client.get('/admin')).status).toBe(200)
      expect(sessionWarnings()).toEqual([])
    })
  })
})

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
] as const)('express-session on %s', (_name, factory) => {
  it('warns once when the session cookie lacks SameSite, and still signs in', async () => {
    const app = expressApp(factory, 'auto', undefined)
    const client = await signIn(app, emulator.current)
    expect((await client.get('/admin')).status).toBe(200)
    expect((await client.get('/admin')).status).toBe(200)
    expect(sessionWarnings()).toHaveLength(1)
    expect(sessionWarnings()[0]).toMatch(/HttpOnly or SameSite/)
  })

  it('warns about nothing with the hardened cookie the README shows', async () => {
    const app = expressApp(factory, 'server', { httpOnly: true, sameSite: 'lax', secure: 'auto' })
    const client = new Client(app.listener)
    await passEmailStep(client, emulator.current)
    const res = await client.post('/auth/sms/verify', {
      code: emulator.current.lastCode(ADMIN.phone),
    })
    expect(res.status).toBe(200)
    expect(client.jar.names()).toContain('__Host-sid')
    expect(client.jar.get('__Host-stytch_session')).toBeUndefined()
    expect((await client.get('/admin')).status).toBe(200)
    expect(sessionWarnings()).toEqual([])
  })
})
