/**
 * @module Discovery login, step 2: check the email code. Stytch answers with an intermediate
 * session that proves the address and the organizations it may enter; both are sealed in the
 * login cookie for the organization picker, where the choice must be one of them. An address
 * with exactly one organization enters it at once.
 */
import { z } from 'zod'
import type { Engine, Handler } from '../engine.js'
import { runFlow } from '../engine.js'
import { MfaError } from '../errors.js'
import { codeField, emailField } from '../fields.js'
import type { HandlerConfig } from '../options.js'
import { pendingLoginCookieIfFits, readStage, type PendingDiscovery } from '../pending-login.js'
import { checkEmailCode } from './email-code.js'
import { enterDiscovered } from './enter-discovered.js'
import { choiceOf, sealedOrganization } from './organization-choice.js'

const bodySchema = z.object({ code: codeField, email: emailField.optional() })

/** The longest the picker waits, whatever Stytch gives its intermediate session. */
const PICKER_MS = 10 * 60_000

/**
 * `Set-Cookie` sealing the discovery login; without the organizations' names when they make it
 * too long for a cookie (the picker then shows slugs).
 * @throws `too_many_organizations` when even the ids and slugs do not fit.
 */
async function discoveryCookie(
  engine: Engine,
  login: PendingDiscovery,
  expiresAt: Date,
  secure: boolean,
): Promise<string> {
  const at = engine.now()
  const unnamed: PendingDiscovery = {
    ...login,
    organizations: login.organizations.map((organization) => ({
      id: organization.id,
      slug: organization.slug,
      membership: organization.membership,
      mfa: organization.mfa,
      methods: organization.methods,
    })),
  }
  for (const sealed of [login, unnamed]) {
    const cookie = await pendingLoginCookieIfFits(engine.sealer, sealed, expiresAt, secure, at)
    if (cookie !== undefined) return cookie
  }
  throw new MfaError('too_many_organizations', 'The discovered organizations do not fit a cookie')
}

export function verifyDiscoveryEmailOtpHandler(engine: Engine, options: HandlerConfig): Handler {
  const { config, port, emit, now } = engine
  return (req) =>
    runFlow(
      engine,
      req,
      { respondWith: options.respondWith, page: config.paths.emailCode, body: bodySchema },
      async ({ reply, redirect, secure, body }) => {
        const started = await readStage(req, engine, 'discovery_email')
        const email = body.email ?? started?.email
        if (email === undefined) {
          throw new MfaError('login_required', 'No discovery email step and no email in the body')
        }
        const discovered = await checkEmailCode(engine, req, {
          email,
          started,
          verdict: () =>
            port.authenticateDiscoveryEmailOtp({ emailAddress: email, code: body.code }),
        })
        emit({
          type: 'otp_verified',
          channel: 'email',
          signedIn: false,
          requestId: discovered.requestId,
          ip: req.ip,
        })
        const login: PendingDiscovery = {
          stage: 'discovery',
          intermediateSessionToken: discovered.intermediateSessionToken,
          email,
          organizations: discovered.organizations.map(sealedOrganization),
          returnTo: started?.returnTo,
        }
        const [only, ...others] = login.organizations
        if (only !== undefined && others.length === 0) {
          return enterDiscovered(engine, req, { reply, redirect, secure }, login, only)
        }
        const expiresAt = new Date(
          Math.min(discovered.intermediateSessionExpiresAt.getTime(), now().getTime() + PICKER_MS),
        )
        reply.cookie(await discoveryCookie(engine, login, expiresAt, secure))
        const next = config.paths.organizations
        return redirect
          ? reply.redirect(next)
          : reply.json(200, {
              status: 'organizations',
              next,
              organizations: login.organizations.map(choiceOf),
            })
      },
    )
}
