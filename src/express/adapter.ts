/** @module Express ⇄ core: a request in, a reply out. Express 4 and 5 alike. */
import type { NextFunction, Request, Response } from 'express'
import { headerReader, type AuthRequest, type Reply, type ServerSession } from '../core/http.js'
import { readStream } from '../core/read-stream.js'
import type { MemberSession } from '../stytch/port.js'

/** Where the library keeps its value in express-session's `req.session`. */
const SESSION_KEY = 'stytchB2bMfa'

/** The verified session per request, out of reach of other middleware (unlike a property). */
const verified = new WeakMap<object, MemberSession>()

type SessionLike = Record<string, unknown> & {
  regenerate(callback: (error?: unknown) => void): void
}

function serverSessionOf(req: Request): ServerSession | undefined {
  const current = (req as unknown as { session?: SessionLike }).session
  if (typeof current?.regenerate !== 'function') return undefined
  // express-session replaces req.session on regenerate: always look it up afresh.
  const session = () => (req as unknown as { session: SessionLike }).session
  return {
    read: () => session()[SESSION_KEY],
    write: (value) => {
      if (value === undefined) Reflect.deleteProperty(session(), SESSION_KEY)
      else session()[SESSION_KEY] = value
    },
    regenerate: () =>
      new Promise<void>((resolve, reject) => {
        session().regenerate((error) => {
          if (error === undefined || error === null) resolve()
          else
            reject(
              error instanceof Error ? error : new Error('express-session failed to regenerate'),
            )
        })
      }),
  }
}

export function toAuthRequest(req: Request): AuthRequest {
  const headers = req.headers
  return {
    method: req.method,
    url: req.originalUrl,
    secure: req.secure,
    ip: req.ip,
    header: headerReader(headers),
    // body-parser marks a body it parsed; otherwise the stream is still unread.
    parsedBody: (req as { _body?: unknown })._body === true ? (req.body as unknown) : undefined,
    readBody: (limit) => readStream(req, limit, headers['content-length']),
    serverSession: serverSessionOf(req),
  }
}

export function applyReply(reply: Reply, req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value)
  if (reply.cookies.length > 0) res.append('Set-Cookie', [...reply.cookies])
  const { outcome } = reply
  switch (outcome.kind) {
    case 'next':
      verified.set(req, outcome.session)
      req.stytchMemberSession = outcome.session
      next()
      return
    case 'respond':
      res.statusCode = outcome.status
      res.setHeader('content-type', outcome.contentType)
      res.end(outcome.body)
      return
    case 'redirect':
      res.statusCode = 303
      res.setHeader('location', outcome.location)
      res.end()
      return
    case 'error':
      next(outcome.error)
      return
  }
}

/** The session `requireMfa()` verified for this request, or `undefined`. */
export function verifiedSession(req: Request): MemberSession | undefined {
  return verified.get(req)
}
