/**
 * @module The Koa 3 app under load, in its own process. It never signs anyone in: the cookie
 * session from the Express app is a Stytch session, valid here too, and so are the minted ones.
 */
import Router from '@koa/router'
import Koa, { type Context, type Next } from 'koa'
import { createStytchMfa } from '../src/koa/index.js'
import {
  BODY,
  SCALES,
  SELF_UPDATE,
  libraryOptions,
  readConfig,
  scalePath,
  serve,
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

const app = new Koa({ proxy: true, maxIpsCount: 1 })
const router = new Router()
router.get('/bare', ok)
router.get('/bare-turns', ok)
router.get('/floor', floor, ok)
router.get('/guarded', mfa.requireMfa(), ok)
router.get('/guarded-permission', mfa.requireMfa({ permission: SELF_UPDATE }), ok)
for (const count of SCALES) {
  router.get(scalePath(count), createStytchMfa(libraryOptions(config, 'cookie')).requireMfa(), ok)
}
app.use(router.routes())

const callback = app.callback()
serve((req, res) => {
  void callback(req, res)
})
