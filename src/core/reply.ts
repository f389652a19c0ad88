/**
 * @module Building replies: content negotiation (browsers get 303 redirects, API clients JSON
 * and `application/problem+json`), `Cache-Control: no-store`, and cookies in order.
 */
import { messageOf, type MfaError } from './errors.js'
import type { AuthRequest, Outcome, Reply } from './ports/framework.js'
import type { MemberSession } from './ports/stytch.js'

export type RespondWith = 'auto' | 'json' | 'redirect'

/**
 * `redirect` for what a browser does by itself (a navigation, a form post), else `json`.
 * `fetch()` sends `Sec-Fetch-Mode: cors`/`same-origin`, so scripts get JSON even with cookies.
 */
export function wantsRedirect(req: AuthRequest, respondWith: RespondWith): boolean {
  if (respondWith !== 'auto') return respondWith === 'redirect'
  const mode = req.header('sec-fetch-mode')
  if (mode !== undefined) return mode === 'navigate'
  const accept = req.header('accept') ?? ''
  if (accept.includes('application/json') || accept.includes('application/problem+json')) {
    return false
  }
  const type = req.header('content-type') ?? ''
  return accept.includes('text/html') || type.startsWith('application/x-www-form-urlencoded')
}

/** `path` with `params` added to its query (existing query kept). */
export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const [base = path, query = ''] = path.split('?', 2)
  const search = new URLSearchParams(query)
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value)
  const text = search.toString()
  return text === '' ? base : `${base}?${text}`
}

const NO_STORE = 'no-store'
/** Stytch's 429s carry no wait time the SDK exposes: clients are told to wait this long. */
const DEFAULT_RETRY_AFTER_SECONDS = 60

function retryAfterOf(error: MfaError): number | undefined {
  const seconds =
    error.retryAfterSeconds ?? (error.status === 429 ? DEFAULT_RETRY_AFTER_SECONDS : undefined)
  return seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds))
}

/** The headers and cookies of a reply that sets nothing else; shared, and never written to. */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': NO_STORE,
})
const NO_COOKIES: readonly string[] = Object.freeze([])

/** The reply that lets a request through with `session` and sets nothing but the defaults. */
export function admit(session: MemberSession): Reply {
  return { headers: DEFAULT_HEADERS, cookies: NO_COOKIES, outcome: { kind: 'next', session } }
}

/** Collects the cookies of one reply, then finishes it with one outcome. */
export class ReplyBuilder {
  // Made on first write: the guard builds a reply on every request, and nearly all of them
  // carry no cookie and only the default header.
  private cookies: string[] | undefined
  private headers: Record<string, string> | undefined

  cookie(...values: string[]): this {
    this.cookies ??= []
    this.cookies.push(...values)
    return this
  }

  header(name: string, value: string): this {
    this.ownHeaders()[name] = value
    return this
  }

  private ownHeaders(): Record<string, string> {
    return (this.headers ??= { ...DEFAULT_HEADERS })
  }

  private finish(outcome: Outcome): Reply {
    return {
      headers: this.headers ?? DEFAULT_HEADERS,
      cookies: this.cookies ?? NO_COOKIES,
      outcome,
    }
  }

  next(session: MemberSession): Reply {
    return this.finish({ kind: 'next', session })
  }

  json(status: number, body: unknown): Reply {
    return this.finish({
      kind: 'respond',
      status,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(body),
    })
  }

  redirect(location: string): Reply {
    return this.finish({ kind: 'redirect', location })
  }

  error(error: Error): Reply {
    return this.finish({ kind: 'error', error })
  }

  /** `application/problem+json` (RFC 9457) with the stable `code`; `Retry-After` on 429s. */
  problem(error: MfaError): Reply {
    const retryAfter = retryAfterOf(error)
    if (retryAfter !== undefined) this.ownHeaders()['retry-after'] = String(retryAfter)
    if (error.code === 'method_not_allowed') this.ownHeaders().allow = 'POST'
    const body: Record<string, unknown> = {
      type: 'about:blank',
      title: messageOf[error.code],
      status: error.status,
      code: error.code,
    }
    if (retryAfter !== undefined) body.retryAfter = retryAfter
    return this.finish({
      kind: 'respond',
      status: error.status,
      contentType: 'application/problem+json; charset=utf-8',
      body: JSON.stringify(body),
    })
  }

  /** A browser goes back to `page` with the error code (and wait time) in the query. */
  errorRedirect(page: string, error: MfaError): Reply {
    const retryAfter = retryAfterOf(error)
    return this.redirect(
      withQuery(page, {
        error: error.code,
        retry_after: retryAfter === undefined ? undefined : String(retryAfter),
      }),
    )
  }
}
