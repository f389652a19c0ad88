/**
 * @module Express adapter (4 and 5): `createStytchMfa()` takes the configuration once and hands
 * out the middleware of the sign-in flow and the `requireMfa()` guard.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import './types.js'
import type { Handler } from '../core/engine.js'
import { bindFactories, type SetupOptions, type StytchMfaFactories } from '../setup.js'
import { applyReply, toAuthRequest, verifiedSession } from './adapter.js'

export * from '../public-types.js'

/** The Express middleware factories of one configuration. */
export type StytchMfa = StytchMfaFactories<Request, RequestHandler>

function middleware(name: string, handler: Handler): RequestHandler {
  const run = (req: Request, res: Response, next: NextFunction): void => {
    let result
    try {
      result = handler(toAuthRequest(req))
    } catch (error) {
      next(error)
      return
    }
    if (result instanceof Promise) {
      // Express 4 ignores returned promises: every rejection must reach next(err).
      result.then((reply) => {
        applyReply(reply, req, res, next)
      }, next)
    } else {
      applyReply(result, req, res, next)
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
export function createStytchMfa(options: SetupOptions): StytchMfa {
  return bindFactories(options, { middleware, toAuthRequest, memberSession: verifiedSession })
}
