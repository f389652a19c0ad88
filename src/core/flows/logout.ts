/**
 * @module Logout: the session the cookies carry is verified, refused from now on by its id (on
 * every instance, with a revocation store) and revoked at Stytch; then everything the library
 * stored is forgotten, whatever Stytch said. Cookies that name no live session cost no Stytch
 * revoke and record nothing.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import type { AuthRequest } from '../ports/framework.js'
import type { HandlerConfig } from '../options.js'
import { clearPendingLogin } from '../pending-login.js'
import { clearSessionTokens, readSessionTokens } from '../session-store.js'
import type { KnownSession } from '../verified-sessions.js'

/** Logout takes no fields; whatever is sent is ignored. */
const emptyBody = z.object({})

/** How far past its end a session is still refused: the JWTs' clock tolerance. */
export const TOLERANCE_MS = 60_000

/** The session the request's cookies carry, if it verifies; `undefined` for anything else. */
async function liveSession(engine: Engine, req: AuthRequest): Promise<KnownSession | undefined> {
  const stored = readSessionTokens(req, engine.config)
  if (stored.state !== 'present') return undefined
  try {
    const { session } = await engine.verifier.verify(stored.tokens, {
      checkWithStytch: false,
      ip: req.ip,
    })
    return session
  } catch (error) {
    // Signed out already, spent budget, Stytch unreachable: there is nothing this instance can
    // name to revoke, and the cookies go all the same.
    if (error instanceof MfaError) return undefined
    throw error
  }
}

/**
 * Ends a verified session: refused by its id from now on (on every instance, with a revocation
 * store), and revoked at Stytch, or tried again until Stytch confirms.
 * @returns whether Stytch confirmed the revocation.
 */
export async function endSession(
  engine: Pick<Engine, 'port' | 'revocations' | 'revokeRetries'>,
  session: KnownSession,
): Promise<boolean> {
  const { memberSessionId } = session
  await engine.revocations.revoke(memberSessionId, session.expiresAtMs + TOLERANCE_MS)
  try {
    await engine.port.revokeSession({ memberSessionId })
    return true
  } catch {
    engine.revokeRetries.schedule(session)
    return false
  }
}

export function logoutHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, emit } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.afterLogout, body: emptyBody },
      async ({ reply, redirect, secure }) => {
        const session = await liveSession(engine, req)
        const revoked = session !== undefined && (await endSession(engine, session))
        await clearSessionTokens(req, config, reply, { regenerate: true })
        reply.cookie(clearPendingLogin(secure))
        reply.header('clear-site-data', '"cookies"')
        emit({
          type: 'logout',
          revoked,
          signedIn: session !== undefined,
          memberId: session?.memberId,
          organizationId: session?.organizationId,
          ip: req.ip,
        })
        if (redirect) return reply.redirect(config.paths.afterLogout)
        // `revoked: false` for a live session: refused by this app until it lapses, and the
        // revocation at Stytch is still being tried (the `session_revoked` event says when).
        return reply.json(200, {
          status: 'signed_out',
          ...(session === undefined ? {} : { revoked }),
        })
      },
    )
}
