/**
 * @module The HTTP server: routing, 1 MB JSON bodies, Basic auth on `/v1/` routes, fault
 * injection, and one renderer for every error.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { EmulatorApiError, errorBody, unauthorizedCredentials } from './errors.js'
import { applyFault, type Delays } from './faults.js'
import { newId } from './ids.js'
import { matchRoute, type Route } from './router.js'
import type { EmulatorState } from './state.js'

/** Largest request body accepted. */
export const BODY_LIMIT_BYTES = 1024 * 1024

export interface ServerOptions {
  readonly routes: readonly Route[]
  readonly state: EmulatorState
  readonly projectId: string
  readonly secret: string
  /** Closed on close, so delayed answers give up. */
  readonly delays: Delays
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** Constant-time check of `Authorization: Basic base64(project_id:secret)`. */
function isAuthorized(header: string | undefined, projectId: string, secret: string): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '')
  if (!match?.[1]) return false
  const given = Buffer.from(match[1], 'base64').toString('utf8')
  return timingSafeEqual(digest(given), digest(`${projectId}:${secret}`))
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  // Keeps draining past the limit: leaving the loop early would destroy the socket before the
  // 413 could be written.
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size <= BODY_LIMIT_BYTES) chunks.push(buffer)
  }
  if (size > BODY_LIMIT_BYTES) {
    // inferred: Stytch's answer to an oversized body.
    throw new EmulatorApiError(413, 'bad_request', '((Request body exceeds 1 MB.))')
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new EmulatorApiError(400, 'bad_request', '((Request body is not valid JSON.))')
  }
}

/** Answers one request, or throws an error for {@link handle} to render. */
async function answer(
  options: ServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const method = req.method ?? 'GET'
  const url = new URL(req.url ?? '/', 'http://emulator.invalid')
  const path = url.pathname
  const match = matchRoute(options.routes, method, path)
  const text = await readBody(req)
  if (path.startsWith('/v1/')) {
    const isPublic = match.kind === 'found' && match.route.access === 'public'
    if (!isPublic && !isAuthorized(req.headers.authorization, options.projectId, options.secret)) {
      throw unauthorizedCredentials()
    }
    options.state.countCall(path)
    const fault = options.state.faults.take(path)
    if (fault && (await applyFault(fault, res, requestId, options.delays)) === 'done') return
  }
  if (match.kind === 'not_found') {
    throw new EmulatorApiError(404, 'route_not_found', `((No route for ${method} ${path}.))`)
  }
  if (match.kind === 'method_not_allowed') {
    throw new EmulatorApiError(405, 'method_not_allowed', `((${method} is not allowed here.))`)
  }
  const result = await match.route.handle({
    params: match.params,
    query: url.searchParams,
    body: parseJson(text),
  })
  const envelope =
    match.route.access === 'control'
      ? result
      : { request_id: requestId, ...result, status_code: 200 }
  sendJson(res, 200, envelope)
}

/** The one error renderer: every failure, expected or not, leaves as Stytch's error JSON. */
async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse) {
  const requestId = newId('request-id')
  try {
    await answer(options, req, res, requestId)
  } catch (error) {
    const apiError =
      error instanceof EmulatorApiError
        ? error
        : new EmulatorApiError(500, 'internal_server_error', `((${String(error)}))`)
    if (!res.headersSent && !res.destroyed) {
      sendJson(res, apiError.status, errorBody(apiError, requestId))
    }
  }
}

/** An HTTP server answering like Stytch's B2B API; call `listen` on it. */
export function createEmulatorServer(options: ServerOptions): Server {
  return createServer((req, res) => {
    void handle(options, req, res)
  })
}
