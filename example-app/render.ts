/**
 * How every page of the console is made: the Eta templates of `views/` (escaped by default) with
 * the pages' one script, the answers of a page route (a page or a 303), and the flash that
 * carries an error from a redirect to the one view that shows it. Shared by every page module.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'
// A type only: `stytch-b2b-mfa/koa` exports the same one.
import type { LoginState } from 'stytch-b2b-mfa/express'
import {
  flashCookieValue,
  flashOf,
  flashOfCookieValue,
  hasFlashQuery,
  withoutFlashQuery,
  type Flash,
  type WithQuery,
} from './pages.js'
import { PATHS } from './paths.js'

/** What a page route answers: an HTML page, or a 303 to another page; `cookies` to set. */
export type Answer = (
  | { readonly kind: 'page'; readonly status: number; readonly html: string }
  | { readonly kind: 'redirect'; readonly location: string }
) & { readonly cookies?: readonly string[] }

/** What the layout of every page reads; each view reads more. */
export interface PageData {
  readonly title: string
  readonly flash?: Flash | undefined
  /** Shows the header's links for a member and the sign-out button. */
  readonly signedIn?: boolean
  readonly [key: string]: unknown
}

/** The request, as far as the pages read it: Express's `req` and Koa's `ctx` alike. */
export interface PageRequest extends WithQuery {
  readonly method: string
  readonly path: string
  readonly headers: { readonly cookie?: string | undefined }
  /** Over https (as the framework tells it, behind a trusted proxy too). */
  readonly secure: boolean
}

/**
 * The pages' only script (local times, the resend countdown), inline and allowed by its hash:
 * the CSP lets no other script run. The pages work without it.
 */
const ENHANCEMENT = readFileSync(fileURLToPath(new URL('./views/enhance.js', import.meta.url)), {
  encoding: 'utf8',
})
export const ENHANCEMENT_HASH = createHash('sha256').update(ENHANCEMENT).digest('base64')

const views = new Eta({
  views: fileURLToPath(new URL('./views', import.meta.url)),
  cache: process.env.NODE_ENV === 'production',
})

export function page(view: string, data: PageData, status = 200): Answer {
  return { kind: 'page', status, html: views.render(view, { ...data, script: ENHANCEMENT }) }
}

export function redirect(location: string): Answer {
  return { kind: 'redirect', location }
}

/** The page of each stage of a login in progress. */
const STAGE_PAGES: Readonly<Record<LoginState['stage'], string>> = {
  none: PATHS.login,
  email: PATHS.emailCode,
  organizations: PATHS.organizations,
  mfa: PATHS.mfa,
}

/**
 * A page of the login shows only its own stages (`shown`): for any other, the redirect to the
 * page of the stage the login is at (Back to a step already passed, a link to one not reached).
 */
export function otherStage(
  state: LoginState,
  ...shown: readonly LoginState['stage'][]
): Answer | undefined {
  return shown.includes(state.stage) ? undefined : redirect(STAGE_PAGES[state.stage])
}

/**
 * Carries an error from the library's redirect (`?error=`) to the one page view that shows it,
 * so that the URL left in the history has no error to show again.
 */
const FLASH_COOKIE = 'admin.flash'
/** Long enough to follow one redirect; a flash nobody picked up is stale soon after. */
const FLASH_SECONDS = 60

/** The flash cookie; without `value`, its removal. */
function flashCookie(req: PageRequest, value?: string): string {
  const lifetime =
    value === undefined
      ? // Expires too: clients that ignore Max-Age (superagent's cookie jar among them) drop it.
        'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
      : `Max-Age=${FLASH_SECONDS}`
  return (
    `${FLASH_COOKIE}=${value ?? ''}; Path=/; ${lifetime}; HttpOnly; SameSite=Lax` +
    (req.secure ? '; Secure' : '')
  )
}

function cookieOf(req: PageRequest, name: string): string | undefined {
  for (const pair of req.headers.cookie?.split(';') ?? []) {
    const at = pair.indexOf('=')
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
  }
  return undefined
}

/**
 * A page that shows the library's errors. A URL with `?error=` moves the error into a cookie
 * and the browser to the same page without it; the next view of the page shows it once. Back
 * and forward then revisit a URL without an error: a sign-in that is over shows no stale one.
 */
export function withFlash(req: PageRequest, render: (flash: Flash | undefined) => Answer): Answer {
  if (hasFlashQuery(req)) {
    const shown = flashOf(req)
    return {
      kind: 'redirect',
      location: withoutFlashQuery(req),
      cookies: shown === undefined ? [] : [flashCookie(req, flashCookieValue(req.path, shown))],
    }
  }
  const value = cookieOf(req, FLASH_COOKIE)
  const shown = value === undefined ? undefined : flashOfCookieValue(req.path, value)
  const answer = render(shown)
  return shown === undefined ? answer : { ...answer, cookies: [flashCookie(req)] }
}
