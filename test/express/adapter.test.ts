import type { NextFunction, Request, Response } from 'express'
import express5 from 'express'
import express4 from 'express4'
import { createServer } from 'node:http'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { admit } from '../../src/core/reply.js'
import {
  applyReply,
  createVerifiedSlot,
  toAuthRequest,
  verifiedSession,
} from '../../src/express/adapter.js'
import type { MemberSession } from '../../src/core/ports/stytch.js'

const session: MemberSession = {
  memberSessionId: 'ms-1',
  memberId: 'member-1',
  organizationId: 'org-1',
  organizationSlug: 'acme',
  startedAt: new Date(0),
  expiresAt: new Date(3_600_000),
  authenticationFactors: [],
  roles: [],
}

const slot = createVerifiedSlot()
/** Another `createStytchMfa()` in the same app, whose guards admitted nothing. */
const otherSlot = createVerifiedSlot()

function admitting(req: Request, res: Response, next: NextFunction): void {
  applyReply(admit(session), req, res, next, slot)
}

function show(req: Request, res: Response): void {
  res.json({
    helper: verifiedSession(req, slot)?.memberId ?? null,
    otherInstance: verifiedSession(req, otherSlot)?.memberId ?? null,
    property: req.stytchMemberSession?.memberId ?? null,
    localsKeys: Reflect.ownKeys({ ...res.locals }).map(String),
  })
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('applyReply() on %s', (_name, express) => {
  describe('when the request is admitted', () => {
    it('makes the session readable from the request and its instance, and from nothing a view is given', async () => {
      const app = express()
      app.get('/admin', admitting, show)
      const res = await request(app).get('/admin')
      expect(res.body).toEqual({
        helper: 'member-1',
        otherInstance: null,
        property: 'member-1',
        localsKeys: [],
      })
      expect(res.headers['cache-control']).toBe('no-store')
    })

    it('replaces a session another middleware put on the request, which memberSession() never reads', async () => {
      const app = express()
      const forging = (req: Request, _res: Response, next: NextFunction) => {
        req.stytchMemberSession = { ...session, memberId: 'forged' }
        next()
      }
      app.get('/admin', forging, admitting, show)
      app.get('/open', forging, show)
      const admitted = await request(app).get('/admin')
      expect(admitted.body).toMatchObject({ helper: 'member-1', property: 'member-1' })
      const open = await request(app).get('/open')
      expect(open.body).toMatchObject({ helper: null, property: 'forged' })
    })
  })

  describe('when the request was not admitted', () => {
    it('reads no session, even from a request next to an admitted one', async () => {
      const app = express()
      app.get('/admin', admitting, show)
      app.get('/open', show)
      await request(app).get('/admin')
      const res = await request(app).get('/open')
      expect(res.body).toEqual({
        helper: null,
        otherInstance: null,
        property: null,
        localsKeys: [],
      })
    })
  })
})

describe('applyReply() on a host that does not link req.res (plain Node http, connect)', () => {
  it('still makes the admitted session readable from the request and its instance only', async () => {
    const server = createServer((req, res) => {
      admitting(req as Request, res as Response, () => {
        show(
          req as Request,
          Object.assign(res, {
            json: (body: unknown) => res.end(JSON.stringify(body)),
          }) as unknown as Response,
        )
      })
    })
    const res = await request(server).get('/admin')
    expect(JSON.parse(res.text)).toEqual({
      helper: 'member-1',
      otherInstance: null,
      property: 'member-1',
      localsKeys: [],
    })
  })
})

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('the body toAuthRequest() reports on %s', (_name, express) => {
  function reporting(app: ReturnType<typeof express>): void {
    app.post('/', (req, res) => {
      const parsed = toAuthRequest(req).parsedBody
      res.json({ parsed: parsed === undefined ? 'unread' : parsed })
    })
  }

  it('is what body-parser 1 or 2 parsed from the stream', async () => {
    for (const parser of [express5.json(), express4.json()]) {
      const app = express()
      app.use(parser)
      reporting(app)
      const res = await request(app).post('/').send({ code: '123456' })
      expect(res.body).toEqual({ parsed: { code: '123456' } })
    }
  })

  it('is nothing when a middleware set a body without reading the stream', async () => {
    const app = express()
    app.use((req, _res, next) => {
      req.body = { code: '000000' }
      next()
    })
    reporting(app)
    const res = await request(app).post('/').send({ code: '123456' })
    expect(res.body).toEqual({ parsed: 'unread' })
  })
})
