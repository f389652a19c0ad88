/**
 * Where requireMfa() sits decides what it covers. Each composition here gets the attacker's path
 * variants of `/admin/users` sent byte for byte, anonymously: the unsafe ones are kept to prove
 * docs/mounting.md's warnings still hold, the safe ones must answer every variant with the guard
 * or with 404.
 */
import { join } from 'node:path'
import Router from '@koa/router'
import compose from 'koa-compose'
import mount from 'koa-mount'
import serve from 'koa-static'
import { describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/apps.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { signIn } from '../helpers/sign-in.js'
import {
  CANONICAL,
  HANDLER_PAGE,
  STATIC_PAGE,
  VARIANTS,
  expressFrameworks,
  koaFrameworks,
  sendRaw,
  useStaticFiles,
  type Composition,
  type ExpressParts,
  type Framework,
  type KoaParts,
  type MountedApp,
} from './mounting-support.js'

const emulator = useEmulator()
const files = useStaticFiles()

interface Pattern<Parts> {
  readonly name: string
  readonly compose: Composition<Parts>
  /** What a signed-in member gets at CANONICAL. */
  readonly serves: 'handler' | 'file'
}

interface Pitfall<Parts> extends Pattern<Parts> {
  /** Variants that reach the handler or file anonymously while CANONICAL is guarded. */
  readonly leaks: readonly string[]
}

const EXPRESS_SAFE: readonly Pattern<ExpressParts>[] = [
  {
    name: 'the guard on the route: app.get(path, guard, handler)',
    compose: ({ app, guard, handler }) => {
      app.get('/admin/users', guard, handler)
    },
    serves: 'handler',
  },
  {
    name: 'the guard on the route of an express.Router()',
    compose: ({ app, express, guard, handler }) => {
      const router = express.Router()
      router.get('/admin/users', guard, handler)
      app.use(router)
    },
    serves: 'handler',
  },
  {
    name: 'the guard first in an express.Router() mounted at /admin',
    compose: ({ app, express, guard, handler }) => {
      const admin = express.Router()
      admin.use(guard)
      admin.get('/users', handler)
      app.use('/admin', admin)
    },
    serves: 'handler',
  },
  {
    name: "the guard and express.static() in one app.use('/admin', guard, static)",
    compose: ({ app, express, guard, dir }) => {
      app.use('/admin', guard, express.static(join(dir, 'admin')))
    },
    serves: 'file',
  },
  {
    name: "app.use('/admin', guard) before routes of the same app",
    compose: ({ app, guard, handler }) => {
      app.use('/admin', guard)
      app.get('/admin/users', handler)
    },
    serves: 'handler',
  },
]

const EXPRESS_PITFALLS: readonly Pitfall<ExpressParts>[] = [
  {
    name: "app.use('/admin', guard) then app.use(express.static(dir))",
    compose: ({ app, express, guard, dir }) => {
      app.use('/admin', guard)
      app.use(express.static(dir))
    },
    serves: 'file',
    // Express matches the prefix on the raw path; serve-static decodes and normalises it.
    leaks: [
      '/%61dmin/users',
      '/admin%2Fusers',
      '/%2fadmin/users',
      '//admin/users',
      '/./admin/users',
      '/%2e/admin/users',
      '/x/../admin/users',
    ],
  },
  {
    name: "a req.path.startsWith('/admin') check in front of the routes",
    compose: ({ app, guard, handler }) => {
      app.use((req, res, next) => {
        if (req.path.startsWith('/admin')) guard(req, res, next)
        else next()
      })
      app.get('/admin/users', handler)
    },
    serves: 'handler',
    // startsWith is case-sensitive; Express routes are not.
    leaks: ['/ADMIN/users', '/Admin/users', 'http://admin.example.test/ADMIN/users'],
  },
]

const KOA_SAFE: readonly Pattern<KoaParts>[] = [
  {
    name: 'the guard on the route: router.get(path, guard, handler)',
    compose: ({ app, guard, handler }) => {
      const router = new Router()
      router.get('/admin/users', guard, handler)
      app.use(router.routes())
    },
    serves: 'handler',
  },
  {
    name: "router.use('/admin', guard) before the routes, no prefix",
    compose: ({ app, guard, handler }) => {
      const router = new Router()
      router.use('/admin', guard)
      router.get('/admin/users', handler)
      app.use(router.routes())
    },
    serves: 'handler',
  },
  {
    name: 'router.use(guard) first in an admin-only router, no prefix',
    compose: ({ app, guard, handler }) => {
      const admin = new Router()
      admin.use(guard)
      admin.get('/admin/users', handler)
      app.use(admin.routes())
    },
    serves: 'handler',
  },
  {
    name: "router.use('', guard) first in a router with prefix /admin",
    compose: ({ app, guard, handler }) => {
      const admin = new Router({ prefix: '/admin' })
      admin.use('', guard)
      admin.get('/users', handler)
      app.use(admin.routes())
    },
    serves: 'handler',
  },
  {
    name: "koa-mount('/admin', compose([guard, router.routes()]))",
    compose: ({ app, guard, handler }) => {
      const admin = new Router()
      admin.get('/users', handler)
      app.use(mount('/admin', compose([guard, admin.routes()])))
    },
    serves: 'handler',
  },
  {
    name: "koa-mount('/admin', compose([guard, serve(dir)]))",
    compose: ({ app, guard, dir }) => {
      app.use(mount('/admin', compose([guard, serve(join(dir, 'admin'))])))
    },
    serves: 'file',
  },
]

// Every @koa/router route matches case-insensitively; the guards below match case-sensitively.
const CASE_LEAKS = ['/ADMIN/users', '/Admin/users', 'http://admin.example.test/ADMIN/users']

const KOA_PITFALLS: readonly Pitfall<KoaParts>[] = [
  {
    name: "new Router({ prefix: '/admin' }) with admin.use(guard)",
    compose: ({ app, guard, handler }) => {
      const admin = new Router({ prefix: '/admin' })
      admin.use(guard)
      admin.get('/users', handler)
      app.use(admin.routes())
    },
    serves: 'handler',
    // A path-less use() becomes the raw RegExp ^/admin(?:\/|$), without the `i` flag.
    leaks: CASE_LEAKS,
  },
  {
    name: "admin.use(guard) in a router nested with router.use('/admin', admin.routes())",
    compose: ({ app, guard, handler }) => {
      const admin = new Router()
      admin.use(guard)
      admin.get('/users', handler)
      const router = new Router()
      router.use('/admin', admin.routes())
      app.use(router.routes())
    },
    serves: 'handler',
    leaks: CASE_LEAKS,
  },
  {
    name: "app.use(mount('/admin', guard)) in front of a router",
    compose: ({ app, guard, handler }) => {
      app.use(mount('/admin', guard))
      const router = new Router()
      router.get('/admin/users', handler)
      app.use(router.routes())
    },
    serves: 'handler',
    leaks: CASE_LEAKS,
  },
  {
    name: "a ctx.path.startsWith('/admin') check in front of a router",
    compose: ({ app, guard, handler }) => {
      app.use(async (ctx, next) => {
        if (ctx.path.startsWith('/admin')) await guard(ctx, next)
        else await next()
      })
      const router = new Router()
      router.get('/admin/users', handler)
      app.use(router.routes())
    },
    serves: 'handler',
    leaks: CASE_LEAKS,
  },
  {
    name: "app.use(mount('/admin', guard)) then app.use(serve(dir))",
    compose: ({ app, guard, dir }) => {
      app.use(mount('/admin', guard))
      app.use(serve(dir))
    },
    serves: 'file',
    // koa-mount compares the raw path; koa-send decodes and normalises it.
    leaks: [
      '/%61dmin/users',
      '/admin%2Fusers',
      '/./admin/users',
      '/%2e/admin/users',
      '/x/../admin/users',
    ],
  },
]

function leaked(body: string): boolean {
  return body.includes(HANDLER_PAGE) || body.includes(STATIC_PAGE)
}

function asTestApp(app: MountedApp): TestApp {
  return { listener: app.listener, admitted: new Map(), events: [] }
}

function describeFramework<Parts>(
  frameworks: readonly Framework<Parts>[],
  safe: readonly Pattern<Parts>[],
  pitfalls: readonly Pitfall<Parts>[],
  more?: (framework: Framework<Parts>) => void,
): void {
  describe.each(frameworks)('mounting requireMfa() on $name', (framework) => {
    const build = (pattern: Pattern<Parts>) =>
      framework.build(emulator.current, files.dir, pattern.compose)

    // Loops, not describe.each: each() would cut these long names short in the report.
    for (const pattern of safe) {
      describe(`with ${pattern.name}`, () => {
        it('answers every anonymous path variant with the guard or 404, never the page', async () => {
          const app = build(pattern)
          const [canonical, ...variants] = await sendRaw(app.listener, [CANONICAL, ...VARIANTS])
          // The guard must really stand on the canonical path, or "all 404" would pass.
          expect(canonical?.status).toBe(401)
          expect(JSON.parse(canonical?.body ?? '{}')).toMatchObject({ code: 'not_signed_in' })
          const unsafe = variants.filter(
            ({ status, body }) => leaked(body) || (status !== 401 && status !== 404),
          )
          expect(unsafe).toEqual([])
          expect(app.reached()).toBe(0)
        })

        it('lets a member signed in with SMS MFA reach the page', async () => {
          const app = build(pattern)
          const member = await signIn(asTestApp(app), emulator.current)
          const res = await member.get(CANONICAL)
          expect(res.status).toBe(200)
          if (pattern.serves === 'file') {
            // No extension: supertest hands the file over as a Buffer.
            expect(String(res.body)).toBe(STATIC_PAGE)
          } else {
            expect(res.body).toMatchObject({ page: HANDLER_PAGE, memberId: /^member-/ })
            expect(app.reached()).toBe(1)
          }
        })
      })
    }

    for (const pitfall of pitfalls) {
      describe(`with the pitfall ${pitfall.name}`, () => {
        it('guards the canonical path but serves its variants to anyone', async () => {
          const app = build(pitfall)
          const [canonical, ...leaks] = await sendRaw(app.listener, [CANONICAL, ...pitfall.leaks])
          expect(canonical?.status).toBe(401)
          for (const outcome of leaks) {
            expect(outcome, outcome.target).toMatchObject({ status: 200 })
            expect(leaked(outcome.body), outcome.target).toBe(true)
          }
          if (pitfall.serves === 'handler') expect(app.reached()).toBe(pitfall.leaks.length)
        })
      })
    }

    more?.(framework)
  })
}

describeFramework(expressFrameworks, EXPRESS_SAFE, EXPRESS_PITFALLS)
describeFramework(koaFrameworks, KOA_SAFE, KOA_PITFALLS, (framework) => {
  describe('with the pitfall router.use(guard) after the routes', () => {
    it('serves the canonical path itself to anyone: the route answers before the guard', async () => {
      const app = framework.build(emulator.current, files.dir, ({ app: koa, guard, handler }) => {
        const router = new Router()
        router.get('/admin/users', handler)
        router.use(guard)
        koa.use(router.routes())
      })
      const [canonical] = await sendRaw(app.listener, [CANONICAL])
      expect(canonical?.status).toBe(200)
      expect(app.reached()).toBe(1)
    })
  })
})
