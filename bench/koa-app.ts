/**
 * @module The Koa 3 app under load, in its own process. It never signs anyone in: the cookie
 * session from the Express app is a Stytch session, valid here too, and so are the minted ones.
 */
import Router from '@koa/router'
import Koa, { type Context, type Middleware, type Next } from 'koa'
import { createStytchMfa } from '../src/koa/index.js'
import {
  BODY,
  SCALES,
  SELF_UPDATE,
  libraryOptions,
  readConfig,
  scalePath,
  serve,
  timedGuard,
} from './shared.js'

const config = readConfig()
const mfa = createStytchMfa(libraryOptions(config, 'cookie'))

function ok(ctx: Context): void {
  ctx.body = BODY
}

/** The least any guard does (a middleware, one header): what no guard can beat. */
async function floor(ctx: Context, next: Next): Promise<void> {
  ctx.set('cache-control', 'no-store')
  await next()
}

/** `path`'s guard, clocked with `--guard-time`. */
function timed(path: string, guard: Middleware): Middleware {
  return timedGuard(config, path, guard, (inner, handOn) => (ctx, next) => {
    const startedAt = performance.now()
    // Koa types a middleware's result as `any`; it is the downstream promise.
    return inner(ctx, () => {
      handOn(startedAt)
      return next()
    }) as Promise<void>
  })
}

const app = new Koa({ proxy: true, maxIpsCount: 1 })
const router = new Router()
router.get('/bare', ok)
router.get('/bare-turns', ok)
router.get('/floor', timed('/floor', floor), ok)
router.get('/guarded', timed('/guarded', mfa.requireMfa()), ok)
router.get(
  '/guarded-permission',
  timed('/guarded-permission', mfa.requireMfa({ permission: SELF_UPDATE })),
  ok,
)
for (const count of SCALES) {
  const path = scalePath(count)
  router.get(path, timed(path, createStytchMfa(libraryOptions(config, 'cookie')).requireMfa()), ok)
}
app.use(router.routes())

const callback = app.callback()
serve((req, res) => {
  void callback(req, res)
})
