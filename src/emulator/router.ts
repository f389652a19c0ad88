/** @module A tiny router: `:name` path parameters, exact segments, method per route. */
import type { SigningKey } from './jwt.js'
import type { SessionJwts } from './session-jwt.js'
import type { EmulatorState } from './state.js'

/** What every route module is built from. */
export interface EmulatorContext {
  readonly state: EmulatorState
  readonly jwts: SessionJwts
  readonly signingKey: SigningKey
  readonly projectId: string
}

export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** Parsed JSON, or `undefined` for an empty body. */
  readonly body: unknown
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface Route {
  readonly method: Method
  /** e.g. `/v1/b2b/organizations/:organization_id/members/:member_id`. */
  readonly path: string
  /**
   * `api`: Basic auth, counted, faults apply, Stytch envelope (`request_id`, `status_code`).
   * `public`: the same without auth (JWKS). `control`: `/__emulator/*`, raw JSON, no auth.
   */
  readonly access: 'api' | 'public' | 'control'
  readonly handle: (
    request: RouteRequest,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method_not_allowed' }
  | { readonly kind: 'not_found' }

function matchPath(
  pattern: string,
  segments: readonly string[],
): Record<string, string> | undefined {
  const parts = pattern.split('/')
  if (parts.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? ''
    if (part.startsWith(':')) {
      if (segment === '') return undefined
      params[part.slice(1)] = segment
    } else if (part !== segment) {
      return undefined
    }
  }
  return params
}

/** Finds the route for a method and path; says whether only the method was wrong. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  let segments: string[]
  try {
    segments = pathname.split('/').map(decodeURIComponent)
  } catch {
    return { kind: 'not_found' }
  }
  let pathMatched = false
  for (const route of routes) {
    const params = matchPath(route.path, segments)
    if (!params) continue
    if (route.method === method) return { kind: 'found', route, params }
    pathMatched = true
  }
  return pathMatched ? { kind: 'method_not_allowed' } : { kind: 'not_found' }
}
