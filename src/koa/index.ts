/**
 * @module Koa adapter (2 and 3): the same factory and middleware names as the Express adapter,
 * so moving between frameworks is one import path. Expected denials set the response; other
 * failures are thrown with `status` and `expose`, for the app's own error handling.
 */
import type { Context, Middleware, Next } from 'koa'
import './types.js'
import type { Handler } from '../core/engine.js'
import { createCore, type StytchMfaFactories, type StytchMfaOptions } from '../setup.js'
import {
  applyReply,
  checkProxy,
  createVerifiedSlot,
  toAuthRequest,
  verifiedSession,
  type VerifiedSlot,
} from './adapter.js'

export * from '../public-types.js'

/** The Koa middleware factories of one configuration. */
export type StytchMfa = StytchMfaFactories<Context, Middleware>

/**
 * Not `async`: a reply known at once goes straight on to `next()`, with no promise of ours.
 * Flow steps first look at the app's proxy setting (once per app); the guard, which runs on
 * every request, does not.
 */
function middleware(name: string, handler: Handler, slot: VerifiedSlot): Middleware {
  const guard = name === 'requireMfa'
  const run = (ctx: Context, next: Next): Promise<void> => {
    if (!guard) checkProxy(ctx)
    const result = handler(toAuthRequest(ctx))
    return result instanceof Promise
      ? result.then((reply) => applyReply(reply, ctx, next, slot))
      : applyReply(result, ctx, next, slot)
  }
  Object.defineProperty(run, 'name', { value: name })
  return run
}

/**
 * Builds the middleware for one app. Options are checked here, once: a bad value throws at
 * startup with its name.
 *
 * @example
 * const mfa = createStytchMfa({ stytch: { projectId, secret }, cookieSecrets: [secret] })
 * router.post('/auth/email/send', mfa.sendEmailOtp())
 * router.get('/admin', mfa.requireMfa({ maxAge: '12h' }), showAdmin)
 */
export function createStytchMfa(options: StytchMfaOptions): StytchMfa {
  const slot = createVerifiedSlot()
  const core = createCore(options, {
    middleware: (name, handler) => middleware(name, handler, slot),
    toAuthRequest,
  })
  return { ...core, memberSession: (ctx) => verifiedSession(ctx, slot) }
}
