/**
 * @module Express adapter (4 and 5): `createStytchMfa()` takes the configuration once and hands
 * out the middleware of the sign-in flow and the `requireMfa()` guard.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
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

/** The Express middleware factories of one configuration. */
export type StytchMfa = StytchMfaFactories<Request, RequestHandler>

/**
 * A middleware running `handler`. Flow steps first look at the app's proxy setting (once per
 * app); the guard, which runs on every request, does not.
 */
function middleware(name: string, handler: Handler, slot: VerifiedSlot): RequestHandler {
  const guard = name === 'requireMfa'
  const run = (req: Request, res: Response, next: NextFunction): void => {
    let result
    try {
      if (!guard) checkProxy(req)
      result = handler(toAuthRequest(req))
    } catch (error) {
      next(error)
      return
    }
    if (result instanceof Promise) {
      // Express 4 ignores returned promises: every rejection must reach next(err).
      result.then((reply) => {
        applyReply(reply, req, res, next, slot)
      }, next)
    } else {
      applyReply(result, req, res, next, slot)
    }
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
 * app.post('/auth/email/send', mfa.sendEmailOtp())
 * app.use('/admin', mfa.requireMfa({ maxAge: '12h' }))
 */
export function createStytchMfa(options: StytchMfaOptions): StytchMfa {
  const slot = createVerifiedSlot()
  const core = createCore(options, {
    middleware: (name, handler) => middleware(name, handler, slot),
    toAuthRequest,
  })
  return { ...core, memberSession: (req) => verifiedSession(req, slot) }
}
