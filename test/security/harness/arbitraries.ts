/**
 * fast-check arbitraries for the fuzz targets: bodies (JSON, forms, already-parsed objects,
 * garbage) with pollution keys, unicode and long strings; cookie headers built from mutated real
 * credentials, duplicates and junk; the headers the CSRF and content negotiation read.
 */
import fc from 'fast-check'
import { ORIGIN } from '../../helpers/apps.js'

const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'isAdmin',
  'code',
  'email',
  'organization',
  'returnTo',
  'phoneNumber',
  'recoveryCode',
  'organizationId',
  'organizationSlug',
  'member_id',
  'memberId',
  'organization_id',
  'session_token',
  'session_jwt',
  'intermediate_session_token',
  'member_authenticated',
  'mfa_passed',
  'session_duration_minutes',
] as const

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
)

const codeLike = fc.oneof(
  fc.stringMatching(/^[0-9]{6}$/),
  fc.stringMatching(/^[0-9]{1,8}$/),
  fc.constantFrom('%', '*', '.*', '１２３４５６', '١٢٣٤٥٦', ' 123456 ', '123456\n', '$ne'),
)

const emailLike = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom(
    'admin@acme.test',
    'ghost@acme.test',
    'a@x.com,b@y.com',
    '"e@attacker.com"@acme.test',
    'admin@acme.test\r\nBcc:x@y.z',
    '\u0430dmin@acme.test',
  ),
)

const leaf = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: codeLike },
  { weight: 2, arbitrary: emailLike },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  // Long strings, built cheaply (a short random piece repeated): up to 20 KB, the body limit.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 250, max: 2500 }))
      .map(([piece, times]) => piece.repeat(times)),
  },
)

/** Any JSON-ish value, nested a little, with pollution-prone keys. */
export const value: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node

/** A body for a step: mostly the step's own fields with odd values, plus extra keys. */
export function bodyFor(
  fields: Readonly<Record<string, fc.Arbitrary<unknown>>>,
): fc.Arbitrary<unknown> {
  const known = fc.record(
    Object.fromEntries(
      Object.entries(fields).map(([name, arbitrary]) => [name, fc.oneof(arbitrary, value)]),
    ),
    { requiredKeys: [] },
  )
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(known, fc.dictionary(key, value, { maxKeys: 3 }))
        .map(([a, b]) => ({ ...b, ...a })),
    },
    { weight: 1, arbitrary: fc.dictionary(key, value, { maxKeys: 6 }) },
    { weight: 1, arbitrary: value },
  )
}

export const fields = {
  email: emailLike,
  organization: fc.oneof(
    fc.constantFrom('acme', 'beta', 'gamma', 'nope'),
    fc.string({ maxLength: 20 }),
  ),
  code: codeLike,
  returnTo: fc.oneof(fc.webUrl(), fc.webPath(), fc.string({ maxLength: 60 })),
  phoneNumber: fc.oneof(fc.stringMatching(/^\+[0-9]{6,17}$/), fc.string({ maxLength: 20 })),
  recoveryCode: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/),
    codeLike,
    fc.string({ maxLength: 20 }),
  ),
}

export type Encoding = 'json' | 'form' | 'parsed' | 'garbage' | 'text' | 'none'

export const encoding: fc.Arbitrary<Encoding> = fc.constantFrom(
  'json',
  'json',
  'form',
  'parsed',
  'garbage',
  'text',
  'none',
)

export interface Encoded {
  readonly contentType: string | undefined
  readonly body: string | undefined
  readonly parsedBody: unknown
}

/** `JSON.stringify`, which returns `undefined` for `undefined` (its type says string). */
export function json(input: unknown, fallback = 'null'): string {
  const text = JSON.stringify(input) as string | undefined
  return text ?? fallback
}

function formValue(input: unknown): string {
  return typeof input === 'string' ? input : json(input, '')
}

/** The bytes (or the parsed object a body parser would hand over) of `body`. */
export function encode(body: unknown, how: Encoding, garbage: string): Encoded {
  switch (how) {
    case 'json':
      return {
        contentType: 'application/json',
        body: json(body),
        parsedBody: undefined,
      }
    case 'form': {
      const params = new URLSearchParams()
      if (typeof body === 'object' && body !== null) {
        for (const [name, item] of Object.entries(body)) params.append(name, formValue(item))
      } else params.append('value', formValue(body))
      return {
        contentType: 'application/x-www-form-urlencoded',
        body: params.toString(),
        parsedBody: undefined,
      }
    }
    case 'parsed':
      return {
        contentType: 'application/json',
        body: undefined,
        parsedBody: JSON.parse(json(body)),
      }
    case 'garbage':
      return { contentType: 'application/json', body: garbage, parsedBody: undefined }
    case 'text':
      return { contentType: 'text/plain', body: json(body, ''), parsedBody: undefined }
    case 'none':
      return { contentType: undefined, body: undefined, parsedBody: undefined }
  }
}

export const garbage = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('{"code":', '{', 'NaN', '[[[[', '{"__proto__":{"polluted":1}}', '\u0000'),
  fc.integer({ min: 17_000, max: 20_000 }).map((length) => '['.repeat(length)),
)

/** An encoding and, only when it is `garbage`, the garbage (generating it is not free). */
export const encodingWithGarbage: fc.Arbitrary<{ how: Encoding; junk: string }> = encoding.chain(
  (how) => (how === 'garbage' ? garbage : fc.constant('')).map((junk) => ({ how, junk })),
)

/** Changes one character of `value` that is not the last of a base64url segment. */
export function mutate(value: string): fc.Arbitrary<string> {
  const positions: number[] = []
  for (let index = 0; index < value.length - 1; index += 1) {
    if (value[index + 1] !== '.' && index !== value.length - 1) positions.push(index)
  }
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...positions), fc.constantFrom('A', 'B', '-', '_', '0', '%', '.'))
      .map(([at, char]) => {
        const next = value[at] === char ? (char === 'A' ? 'B' : 'A') : char
        return value.slice(0, at) + next + value.slice(at + 1)
      }),
    fc.nat({ max: Math.max(0, value.length - 2) }).map((length) => value.slice(0, length)),
    fc.string({ maxLength: 8 }).map((suffix) => `${value}x${suffix}`),
  )
}

export const PENDING_NAMES = ['__Host-stytch_mfa_pending', 'stytch_mfa_pending'] as const
export const SESSION_NAMES = [
  '__Host-stytch_session',
  '__Host-stytch_session_jwt',
  'stytch_session',
  'stytch_session_jwt',
] as const

/** Real credentials to mutate: a pending cookie (may be sent intact) and a session (never intact). */
export interface Seeds {
  readonly pending: string
  readonly sessionToken: string
  readonly sessionJwt: string
}

function cookieValue(seeds: Seeds, name: string): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [
    mutate(seeds.pending),
    mutate(seeds.sessionToken),
    mutate(seeds.sessionJwt),
    fc.string({ maxLength: 40 }).map((text) => encodeURIComponent(text)),
    fc.stringMatching(/^[A-Za-z0-9._-]{0,80}$/),
    fc.constantFrom('', '%', '%E0%A4%A', 'null', 'undefined', '[object Object]'),
  ]
  if (name.endsWith('mfa_pending')) options.push(fc.constant(seeds.pending))
  return fc.oneof(...options)
}

/** A Cookie header: library cookie names (repeated, prefixed or not) with real-looking values. */
export function cookieHeader(seeds: Seeds): fc.Arbitrary<string | undefined> {
  const pair = fc
    .constantFrom(...PENDING_NAMES, ...SESSION_NAMES, 'connect.sid', 'koa.sess', 'other')
    .chain((name) => cookieValue(seeds, name).map((cookie) => `${name}=${cookie}`))
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 5,
      arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => pairs.join('; ')),
    },
  )
}

/** The headers that matter: Fetch Metadata, Origin/Referer, content negotiation. */
export const requestHeaders = fc.record(
  {
    'sec-fetch-site': fc.oneof(
      fc.constantFrom('same-origin', 'same-origin', 'same-site', 'cross-site', 'none'),
      fc.string({ maxLength: 12 }),
    ),
    'sec-fetch-mode': fc.constantFrom('navigate', 'cors', 'no-cors', 'same-origin', 'websocket'),
    origin: fc.oneof(
      fc.constantFrom(
        ORIGIN,
        ORIGIN,
        'null',
        'https://evil.example',
        `${ORIGIN}.evil.example`,
        'http://admin.example.test',
      ),
      fc.webUrl(),
    ),
    referer: fc.oneof(fc.constant(`${ORIGIN}/login`), fc.webUrl(), fc.string({ maxLength: 20 })),
    accept: fc.constantFrom(
      'application/json',
      'text/html',
      '*/*',
      'application/problem+json',
      'text/html,application/json',
    ),
    'content-encoding': fc.constantFrom('gzip', 'identity', 'br'),
    'accept-language': fc.oneof(
      fc.constantFrom('en', 'fr-CA,fr;q=0.9', 'es;q=0', 'x'),
      fc.string({ maxLength: 30 }),
    ),
    'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 })),
  },
  { requiredKeys: [] },
)
