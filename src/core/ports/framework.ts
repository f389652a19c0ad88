/**
 * @module The framework port: what the core needs to know about a request, and the reply it
 * hands back for the adapter to apply. Adapters translate; they decide nothing.
 */
import type { MemberSession } from './stytch.js'

/** A server-side session (express-session, koa-session) as the core uses it. */
export interface ServerSession {
  /** The value the library stored under its key, if any. */
  read(): unknown
  /** Stores (or, with `undefined`, removes) the library's value. */
  write(value: unknown): void
  /** Replaces the session id (fixation defence); the new session starts empty. */
  regenerate(): Promise<void>
  /**
   * Where the middleware keeps the session's data: `client` when the data itself rides in a
   * cookie (koa-session without a store), which would put Stytch's tokens in the browser.
   */
  readonly keptIn: 'server' | 'client'
  /** The attributes the middleware gives its session cookie, as far as it says. */
  readonly cookie: SessionCookieAttributes
}

/** A session middleware's cookie settings, as it reports them (`undefined`: not said). */
export interface SessionCookieAttributes {
  readonly httpOnly: boolean | undefined
  readonly sameSite: unknown
}

/** The request, as the core sees it. */
export interface AuthRequest {
  /** Upper-case method. */
  readonly method: string
  /** Path and query as received (`originalUrl`). */
  readonly url: string
  /** True when the request came over TLS (honouring `trust proxy` / `app.proxy`). */
  readonly secure: boolean
  /** Client IP (honouring `trust proxy` / `app.proxy`). */
  readonly ip: string | undefined
  /** A header by lower-case name; repeated headers joined with `, `. */
  header(name: string): string | undefined
  /**
   * What an app body parser made of the body (a parsed value, text or bytes), reported only when
   * the request stream was read; `undefined` when it is unread, for `readBody` to read.
   */
  readonly parsedBody: unknown
  /** Reads the raw body (at most `limit` bytes, else `payload_too_large`). */
  readBody(limit: number): Promise<Buffer>
  /** The mounted server-side session, if any. */
  readonly serverSession: ServerSession | undefined
}

/** What the adapter does after the headers and cookies are applied. */
export type Outcome =
  /** Continue to the next middleware, with the verified session attached. */
  | { readonly kind: 'next'; readonly session: MemberSession }
  /** Answer with this body. */
  | {
      readonly kind: 'respond'
      readonly status: number
      readonly contentType: string
      readonly body: string
    }
  /** Answer with a `303 See Other` to a same-origin path. */
  | { readonly kind: 'redirect'; readonly location: string }
  /** Hand this error to the framework's error handling (`next(err)` / throw). */
  | { readonly kind: 'error'; readonly error: Error }

/** What the core hands back: headers and cookies to set, then the outcome. */
export interface Reply {
  /** Response headers (names lower-case). */
  readonly headers: Readonly<Record<string, string>>
  /** Complete `Set-Cookie` values, in order. */
  readonly cookies: readonly string[]
  readonly outcome: Outcome
}

/** A header of Node's header object by lower-case name, repeated headers joined with `, `. */
export function headerOf(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name]
  return typeof value === 'string' || value === undefined ? value : value.join(', ')
}
