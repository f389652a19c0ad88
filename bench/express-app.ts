/**
 * @module The Express 5 app under load, in its own process. Every GET route ends in the same
 * handler; they differ only in what guards it.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import express from 'express'
import session from 'express-session'
import { parse } from 'cookie'
import { B2BClient } from 'stytch'
import { createStytchMfa } from '../src/express/index.js'
import {
  BODY,
  COOKIE_SECRET,
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
const mfaServer = createStytchMfa(libraryOptions(config, 'server'))
const serverSession = session({
  secret: COOKIE_SECRET,
  resave: false,
  saveUninitialized: false,
  cookie: { secure: 'auto', sameSite: 'lax' },
})

/**
 * The integration people write by hand today: the SDK's local JWT check on every request, then
 * their own look for an SMS factor.
 */
const stytch = new B2BClient({
  project_id: config.projectId,
  secret: config.secret,
  env: config.baseUrl,
})
async function naiveGuard(req: Request, res: Response, next: NextFunction): Promise<void> {
  const jwt = parse(req.headers.cookie ?? '')['__Host-stytch_session_jwt']
  if (jwt === undefined) {
    res.status(401).json({ error: 'unauthorized' })
    return
  }
  try {
    const memberSession = await stytch.sessions.authenticateJwtLocal({ session_jwt: jwt })
    const sms = memberSession.authentication_factors.some(
      (factor) => factor.type === 'otp' && factor.delivery_method === 'sms',
    )
    if (!sms) {
      res.status(403).json({ error: 'mfa_required' })
      return
    }
    res.locals.memberSession = memberSession
    next()
  } catch {
    res.status(401).json({ error: 'unauthorized' })
  }
}

function ok(_req: Request, res: Response): void {
  res.json(BODY)
}

/** The least any guard does (a middleware, one header): what no guard can beat. */
function floor(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('cache-control', 'no-store')
  next()
}

/** `path`'s guard, clocked with `--guard-time`. */
function timed(path: string, guard: RequestHandler): RequestHandler {
  return timedGuard(config, path, guard, (inner, handOn) => (req, res, next) => {
    const startedAt = performance.now()
    return inner(req, res, (error?: unknown) => {
      if (error === undefined) handOn(startedAt)
      next(error)
    })
  })
}

const app = express()
app.set('trust proxy', config.trustProxy)

app.get('/bare', ok)
app.get('/bare-turns', ok)
app.get('/floor', timed('/floor', floor), ok)
app.get('/guarded', timed('/guarded', mfa.requireMfa()), ok)
app.get(
  '/guarded-permission',
  timed('/guarded-permission', mfa.requireMfa({ permission: SELF_UPDATE })),
  ok,
)
for (const count of SCALES) {
  const path = scalePath(count)
  app.get(path, timed(path, createStytchMfa(libraryOptions(config, 'cookie')).requireMfa()), ok)
}
app.get('/session-only', serverSession, ok)
app.get('/guarded-session', serverSession, timed('/guarded-session', mfaServer.requireMfa()), ok)
app.get('/naive', naiveGuard, ok)
app.get('/strict', mfa.requireMfa({ checkWithStytch: true }), ok)

app.post('/auth/email/send', mfa.sendEmailOtp())
app.post('/auth/email/verify', mfa.verifyEmailOtp())
app.post('/auth/sms/send', mfa.sendSmsOtp())
app.post('/auth/sms/verify', mfa.verifySmsOtp())
app.post('/server/auth/email/send', serverSession, mfaServer.sendEmailOtp())
app.post('/server/auth/email/verify', serverSession, mfaServer.verifyEmailOtp())
app.post('/server/auth/sms/send', serverSession, mfaServer.sendSmsOtp())
app.post('/server/auth/sms/verify', serverSession, mfaServer.verifySmsOtp())

serve(app)
