/**
 * The signed-in member's security page and what it starts: an authenticator app added from the
 * session (QR code, then its first code), new recovery codes, and the page that shows recovery
 * codes once, also after an app set up during sign-in. The library hands the app's secret (to a
 * signed-in member) and recovery codes out only in the JSON answers of its steps, since a
 * redirect would drop them: these routes run those steps in JSON mode (the framework files
 * capture the answer) and render it on the server, so no page needs JavaScript. Shared by both
 * consoles.
 */
import type { MemberSession } from 'stytch-b2b-mfa'
import { z } from 'zod'
import type { GetMember } from './members.js'
import { meOf, timeView } from './pages.js'
import { PATHS } from './paths.js'
import { page, redirect, withFlash, type Answer, type PageRequest } from './render.js'
import {
  localPath,
  outcomeOf,
  refusalTo,
  type PageStep,
  type SessionSlot,
  type StepAnswer,
} from './step-answers.js'
import { otpauthUri, qrSvg } from './totp-qr.js'

export type { PageStep, SessionSlot, StepAnswer } from './step-answers.js'

/**
 * Where the member's server-side session keeps the secret of the app being added, for its set-up
 * page (the cookie holds only the session's id).
 */
const APP_SETUP_KEY = 'appSetup'

/**
 * The console's value in a framework's session object, looked up on each use: the library
 * regenerates the session when the member signs in (a new object, without the value).
 */
export function sessionSlot(
  session: () => Record<string, unknown> | null | undefined,
): SessionSlot {
  return {
    read: () => session()?.[APP_SETUP_KEY],
    write: (value) => {
      const data = session()
      if (data === null || data === undefined) return
      if (value === undefined) Reflect.deleteProperty(data, APP_SETUP_KEY)
      else data[APP_SETUP_KEY] = value
    },
  }
}

/** The library's steps in JSON mode, as either framework's `createStytchMfa()` hands them out. */
export interface JsonSteps<M> {
  enrolTotp(options: { readonly respondWith: 'json' }): M
  verifyTotp(options: { readonly respondWith: 'json' }): M
  rotateRecoveryCodes(options: { readonly respondWith: 'json'; readonly maxAge: string }): M
}

export interface SecurityPages {
  /** `/admin/security`: the member's factors, with "add an app" or "new recovery codes". */
  security(req: PageRequest, member: MemberSession | undefined): Promise<Answer>
  /** `GET /admin/security/app`: the QR code of the app being added, and its first code. */
  appSetup(req: PageRequest, session: SessionSlot): Promise<Answer>
  /** The console's POST routes of library steps whose JSON answer is a page. */
  steps<M>(mfa: JsonSteps<M>): readonly PageStep<M>[]
}

/** How old the second factor may be for new recovery codes, in minutes (as for a reset). */
const RECOVERY_CODES_MAX_AGE_MINUTES = 10

/** How long Stytch keeps an app that no first code confirmed (the library seals it as long). */
const APP_SETUP_MS = 10 * 60_000

/** `enrolTotp()` for a signed-in member: the secret is the page's to draw (base32). */
const createdSchema = z.object({
  status: z.literal('totp_created'),
  secret: z.string().regex(/^[A-Z2-7]{16,128}=*$/),
})
/** `verifyTotp()` signing in, with the codes when it confirmed a new app. */
const signedInSchema = z.object({
  status: z.literal('signed_in'),
  next: localPath,
  recoveryCodes: z.array(z.string().min(1).max(100)).min(1).max(100).optional(),
})
const rotatedSchema = z.object({
  status: z.literal('recovery_codes_rotated'),
  recoveryCodes: z.array(z.string().min(1).max(100)).min(1).max(100),
})
const appSetupSchema = z.object({ secret: createdSchema.shape.secret, until: z.number() })

/** The codes, once: listed, as a file to download, and where to go on. */
function codesPage(codes: readonly string[], intro: string, next: string): Answer {
  const file = `data:text/plain;charset=utf-8,${encodeURIComponent(`${codes.join('\n')}\n`)}`
  return page('recovery-codes', {
    title: 'Your recovery codes',
    signedIn: true,
    intro,
    codes,
    file,
    next,
  })
}

export function securityPages(deps: {
  readonly now: () => Date
  readonly getMember: GetMember
}): SecurityPages {
  const { now, getMember } = deps

  /** The app being added, until Stytch forgets it. */
  function appBeingAdded(session: SessionSlot): z.output<typeof appSetupSchema> | undefined {
    const setup = appSetupSchema.safeParse(session.read())
    if (setup.success && setup.data.until > now().getTime()) return setup.data
    session.write(undefined)
    return undefined
  }

  const addApp = (answer: StepAnswer, session: SessionSlot): Answer => {
    const outcome = outcomeOf(answer, createdSchema, refusalTo(PATHS.security))
    if ('refusal' in outcome) return outcome.refusal
    session.write({ secret: outcome.body.secret, until: now().getTime() + APP_SETUP_MS })
    return redirect(PATHS.securityApp)
  }

  const confirmApp =
    (fallback: string, next: (libraryNext: string) => string) =>
    (answer: StepAnswer, session: SessionSlot): Answer => {
      const outcome = outcomeOf(answer, signedInSchema, refusalTo(fallback))
      if ('refusal' in outcome) return outcome.refusal
      session.write(undefined)
      const { recoveryCodes } = outcome.body
      const to = next(outcome.body.next)
      if (recoveryCodes === undefined) return redirect(to)
      return codesPage(
        recoveryCodes,
        'Your authenticator app is set up. If you lose it, each of these codes signs you in once.',
        to,
      )
    }

  const rotateCodes = (answer: StepAnswer): Answer => {
    const outcome = outcomeOf(answer, rotatedSchema, refusalTo(PATHS.security))
    if ('refusal' in outcome) return outcome.refusal
    return codesPage(
      outcome.body.recoveryCodes,
      'Your earlier recovery codes no longer work. Each of these new ones signs you in once.',
      PATHS.security,
    )
  }

  return {
    security: async (req, member) => {
      const me = meOf(member)
      const factors = await getMember(me.organizationId, me.memberId)
      return withFlash(req, (flash) =>
        page('security', {
          title: 'Security',
          flash,
          signedIn: true,
          email: me.email,
          factors,
          maxAgeMinutes: RECOVERY_CODES_MAX_AGE_MINUTES,
        }),
      )
    },

    appSetup: async (req, session) => {
      const setup = appBeingAdded(session)
      if (setup === undefined) return redirect(PATHS.security)
      const { secret, until } = setup
      const qr = await qrSvg(otpauthUri(secret))
      return withFlash(req, (flash) =>
        page('security-app', {
          title: 'Add an authenticator app',
          flash,
          signedIn: true,
          setup: { secret, qrSvg: qr },
          expiresAt: timeView(new Date(until)),
        }),
      )
    },

    steps: (mfa) => {
      const json = { respondWith: 'json' } as const
      return [
        {
          path: PATHS.loginAppConfirm,
          step: mfa.verifyTotp(json),
          render: confirmApp(PATHS.mfa, (libraryNext) => libraryNext),
        },
        { path: PATHS.securityApp, step: mfa.enrolTotp(json), render: addApp },
        {
          path: PATHS.securityAppConfirm,
          step: mfa.verifyTotp(json),
          render: confirmApp(PATHS.securityApp, () => PATHS.security),
        },
        {
          path: PATHS.recoveryCodes,
          step: mfa.rotateRecoveryCodes({
            ...json,
            maxAge: `${String(RECOVERY_CODES_MAX_AGE_MINUTES)}m`,
          }),
          render: rotateCodes,
        },
      ]
    },
  }
}
