/**
 * Core requests built by hand: the flow handlers of `setup()` called without a framework (a
 * real code path, with the real Stytch port against the emulator), and how a reply reads.
 */
import type { AuthRequest, Reply } from '../../../src/core/http.js'
import { MfaError, isMfaError } from '../../../src/core/errors.js'

export interface CoreRequestInit {
  readonly method?: string
  readonly url?: string
  readonly headers?: Readonly<Record<string, string | undefined>>
  readonly body?: string | Buffer
  readonly parsedBody?: unknown
  readonly secure?: boolean
  readonly ip?: string
}

export function coreRequest(init: CoreRequestInit = {}): AuthRequest {
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
    url: init.url ?? '/auth/x',
    secure: init.secure ?? true,
    ip: init.ip ?? '203.0.113.7',
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

/** The HTTP status an adapter would send for a reply (`admitted` for a guard's `next`). */
export function replyStatus(reply: Reply): number | 'admitted' {
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      return 'admitted'
    case 'respond':
      return outcome.status
    case 'redirect':
      return 303
    case 'error':
      return isMfaError(outcome.error) ? outcome.error.status : 500
  }
}

/** The `Location` of a reply, if it redirects. */
export function replyLocation(reply: Reply): string | undefined {
  return reply.outcome.kind === 'redirect' ? reply.outcome.location : undefined
}
