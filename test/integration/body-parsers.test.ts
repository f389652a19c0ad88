/**
 * The library reads its bodies the same whatever body parser the app mounted in front of it, or
 * none: a parser's result counts only once the request stream was read, and bad input through
 * any parser is a 4xx, never a 500.
 */
import { bodyParser as koaBodyparser } from '@koa/bodyparser'
import type { RequestHandler } from 'express'
import express5 from 'express'
import express4 from 'express4'
import type { Middleware } from 'koa'
import { koaBody } from 'koa-body'
import koaBodyParser from 'koa-bodyparser'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { ORIGIN } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import { ADMIN } from '../helpers/seed.js'
import {
  buildApp,
  FRAMEWORKS,
  isExpress,
  type BuiltApp,
  type FrameworkName,
} from './framework-apps.js'

const emulator = useEmulator()

interface ParserSetup {
  readonly name: string
  readonly express?: readonly RequestHandler[]
  readonly koa?: readonly Middleware[]
  /**
   * co-body hands zlib's error on without a status, so the parser itself answers a body that
   * claims gzip and is not with a 500, before the library runs: not the library's to change.
   */
  readonly badGzipIsParser500?: true
}

/** The parsers an Express app mounts, from its own package (body-parser 1 on 4, 2 on 5). */
function expressSetups(framework: 'Express 5' | 'Express 4'): ParserSetup[] {
  const own = framework === 'Express 4' ? express4 : express5
  return [
    { name: 'no body parser', express: [] },
    {
      name: 'its own express.json() and express.urlencoded({ extended: false })',
      express: [own.json(), own.urlencoded({ extended: false })],
    },
    {
      name: 'body-parser 1 (json and extended urlencoded)',
      express: [express4.json(), express4.urlencoded({ extended: true })],
    },
    {
      name: 'body-parser 2 (json and extended urlencoded)',
      express: [express5.json(), express5.urlencoded({ extended: true })],
    },
    { name: 'express.json() only, forms left unread', express: [own.json()] },
    { name: 'express.text() for text/plain only', express: [own.text()] },
    { name: 'express.text() for every type (a string body)', express: [own.text({ type: '*/*' })] },
    { name: 'express.raw() for every type (a Buffer body)', express: [own.raw({ type: '*/*' })] },
  ]
}

const koaSetups: readonly ParserSetup[] = [
  { name: 'no body parser', koa: [] },
  { name: 'koa-bodyparser', koa: [koaBodyParser()], badGzipIsParser500: true },
  {
    name: 'koa-bodyparser for forms only ({} on unread JSON)',
    koa: [koaBodyParser({ enableTypes: ['form'] })],
  },
  { name: '@koa/bodyparser', koa: [koaBodyparser()], badGzipIsParser500: true },
  {
    name: '@koa/bodyparser for forms only ({} on unread JSON)',
    koa: [koaBodyparser({ enableTypes: ['form'] })],
  },
  { name: 'koa-body', koa: [koaBody()], badGzipIsParser500: true },
  {
    name: 'koa-body with multipart',
    koa: [koaBody({ multipart: true })],
    badGzipIsParser500: true,
  },
  { name: 'koa-body for forms only', koa: [koaBody({ json: false })] },
]

function setupsOf(framework: FrameworkName): readonly ParserSetup[] {
  return isExpress(framework) ? expressSetups(framework) : koaSetups
}

function build(framework: FrameworkName, setup: ParserSetup): BuiltApp {
  return buildApp(framework, emulator.current, {
    ...(setup.express === undefined ? {} : { express: setup.express }),
    ...(setup.koa === undefined ? {} : { koa: setup.koa }),
    options: { limits: { smsCooldownSeconds: 0 } },
  })
}

/** Every step of the sign-in, then the guarded route, as JSON or as form posts. */
async function signInThrough(app: BuiltApp, form: boolean): Promise<void> {
  const client = new Client(app.listener)
  const post = (path: string, body: Record<string, unknown>) => client.post(path, body, { form })
  const steps = [
    await post('/auth/email/send', { email: ADMIN.email, organization: 'acme' }),
    await post('/auth/email/verify', { code: emulator.current.lastCode(ADMIN.email) }),
    await post('/auth/sms/send', {}),
    await post('/auth/sms/verify', { code: emulator.current.lastCode(ADMIN.phone) }),
  ]
  expect(
    steps.map((res) => [res.status, (res.body as { status?: unknown }).status]),
    JSON.stringify(steps.map((res) => res.body as unknown)),
  ).toEqual([
    [200, 'email_sent'],
    [200, 'mfa_required'],
    [200, 'sms_sent'],
    [200, 'signed_in'],
  ])
  const admin = await client.get('/admin')
  expect(admin.status).toBe(200)
  expect(admin.body.memberId).toMatch(/^member-/)
}

/** A same-origin API request with exactly these bytes. */
function rawPost(
  app: BuiltApp,
  path: string,
  body: string | Buffer,
  headers: Record<string, string>,
): request.Test {
  return request(app.listener)
    .post(path)
    .set({
      'x-forwarded-proto': 'https',
      origin: ORIGIN,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'cors',
      accept: 'application/json',
      ...headers,
    })
    .send(body)
}

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }

const BAD_GZIP = 'a "gzip" body that is not gzip'

/** What an attacker sends to the email step. */
const BAD_EMAIL_SENDS: readonly (readonly [string, string | Buffer, Record<string, string>])[] = [
  ['malformed JSON', '{"email":', JSON_TYPE],
  [
    'JSON with an array for the email',
    '{"email":["admin@acme.test"],"organization":"acme"}',
    JSON_TYPE,
  ],
  ['JSON null', 'null', JSON_TYPE],
  [
    'a repeated form field',
    'email=a%40acme.test&email=admin%40acme.test&organization=acme',
    FORM_TYPE,
  ],
  ['a nested form field', 'email[$ne]=x&organization=acme', FORM_TYPE],
  [BAD_GZIP, 'not gzip', { ...JSON_TYPE, 'content-encoding': 'gzip' }],
  ['a body with an unknown encoding', '{}', { ...JSON_TYPE, 'content-encoding': 'br2' }],
  ['no content type', '{"email":"admin@acme.test","organization":"acme"}', {}],
]

describe.each(FRAMEWORKS)('request bodies on %s', (framework) => {
  describe.each(setupsOf(framework))('with $name', (setup) => {
    it('signs in with JSON: email code, SMS resend, SMS code, then the guarded route opens', async () => {
      await signInThrough(build(framework, setup), false)
    })

    it('signs in with form posts the same way', async () => {
      await signInThrough(build(framework, setup), true)
    })

    it('answers malformed, ambiguous or mistyped bodies with a 4xx and never calls Stytch', async () => {
      const app = build(framework, setup)
      for (const [what, body, headers] of BAD_EMAIL_SENDS) {
        if (what === BAD_GZIP && setup.badGzipIsParser500 === true) continue
        const res = await rawPost(app, '/auth/email/send', body, headers)
        expect(res.status, what).toBeGreaterThanOrEqual(400)
        expect(res.status, what).toBeLessThan(500)
      }
      expect(emulator.current.calls('/v1/b2b/otps/email/login_or_signup')).toBe(0)
    })

    it('refuses a body over the library limit with 413, whichever parser read it', async () => {
      const app = build(framework, setup)
      const padding = 'x'.repeat(20_000)
      const json = JSON.stringify({ email: ADMIN.email, organization: 'acme', padding })
      const form = `email=admin%40acme.test&organization=acme&padding=${padding}`
      expect((await rawPost(app, '/auth/email/send', json, JSON_TYPE)).status).toBe(413)
      expect((await rawPost(app, '/auth/email/send', form, FORM_TYPE)).status).toBe(413)
      expect(emulator.current.calls('/v1/b2b/otps/email/login_or_signup')).toBe(0)
    })

    it('refuses text and multipart bodies with 415 even when the parser understood them', async () => {
      const app = build(framework, setup)
      const text = await rawPost(
        app,
        '/auth/email/send',
        JSON.stringify({ email: ADMIN.email, organization: 'acme' }),
        { 'content-type': 'text/plain' },
      )
      expect(text.status).toBe(415)
      const multipart = await rawPost(
        app,
        '/auth/email/send',
        '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nadmin@acme.test\r\n' +
          '--b\r\nContent-Disposition: form-data; name="organization"\r\n\r\nacme\r\n--b--\r\n',
        { 'content-type': 'multipart/form-data; boundary=b' },
      )
      expect(multipart.status).toBe(415)
      expect(emulator.current.calls('/v1/b2b/otps/email/login_or_signup')).toBe(0)
    })
  })
})

describe.each(FRAMEWORKS)('a request stream drained by other middleware on %s', (framework) => {
  it('answers 400 at once instead of waiting for a body that will not come', async () => {
    const drain = (stream: NodeJS.ReadableStream) =>
      new Promise<void>((resolve) => {
        stream.on('end', resolve).resume()
      })
    const app = buildApp(framework, emulator.current, {
      express: [
        (req, _res, next) => {
          drain(req).then(() => {
            next()
          }, next)
        },
      ],
      koa: [
        async (ctx, next) => {
          await drain(ctx.req)
          await next()
        },
      ],
    })
    const res = await rawPost(
      app,
      '/auth/email/send',
      JSON.stringify({ email: ADMIN.email, organization: 'acme' }),
      JSON_TYPE,
    )
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('invalid_request')
  })
})
