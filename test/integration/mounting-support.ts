/**
 * One app per way of mounting requireMfa(), on every framework, and a client that sends the
 * request target byte for byte: the path variants below are what an attacker types, and an HTTP
 * client that normalises them would test something else.
 */
import { createServer, request, type RequestListener } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express, { type Express, type RequestHandler } from 'express'
import express4 from 'express4'
import Router from '@koa/router'
import Koa, { type Middleware } from 'koa'
import Koa2 from 'koa2'
import { afterAll, beforeAll } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { createStytchMfa } from '../../src/express/index.js'
import { createStytchMfa as createKoaStytchMfa } from '../../src/koa/index.js'
import { SECRET, libraryOptions } from '../helpers/apps.js'
import { listenOnLoopback } from '../helpers/processes.js'

/** What the handler and the static file answer: an anonymous response containing it is a leak. */
export const HANDLER_PAGE = 'admin users page'
export const STATIC_PAGE = 'admin users static file'

/** The guarded resource: a handler route `/admin/users`, or the file `<dir>/admin/users`. */
export const CANONICAL = '/admin/users'

/** Spellings of CANONICAL that some layer of some stack may read as the same resource. */
export const VARIANTS: readonly string[] = [
  '/ADMIN/users',
  '/Admin/users',
  '/admin/USERS',
  '/%61dmin/users',
  '/admin/%75sers',
  '/%2561dmin/users',
  '/admin%2Fusers',
  '/admin%2fusers',
  '/%2fadmin/users',
  '/admin/users%2F',
  '//admin/users',
  '/admin//users',
  '/./admin/users',
  '/%2e/admin/users',
  '/admin/./users',
  '/x/../admin/users',
  '/admin/x/../users',
  '/admin;x/users',
  '/admin/users;x',
  '/admin/users/',
  '/admin/users?x',
  '/admin/users#x',
  '/admin/users%00',
  '/admin/users%20',
  '/admin/users.',
  '/admin./users',
  '/admin\\users',
  // Absolute-form request target: Node accepts it and both frameworks route on its path.
  'http://admin.example.test/admin/users',
  'http://admin.example.test/ADMIN/users',
]

export interface Outcome {
  readonly target: string
  readonly status: number
  readonly body: string
}

/** Sends each target as is, as an anonymous API client, on one real port. */
export async function sendRaw(
  listener: RequestListener,
  targets: readonly string[],
): Promise<Outcome[]> {
  const { port, close } = await listenOnLoopback(createServer(listener))
  try {
    const outcomes: Outcome[] = []
    for (const target of targets) outcomes.push(await getOnce(port, target))
    return outcomes
  } finally {
    await close()
  }
}

function getOnce(port: number, target: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: target,
        // A connection per request: a kept-alive socket would hold server.close() for seconds.
        agent: false,
        headers: { accept: 'application/json', 'x-forwarded-proto': 'https' },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => {
          resolve({ target, status: res.statusCode ?? 0, body })
        })
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** A directory with `admin/users` in it, for the compositions that serve files. */
export function useStaticFiles(): { readonly dir: string } {
  const holder = { dir: '' }
  beforeAll(() => {
    holder.dir = mkdtempSync(join(tmpdir(), 'mounting-'))
    mkdirSync(join(holder.dir, 'admin'))
    writeFileSync(join(holder.dir, 'admin', 'users'), STATIC_PAGE)
  })
  afterAll(() => {
    rmSync(holder.dir, { recursive: true, force: true })
  })
  return holder
}

export interface MountedApp {
  readonly listener: RequestListener
  /** How many requests the handler behind the guard answered. */
  readonly reached: () => number
}

export interface ExpressParts {
  readonly app: Express
  readonly express: typeof express
  readonly guard: RequestHandler
  readonly handler: RequestHandler
  /** Holds `admin/users`. */
  readonly dir: string
}

export interface KoaParts {
  readonly app: Koa
  readonly guard: Middleware
  readonly handler: Middleware
  readonly dir: string
}

export type Composition<Parts> = (parts: Parts) => void

export interface Framework<Parts> {
  readonly name: string
  build(emulator: Emulator, dir: string, compose: Composition<Parts>): MountedApp
}

/** The login routes come first and are never guarded, so signIn() works on every composition. */
function buildExpress(
  factory: typeof express,
  emulator: Emulator,
  dir: string,
  compose: Composition<ExpressParts>,
): MountedApp {
  const mfa = createStytchMfa(libraryOptions(emulator, [], {}))
  const app = factory()
  app.set('trust proxy', 'loopback')
  app.post('/auth/email/send', mfa.sendEmailOtp())
  app.post('/auth/email/verify', mfa.verifyEmailOtp())
  app.post('/auth/sms/verify', mfa.verifySmsOtp())
  let reached = 0
  const handler: RequestHandler = (req, res) => {
    reached += 1
    res.json({ page: HANDLER_PAGE, memberId: mfa.memberSession(req)?.memberId })
  }
  compose({ app, express: factory, guard: mfa.requireMfa(), handler, dir })
  return { listener: app, reached: () => reached }
}

function buildKoa(
  KoaApp: typeof Koa,
  emulator: Emulator,
  dir: string,
  compose: Composition<KoaParts>,
): MountedApp {
  const mfa = createKoaStytchMfa(libraryOptions(emulator, [], {}))
  const app = new KoaApp({ proxy: true, maxIpsCount: 1, keys: [SECRET] })
  app.silent = true
  const auth = new Router()
  auth.post('/auth/email/send', mfa.sendEmailOtp())
  auth.post('/auth/email/verify', mfa.verifyEmailOtp())
  auth.post('/auth/sms/verify', mfa.verifySmsOtp())
  app.use(auth.routes())
  let reached = 0
  const handler: Middleware = (ctx) => {
    reached += 1
    ctx.body = { page: HANDLER_PAGE, memberId: mfa.memberSession(ctx)?.memberId }
  }
  compose({ app, guard: mfa.requireMfa(), handler, dir })
  const callback = app.callback()
  return {
    listener: (req, res) => {
      void callback(req, res)
    },
    reached: () => reached,
  }
}

export const expressFrameworks: readonly Framework<ExpressParts>[] = [
  { name: 'Express 5', build: (emulator, dir, c) => buildExpress(express, emulator, dir, c) },
  { name: 'Express 4', build: (emulator, dir, c) => buildExpress(express4, emulator, dir, c) },
]

export const koaFrameworks: readonly Framework<KoaParts>[] = [
  { name: 'Koa 3', build: (emulator, dir, c) => buildKoa(Koa, emulator, dir, c) },
  { name: 'Koa 2', build: (emulator, dir, c) => buildKoa(Koa2, emulator, dir, c) },
]
