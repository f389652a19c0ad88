/**
 * A hand-built core request: for unit tests of the core, and for the security suite calling the
 * flow handlers without a framework. Like a real one, a body comes with its Content-Length.
 */
import type { AuthRequest } from '../../src/core/ports/framework.js'
import { MfaError } from '../../src/core/errors.js'

export interface AuthRequestInit {
  /** @default 'POST' */
  readonly method?: string
  /** @default '/x' */
  readonly url?: string
  /** By any case; `undefined` values are left out. */
  readonly headers?: Readonly<Record<string, string | undefined>>
  /** The raw body; it gets a matching Content-Length unless the headers name one. */
  readonly body?: string | Buffer
  /** What an app body parser left (`undefined`: none ran). */
  readonly parsedBody?: unknown
  /** @default true */
  readonly secure?: boolean
  /** @default '127.0.0.1' */
  readonly ip?: string
}

export function authRequest(init: AuthRequestInit = {}): AuthRequest {
  const headers = new Map<string, string>()
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (value !== undefined) headers.set(name.toLowerCase(), value)
  }
  const body = init.body === undefined ? undefined : Buffer.from(init.body)
  if (body !== undefined && !headers.has('content-length')) {
    headers.set('content-length', String(body.length))
  }
  return {
    method: init.method ?? 'POST',
    url: init.url ?? '/x',
    secure: init.secure ?? true,
    ip: init.ip ?? '127.0.0.1',
    header: (name) => headers.get(name),
    parsedBody: init.parsedBody,
    readBody: (limit) => {
      const bytes = body ?? Buffer.alloc(0)
      return bytes.length > limit
        ? Promise.reject(new MfaError('payload_too_large'))
        : Promise.resolve(bytes)
    },
    serverSession: undefined,
  }
}
