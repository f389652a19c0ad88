/**
 * @module Logout: revoke the session at Stytch, then forget it here whatever Stytch said —
 * cookies cleared with the attributes they were set with, the server-side session regenerated.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import type { HandlerConfig } from '../options.js'
import { clearPendingLogin } from '../pending-login.js'
import { clearSessionTokens, readSessionTokens } from '../session-store.js'

/** Logout takes no fields; whatever is sent is ignored. */
const emptyBody = z.object({})

export function logoutHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, verifier, emit } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.afterLogout, body: emptyBody },
      async ({ reply, redirect, secure }) => {
        const stored = readSessionTokens(req, config)
        let revoked = false
        if (stored.state === 'present') {
          const { sessionToken, sessionJwt } = stored.tokens
          // Refused here at once, whatever Stytch answers below (see SessionVerifier.revoke).
          verifier.revoke(stored.tokens, config.sessionDurationMinutes * 60)
          try {
            await port.revokeSession(sessionToken !== undefined ? { sessionToken } : { sessionJwt })
            revoked = true
          } catch {
            // Revocation failed upstream (the audit event says so): the local sign-out still holds.
            revoked = false
          }
        }
        await clearSessionTokens(req, config, reply, { regenerate: true })
        reply.cookie(clearPendingLogin(secure))
        reply.header('clear-site-data', '"cookies"')
        emit({ type: 'logout', revoked, ip: req.ip })
        return redirect
          ? reply.redirect(config.paths.afterLogout)
          : reply.json(200, { status: 'signed_out' })
      },
    )
}
