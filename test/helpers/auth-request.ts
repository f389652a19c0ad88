/** A hand-built core request, for unit tests of the core without a framework. */
import type { AuthRequest } from '../../src/core/http.js'
import { MfaError } from '../../src/core/errors.js'

export function authRequest(
  init: {
    method?: string
    headers?: Record<string, string>
    body?: string
    parsedBody?: unknown
    secure?: boolean
  } = {},
): AuthRequest {
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  )
  return {
    method: init.method ?? 'POST',
    url: '/x',
    secure: init.secure ?? true,
    ip: '127.0.0.1',
    header: (name) => headers[name],
    parsedBody: init.parsedBody,
    readBody: (limit) => {
      const buffer = Buffer.from(init.body ?? '')
      return buffer.length > limit
        ? Promise.reject(new MfaError('payload_too_large'))
        : Promise.resolve(buffer)
    },
    serverSession: undefined,
  }
}
