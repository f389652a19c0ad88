/**
 * The console's POST routes that run a library step in JSON mode and render its answer instead
 * of letting it reach the browser: what such a step answered, how it is read (a success of the
 * expected shape, or one of the library's refusals) and where a refusal sends the browser.
 * Shared by the security page and the organization switcher.
 */
import { z } from 'zod'
import { isErrorCode } from './pages.js'
import { PATHS } from './paths.js'
import { redirect, type Answer } from './render.js'

/** What a library step answered in JSON mode: its status and its body, as sent. */
export interface StepAnswer {
  readonly status: number
  readonly body: string
}

/** One value in the member's server-side session (express-session's, koa-session's). */
export interface SessionSlot {
  read(): unknown
  write(value: unknown): void
}

/** A console POST route that runs a library step in JSON mode and renders its answer. */
export interface PageStep<M> {
  readonly path: string
  readonly step: M
  readonly render: (answer: StepAnswer, session: SessionSlot) => Answer
}

/** A path of this site, never `//host` (the library's `next` already is one). */
export const localPath = z.string().regex(/^\/(?![/\\])[^\s\\]*$/)

const problemSchema = z.object({
  code: z.string().refine(isErrorCode),
  retryAfter: z.number().int().nonnegative().optional(),
})

/** The answer's body if the step succeeded with `schema`, else where `refused` sends it. */
export function outcomeOf<S extends z.ZodType>(
  answer: StepAnswer,
  schema: S,
  refused: (code: string, retryAfter: number | undefined) => Answer,
): { readonly body: z.output<S> } | { readonly refusal: Answer } {
  let body: unknown
  try {
    body = JSON.parse(answer.body)
  } catch {
    body = undefined
  }
  if (answer.status >= 400) {
    const problem = problemSchema.safeParse(body)
    if (problem.success) return { refusal: refused(problem.data.code, problem.data.retryAfter) }
  } else {
    const success = schema.safeParse(body)
    if (success.success) return { body: success.data }
  }
  // The library answers nothing else: the error page, and the operator's log, say so.
  throw new Error(`unexpected answer ${String(answer.status)} from the library`)
}

/**
 * Where a refused step sends the browser: the step that fixes it (a fresh factor, a sign-in),
 * else back to `page` with the error, as the library's own redirects do.
 */
export function refusalTo(page: string) {
  return (code: string, retryAfter: number | undefined): Answer => {
    const wait = retryAfter === undefined ? '' : `&retry_after=${String(retryAfter)}`
    if (code === 'mfa_stale' || code === 'mfa_required') {
      return redirect(`${PATHS.mfa}?error=${code}`)
    }
    const to =
      code === 'not_signed_in' || code === 'login_required' || code === 'otp_locked'
        ? PATHS.login
        : page
    return redirect(`${to}?error=${code}${wait}`)
  }
}
