/**
 * @module Building replies: content negotiation (browsers get 303 redirects, API clients JSON
 * and `application/problem+json`), `Cache-Control: no-store`, and cookies in order.
 */
import { MfaError, messageOf, type MfaErrorCode } from './errors.js'
import type { AuthRequest, Outcome, Reply } from './http.js'
import type { MemberSession } from '../stytch/port.js'

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

/** Collects the cookies of one reply, then finishes it with one outcome. */
export class ReplyBuilder {
  private readonly cookies: string[] = []
  private readonly headers: Record<string, string> = { 'cache-control': NO_STORE }

  cookie(...values: string[]): this {
    this.cookies.push(...values)
    return this
  }

  header(name: string, value: string): this {
    this.headers[name] = value
    return this
  }

  private finish(outcome: Outcome): Reply {
    return { headers: this.headers, cookies: this.cookies, outcome }
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
    if (error.retryAfterSeconds !== undefined) {
      this.headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)))
    }
    if (error.code === 'method_not_allowed') this.headers.allow = 'POST'
    const body: Record<string, unknown> = {
      type: 'about:blank',
      title: messageOf[error.code],
      status: error.status,
      code: error.code,
    }
    if (error.retryAfterSeconds !== undefined) {
      body.retryAfter = Math.max(1, Math.ceil(error.retryAfterSeconds))
    }
    return this.finish({
      kind: 'respond',
      status: error.status,
      contentType: 'application/problem+json; charset=utf-8',
      body: JSON.stringify(body),
    })
  }

  /** A browser goes back to `page` with the error code (and wait time) in the query. */
  errorRedirect(page: string, code: MfaErrorCode, retryAfterSeconds?: number): Reply {
    return this.redirect(
      withQuery(page, {
        error: code,
        retry_after:
          retryAfterSeconds === undefined ? undefined : String(Math.ceil(retryAfterSeconds)),
      }),
    )
  }
}

/** Wraps anything thrown into an `MfaError`, keeping library errors as they are. */
export function asMfaError(error: unknown): MfaError | undefined {
  return error instanceof MfaError ? error : undefined
}
