/**
 * Property-based fuzzing (fast-check, fixed seed) of the body of every POST step in the core's
 * table and of `resetMemberMfa()`, the cookies, the headers that matter and returnTo: most of the
 * volume calls the core handlers directly with hand-built requests (the real Stytch port against
 * the emulator), the rest goes over HTTP on every framework. Every input must keep the
 * invariants: no session, no admission, no 500, only expected statuses, errors as problem+json,
 * same-origin Location, no pollution, nothing secret in logs.
 * Volume: 50,000 inputs with CI=true, 5,000 otherwise.
 */
import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import { B2BClient } from 'stytch'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Handler } from '../../src/core/engine.js'
import { isMfaError } from '../../src/core/errors.js'
import type { MfaEvent } from '../../src/core/events.js'
import type { ResetMemberMfaInput } from '../../src/core/flows/reset-member-mfa.js'
import type { Reply } from '../../src/core/ports/framework.js'
import { createSealer } from '../../src/core/seal.js'
import { STEPS as CORE_STEPS, type StepName } from '../../src/core/steps.js'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { createCore, untranslated, type CoreHandlers } from '../../src/setup.js'
import { ORIGIN, SECRET, frameworks, libraryOptions, type AppSpec } from '../helpers/apps.js'
import {
  bodyFor,
  cookieHeader,
  encode,
  encodingWithGarbage,
  fields,
  json,
  requestHeaders,
  value,
  type Encoding,
  type Seeds,
} from './harness/arbitraries.js'
import { closeSink, installCapture, openSink, type Sink } from './harness/capture.js'
import { coreRequest, replyLocation, replyStatus } from './harness/core.js'
import { Browser } from './harness/http.js'
import {
  Checker,
  checkExchange,
  findSecrets,
  headerText,
  isLibraryResponse,
  isSessionCookieSet,
  parseSetCookie,
  prototypeFingerprint,
  unsafeLocation,
  type Secret,
} from './harness/invariants.js'
import { CaseApp, type Exchange, type Recording } from './harness/recorder.js'
import {
  ADMIN,
  APP,
  APP_PEER,
  APP_RECOVERY_CODES,
  MEMBER,
  NO_FACTOR,
  ORG,
  PLAIN,
  SEED_EMAILS,
  SEED_PHONES,
  ZETA,
  securitySeed,
} from './harness/seed.js'
import { addCounts, publishPart, type FuzzTally } from './harness/summary.js'

const CI = process.env.CI === 'true'
const TOTAL = CI ? 50_000 : 5_000
const SEED = 20_261_123
const ALLOWED = new Set([200, 303, 400, 401, 403, 404, 405, 409, 413, 415, 429])

/** Every step of the core's table that is a POST route: each gets a body target. */
type PostStep = Exclude<StepName, 'requireMfa'>
const POST_STEPS = (Object.keys(CORE_STEPS) as StepName[]).filter(
  (step): step is PostStep => step !== 'requireMfa',
)

/** Share of the volume per POST step's body target (with SHARES and HTTP_SHARE, sums to 1). */
const STEP_SHARES: Record<PostStep, number> = {
  sendEmailOtp: 0.09,
  verifyEmailOtp: 0.07,
  sendDiscoveryEmailOtp: 0.04,
  verifyDiscoveryEmailOtp: 0.04,
  selectOrganization: 0.05,
  switchOrganization: 0.04,
  sendSmsOtp: 0.06,
  verifySmsOtp: 0.07,
  enrolTotp: 0.02,
  verifyTotp: 0.04,
  recoverWithCode: 0.04,
  rotateRecoveryCodes: 0.02,
  logout: 0.04,
}
/** Share of the volume per other target. */
const SHARES = {
  'core resetMemberMfa: inputs, cookies, headers, methods': 0.03,
  'core every POST step: Origin, Sec-Fetch-*, Content-Type, Accept': 0.1,
  'core requireMfa: cookies, headers, GET paths (returnTo)': 0.1,
  'core sendEmailOtp returnTo, read back from the sealed cookie': 0.04,
  'core full sign-in with returnTo, final Location': 0.01,
} as const
const HTTP_SHARE = 0.1

const runs = (share: number) => Math.max(1, Math.round(TOTAL * share))

const started = performance.now()
const tally: FuzzTally = { seed: SEED, targets: {}, checks: {}, failures: {}, statuses: {} }
let emulator: Emulator
let seeds: Seeds
let more: MoreSeeds
let uninstall: (() => void) | undefined
let sink: Sink

const SAME_ORIGIN = {
  origin: ORIGIN,
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  accept: 'application/json',
}
const GENEROUS: AppSpec = {
  options: {
    limits: {
      smsCooldownSeconds: 0,
      smsPerMemberPerHour: 1000,
      smsPerMemberPerDay: 10_000,
      smsPerPhonePerDay: 10_000,
      smsPerIpPerHour: 100_000,
      emailPerAddressPerHour: 1000,
      emailPerIpPerHour: 100_000,
    },
  },
}

/**
 * The core of a configuration, its SDK client on connections that are not kept alive: a fuzz
 * target calls Stytch seldom, and an idle keep-alive socket reused just as the emulator (in the
 * same process) closes it fails as "Stytch unreachable" whatever the input was.
 */
function core(spec: AppSpec = {}): { factories: CoreHandlers; events: MfaEvent[] } {
  const events: MfaEvent[] = []
  const client = new B2BClient({
    project_id: emulator.projectId,
    secret: emulator.secret,
    env: emulator.url,
    dispatcher: new Agent({ pipelining: 0, keepAliveTimeout: 1, keepAliveMaxTimeout: 1 }),
  })
  const options = libraryOptions(emulator, events, spec)
  return {
    factories: createCore({ ...options, stytch: { client, timeoutMs: 1000 } }, untranslated),
    events,
  }
}

function cookieOf(reply: Reply, name: string): string {
  for (const header of reply.cookies) {
    const cookie = parseSetCookie(header)
    if (cookie.name === name && cookie.value !== '') return cookie.value
  }
  throw new Error(`no ${name} cookie in the reply`)
}

const post = (handler: Handler, body: unknown, cookie?: string) =>
  handler(
    coreRequest({
      url: '/auth/x',
      headers: { ...SAME_ORIGIN, 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    }),
  )

/** A session (to mutate) and a login left in progress (its pending cookie), through the core. */
async function makeSeeds(): Promise<Seeds> {
  const { factories } = core(GENEROUS)
  const login = async () => {
    const sent = await post(factories.sendEmailOtp(), { email: ADMIN.email, organization: 'acme' })
    const emailStep = `__Host-stytch_mfa_pending=${cookieOf(sent, '__Host-stytch_mfa_pending')}`
    const verified = await post(
      factories.verifyEmailOtp(),
      { code: emulator.lastCode(ADMIN.email) },
      emailStep,
    )
    return cookieOf(verified, '__Host-stytch_mfa_pending')
  }
  const first = await login()
  const signedIn = await post(
    factories.verifySmsOtp(),
    { code: emulator.lastCode(ADMIN.phone) },
    `__Host-stytch_mfa_pending=${first}`,
  )
  const sessionToken = cookieOf(signedIn, '__Host-stytch_session')
  const sessionJwt = cookieOf(signedIn, '__Host-stytch_session_jwt')
  return { pending: await login(), sessionToken, sessionJwt }
}

/** Logins in progress and a session that later steps take, sent intact as well as mutated. */
interface MoreSeeds {
  /** APP's discovery login at the organization picker (Zeta and Eta), and what it lists. */
  readonly picker: string
  readonly listed: readonly { readonly organizationId: string; readonly organizationSlug: string }[]
  /** A discovery login waiting for its email code. */
  readonly discoveryCode: string
  /** APP_PEER's login at Zeta, at its authenticator-app step (recovery codes too). */
  readonly appStep: string
  /** PLAIN signed in to Beta, the only organization of the address, with no second factor. */
  readonly plainToken: string
  readonly plainJwt: string
}

const pendingOf = (reply: Reply) =>
  `__Host-stytch_mfa_pending=${cookieOf(reply, '__Host-stytch_mfa_pending')}`

function bodyOf(reply: Reply): unknown {
  if (reply.outcome.kind !== 'respond') throw new Error(`a ${reply.outcome.kind}, not a body`)
  return JSON.parse(reply.outcome.body)
}

async function makeMoreSeeds(): Promise<MoreSeeds> {
  const { factories } = core(GENEROUS)
  const sendDiscovery = factories.sendDiscoveryEmailOtp()
  const discovery = await post(sendDiscovery, { email: APP.email })
  const picker = await post(
    factories.verifyDiscoveryEmailOtp(),
    { code: emulator.lastCode(APP.email) },
    pendingOf(discovery),
  )
  const { organizations } = bodyOf(picker) as { organizations: MoreSeeds['listed'] }
  const waiting = await post(sendDiscovery, { email: NO_FACTOR.email })
  const login = async (email: string, organization: string) => {
    const sent = await post(factories.sendEmailOtp(), { email, organization })
    return post(factories.verifyEmailOtp(), { code: emulator.lastCode(email) }, pendingOf(sent))
  }
  const appStep = await login(APP_PEER.email, ZETA)
  const plain = await login(PLAIN.email, 'beta')
  return {
    picker: cookieOf(picker, '__Host-stytch_mfa_pending'),
    listed: organizations.map(({ organizationId, organizationSlug }) => ({
      organizationId,
      organizationSlug,
    })),
    discoveryCode: cookieOf(waiting, '__Host-stytch_mfa_pending'),
    appStep: cookieOf(appStep, '__Host-stytch_mfa_pending'),
    plainToken: cookieOf(plain, '__Host-stytch_session'),
    plainJwt: cookieOf(plain, '__Host-stytch_session_jwt'),
  }
}

/** The intermediate session tokens sealed in the seeds' login cookies, and the intact session. */
async function seedSecrets(): Promise<Secret[]> {
  const sealer = createSealer([SECRET], 'pending-login')
  const secrets: Secret[] = [
    { kind: 'session token', value: more.plainToken },
    { kind: 'session JWT', value: more.plainJwt },
  ]
  for (const sealed of [seeds.pending, more.picker, more.discoveryCode, more.appStep]) {
    const opened = await sealer.open(sealed, emulator.now())
    if (typeof opened?.intermediateSessionToken === 'string') {
      secrets.push({ kind: 'intermediate session token', value: opened.intermediateSessionToken })
    }
  }
  return secrets
}
let sealedSecrets: Secret[] = []

/**
 * Cookies around a login cookie `pending` other than the first seed's (intact or mutated), or
 * that cookie alone, so that half the bodies reach what follows the cookie's check.
 */
const cookiesWith = (pending: string) =>
  fc.oneof(cookieHeader({ ...seeds, pending }), fc.constant(`__Host-stytch_mfa_pending=${pending}`))

/** Cookies of PLAIN's intact session, alone or before junk, or mutated credentials. */
function signedInCookies(): fc.Arbitrary<string | undefined> {
  const intact = `__Host-stytch_session=${more.plainToken}; __Host-stytch_session_jwt=${more.plainJwt}`
  return fc.oneof(
    cookieHeader(seeds),
    fc.constant(intact),
    cookieHeader(seeds).map((other) => (other === undefined ? intact : `${intact}; ${other}`)),
  )
}

function count(status: number | 'admitted'): void {
  const key = String(status)
  tally.statuses[key] = (tally.statuses[key] ?? 0) + 1
}

/** The invariants for one core reply (as the adapter would send it). */
function checkReply(
  checker: Checker,
  reply: Reply,
  request: { readonly method: string; readonly url: string; readonly secure: boolean },
  mintedBefore: number,
  prototype: string,
  options: { readonly mayMint?: boolean } = {},
): number | 'admitted' {
  const status = replyStatus(reply)
  count(status)
  checker.check('adminWronglyAdmitted', status !== 'admitted', () => `${request.url} admitted`)
  const headers: Record<string, unknown> = { ...reply.headers }
  if (reply.outcome.kind === 'respond') headers['content-type'] = reply.outcome.contentType
  const location = replyLocation(reply)
  if (location !== undefined) headers.location = location
  const exchange: Exchange = {
    phase: 'attack',
    method: request.method,
    url: request.url,
    https: request.secure,
    status: status === 'admitted' ? 200 : status,
    headers,
    setCookies: reply.cookies,
    ms: 0,
    finished: true,
  }
  checkExchange(checker, exchange, { upstreamFault: false, extra: [] })
  checker.check(
    'unexpectedStatus',
    status === 'admitted' || ALLOWED.has(status),
    () => `${request.url} → ${status}`,
  )
  const { outcome } = reply
  if (outcome.kind === 'respond' && outcome.status >= 400) {
    checker.check(
      'errorsNotProblemJson',
      outcome.contentType.startsWith('application/problem+json'),
      () => `${request.url} → ${outcome.status} ${outcome.contentType}`,
    )
  }
  const mayMint = options.mayMint === true
  if (!mayMint) {
    checker.check(
      'sessionCookiesWronglySet',
      !reply.cookies.some(isSessionCookieSet),
      () => `${request.url} set a session cookie`,
    )
  }
  checkUnchanged(checker, request.url, mayMint ? undefined : mintedBefore, prototype)
  return status
}

/**
 * What no input may change: the sessions minted upstream (unless `mintedBefore` is undefined),
 * `Object.prototype`, and the process (no crash).
 */
function checkUnchanged(
  checker: Checker,
  where: string,
  mintedBefore: number | undefined,
  prototype: string,
): void {
  if (mintedBefore !== undefined) {
    const minted = emulator.sessionsMinted() - mintedBefore
    checker.check('sessionsWronglyCreated', minted === 0, () => `${where} minted ${minted}`)
  }
  checker.check(
    'prototypePollution',
    prototypeFingerprint() === prototype,
    () => 'Object.prototype changed',
  )
  checker.check('crashes', sink.crashes.length === 0, () => sink.crashes.map(String).join('; '))
}

/** Runs one fuzz target: `numRuns` inputs, invariants after each, secrets scanned at the end. */
async function fuzz<T>(
  name: string,
  numRuns: number,
  index: number,
  arbitrary: fc.Arbitrary<T>,
  predicate: (input: T, checker: Checker) => Promise<void>,
  events: () => readonly MfaEvent[],
  extraSecrets: readonly Secret[] = [],
): Promise<void> {
  const checker = new Checker()
  const logsBefore = sink.logs.length
  let inputs = 0
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        inputs += 1
        const before = checker.violations.length
        await predicate(input, checker)
        if (checker.violations.length > before)
          throw new Error(checker.violations.slice(before).join('\n'))
      }),
      { seed: SEED + index, numRuns, endOnFailure: true },
    )
    const secrets: Secret[] = [
      { kind: 'Stytch secret', value: emulator.secret },
      { kind: 'cookie secret', value: SECRET },
      { kind: 'session token', value: seeds.sessionToken },
      { kind: 'session JWT', value: seeds.sessionJwt },
      ...SEED_PHONES.map((phone): Secret => ({ kind: 'phone number', value: phone })),
      ...SEED_EMAILS.map((email): Secret => ({ kind: 'email address', value: email })),
      ...emulator.outbox().map((message): Secret => ({ kind: 'otp', value: message.code })),
      ...sealedSecrets,
      ...extraSecrets,
    ]
    const leaks = findSecrets(
      [
        { where: 'logs', text: sink.logs.slice(logsBefore).join('\n') },
        {
          where: 'events',
          text: events()
            .map((event) => JSON.stringify(event))
            .join('\n'),
        },
      ],
      secrets,
    )
    checker.check('secretsInLogs', leaks.length === 0, () => leaks.join('; '))
  } finally {
    tally.targets[name] = (tally.targets[name] ?? 0) + inputs
    addCounts(tally.checks, checker.checks)
    addCounts(tally.failures, checker.failures)
  }
  expect(checker.violations).toEqual([])
  expect(inputs).toBe(numRuns)
}

beforeAll(async () => {
  uninstall = installCapture()
  sink = openSink()
  emulator = await startEmulator({ seed: securitySeed })
  seeds = await makeSeeds()
  more = await makeMoreSeeds()
  sealedSecrets = await seedSecrets()
}, 60_000)

afterAll(async () => {
  closeSink(sink)
  await emulator.close()
  uninstall?.()
  process.stdout.write(
    publishPart({
      part: 'fuzz',
      ci: CI,
      durationMs: performance.now() - started,
      frameworks: {},
      fuzz: tally,
    }),
  )
})

interface StepInput {
  readonly body: unknown
  readonly encoded: { readonly how: Encoding; readonly junk: string }
  readonly cookie: string | undefined
  readonly secure: boolean
}

interface Target<T> {
  readonly arbitrary: fc.Arbitrary<T>
  readonly predicate: (input: T, checker: Checker) => Promise<void>
  readonly events: () => readonly MfaEvent[]
}

/** What a step's body target sends: the body, and the cookies (none for a first step). */
interface StepFuzz {
  readonly body: () => fc.Arbitrary<unknown>
  readonly cookies?: () => fc.Arbitrary<string | undefined>
}

/** The organization a choice names: listed ones, others', and anything else. */
function choiceBody(listed: MoreSeeds['listed'] = []): fc.Arbitrary<unknown> {
  const ids = [ORG.acme, ORG.beta, ORG.gamma, ...listed.map((choice) => choice.organizationId)]
  const slugs = ['acme', 'beta', 'ZETA', ...listed.map((choice) => choice.organizationSlug)]
  const organizationId = fc.oneof(fc.constantFrom(...ids), fields.organization)
  const organizationSlug = fc.oneof(fc.constantFrom(...slugs), fields.organization)
  return fc.oneof(
    { weight: 2, arbitrary: bodyFor({ organizationId, organizationSlug }) },
    { weight: 1, arbitrary: fc.record({ organizationId }) },
    { weight: 1, arbitrary: fc.record({ organizationSlug }) },
  )
}

const recoveryCode = fc.oneof(fields.recoveryCode, fc.constantFrom(...APP_RECOVERY_CODES))

/** The body (and cookies) each POST step is fuzzed with; a new step fails to compile here. */
const STEP_FUZZ: Record<PostStep, StepFuzz> = {
  sendEmailOtp: {
    body: () =>
      bodyFor({
        email: fields.email,
        organization: fields.organization,
        returnTo: fields.returnTo,
      }),
  },
  verifyEmailOtp: {
    body: () =>
      bodyFor({ code: fields.code, email: fields.email, organization: fields.organization }),
    cookies: () => cookieHeader(seeds),
  },
  sendDiscoveryEmailOtp: {
    body: () => bodyFor({ email: fields.email, returnTo: fields.returnTo }),
  },
  verifyDiscoveryEmailOtp: {
    body: () => bodyFor({ code: fields.code, email: fields.email }),
    cookies: () => cookiesWith(more.discoveryCode),
  },
  selectOrganization: {
    body: () => choiceBody(more.listed),
    cookies: () => cookiesWith(more.picker),
  },
  switchOrganization: { body: () => choiceBody(), cookies: signedInCookies },
  sendSmsOtp: {
    body: () => bodyFor({ phoneNumber: fields.phoneNumber }),
    cookies: () => cookieHeader(seeds),
  },
  verifySmsOtp: { body: () => bodyFor({ code: fields.code }), cookies: () => cookieHeader(seeds) },
  enrolTotp: { body: () => value, cookies: () => cookiesWith(more.appStep) },
  verifyTotp: {
    body: () => bodyFor({ code: fields.code }),
    cookies: () => cookiesWith(more.appStep),
  },
  recoverWithCode: {
    body: () => bodyFor({ recoveryCode }),
    cookies: () => cookiesWith(more.appStep),
  },
  rotateRecoveryCodes: { body: () => value, cookies: signedInCookies },
  logout: { body: () => value, cookies: () => cookieHeader(seeds) },
}

/** A POST to a step with a body, cookies and the headers of a same-origin API client. */
function stepTarget(step: PostStep, fuzz: StepFuzz): Target<StepInput> {
  const { factories, events } = core()
  const handler = factories[step]()
  const arbitrary: fc.Arbitrary<StepInput> = fc.record({
    body: fuzz.body(),
    encoded: encodingWithGarbage,
    cookie: fuzz.cookies === undefined ? fc.constant(undefined) : fuzz.cookies(),
    secure: fc.oneof(
      { weight: 9, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  })
  return {
    arbitrary,
    events: () => events,
    predicate: async (input, checker) => {
      const encoded = encode(input.body, input.encoded.how, input.encoded.junk)
      const url = `/auth/${step}`
      const minted = emulator.sessionsMinted()
      const prototype = prototypeFingerprint()
      const reply = await handler(
        coreRequest({
          url,
          secure: input.secure,
          headers: { ...SAME_ORIGIN, 'content-type': encoded.contentType, cookie: input.cookie },
          ...(encoded.body === undefined ? {} : { body: encoded.body }),
          parsedBody: encoded.parsedBody,
        }),
      )
      checkReply(checker, reply, { method: 'POST', url, secure: input.secure }, minted, prototype)
    },
  }
}

/** fast-check seed offsets of the targets below the others' (5-8, and 9-12 over HTTP). */
const RESET_OFFSET = 13
const STEP_OFFSET = 20

describe('fuzzing the core handlers (fast-check, fixed seed)', () => {
  it.each(POST_STEPS.map((step) => ({ step, numRuns: runs(STEP_SHARES[step]) })))(
    'keeps every invariant for $numRuns generated requests to $step (body, encoding, cookies)',
    async ({ step, numRuns }) => {
      const fuzzed = STEP_FUZZ[step]
      const name = `core ${step}: bodies${fuzzed.cookies === undefined ? '' : ' and cookies'}`
      const target = stepTarget(step, fuzzed)
      const offset = STEP_OFFSET + POST_STEPS.indexOf(step)
      await fuzz(name, numRuns, offset, target.arbitrary, target.predicate, target.events)
    },
    300_000,
  )

  it(`refuses all ${runs(SHARES['core resetMemberMfa: inputs, cookies, headers, methods'])} generated resetMemberMfa() calls without an admin session, removing nothing`, async () => {
    const name = 'core resetMemberMfa: inputs, cookies, headers, methods'
    const { factories, events } = core()
    const memberIds = [...Object.values(MEMBER), APP_PEER.memberId]
    const input = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record(
          {
            memberId: fc.oneof(fc.constantFrom(...memberIds), fc.string({ maxLength: 210 })),
            factors: fc.oneof(
              fc.array(fc.constantFrom('sms', 'totp'), { maxLength: 3 }),
              fc.array(value, { maxLength: 3 }),
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: value },
    )
    const arbitrary = fc.record({
      input,
      method: fc.constantFrom('POST', 'POST', 'POST', 'DELETE', 'PUT', 'GET', 'HEAD'),
      headers: fc.oneof(fc.constant(SAME_ORIGIN), requestHeaders),
      cookie: signedInCookies(),
    })
    await fuzz(
      name,
      runs(SHARES[name]),
      RESET_OFFSET,
      arbitrary,
      async (call, checker) => {
        const url = `/admin/members/${MEMBER.newcomer}/reset-mfa`
        const minted = emulator.sessionsMinted()
        const prototype = prototypeFingerprint()
        const request = coreRequest({
          method: call.method,
          url,
          headers: { ...call.headers, cookie: call.cookie },
        })
        const outcome = await factories
          .resetMemberMfa(request, call.input as ResetMemberMfaInput)
          .then(
            () => 'admitted' as const,
            (error: unknown) => (isMfaError(error) ? error.status : 500),
          )
        count(outcome)
        checker.check('adminWronglyAdmitted', outcome !== 'admitted', () => `${url} reset`)
        checker.check('http500', outcome !== 500, () => `${url} → 500`)
        checker.check(
          'unexpectedStatus',
          outcome === 'admitted' || ALLOWED.has(outcome),
          () => `${url} → ${outcome}`,
        )
        checkUnchanged(checker, url, minted, prototype)
      },
      () => events,
    )
    // What a reset would remove is still there.
    expect(emulator.totpCode(APP_PEER.email, ZETA)).toMatch(/^\d{6}$/)
  }, 300_000)

  it(`keeps every invariant for ${runs(SHARES['core every POST step: Origin, Sec-Fetch-*, Content-Type, Accept'])} generated header sets on every POST step`, async () => {
    const name = 'core every POST step: Origin, Sec-Fetch-*, Content-Type, Accept'
    const { factories, events } = core()
    const handlers = Object.fromEntries(
      POST_STEPS.map((step) => [step, factories[step]()]),
    ) as Record<PostStep, Handler>
    const arbitrary = fc.record({
      step: fc.constantFrom(...POST_STEPS),
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
      headers: requestHeaders,
      contentType: fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'APPLICATION/JSON',
        ),
        fc.string({ maxLength: 30 }),
      ),
      body: bodyFor({
        email: fields.email,
        organization: fields.organization,
        code: fields.code,
        organizationSlug: fields.organization,
        recoveryCode: fields.recoveryCode,
      }),
      cookie: cookieHeader(seeds),
    })
    await fuzz(
      name,
      runs(SHARES[name]),
      5,
      arbitrary,
      async (input, checker) => {
        const url = `/auth/${input.step}`
        const minted = emulator.sessionsMinted()
        const prototype = prototypeFingerprint()
        const reply = await handlers[input.step](
          coreRequest({
            method: input.method,
            url,
            headers: { ...input.headers, 'content-type': input.contentType, cookie: input.cookie },
            body: json(input.body, ''),
          }),
        )
        checkReply(checker, reply, { method: input.method, url, secure: true }, minted, prototype)
      },
      () => events,
    )
  }, 300_000)

  it(`keeps every invariant for ${runs(SHARES['core requireMfa: cookies, headers, GET paths (returnTo)'])} generated guarded requests, and the login redirect's returnTo stays a local path`, async () => {
    const name = 'core requireMfa: cookies, headers, GET paths (returnTo)'
    const { factories, events } = core()
    const guards = [
      factories.requireMfa(),
      factories.requireMfa({ checkWithStytch: true }),
      factories.requireMfa({ maxAge: '10m', organizationSlugs: ['acme'], roles: ['stytch_admin'] }),
      factories.requireMfa({ respondWith: 'redirect' }),
    ]
    const arbitrary = fc.record({
      guard: fc.nat({ max: guards.length - 1 }),
      method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'DELETE'),
      suffix: fc.oneof(
        fc.webPath(),
        fc.webQueryParameters().map((query) => `?${query}`),
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '?next=//evil.com',
          '/..//evil.com',
          '?x=%0d%0aLocation:%20https://evil.com',
          '/\\evil.com',
        ),
      ),
      headers: requestHeaders,
      cookie: cookieHeader(seeds),
    })
    await fuzz(
      name,
      runs(SHARES[name]),
      6,
      arbitrary,
      async (input, checker) => {
        const url = `/admin${input.suffix}`
        const minted = emulator.sessionsMinted()
        const prototype = prototypeFingerprint()
        const guard = guards[input.guard] as Handler
        const reply = await guard(
          coreRequest({
            method: input.method,
            url,
            headers: { ...input.headers, cookie: input.cookie },
          }),
        )
        checkReply(checker, reply, { method: input.method, url, secure: true }, minted, prototype)
        const location = replyLocation(reply)
        if (location !== undefined) {
          const returnTo = new URL(location, ORIGIN).searchParams.get('returnTo')
          checker.check(
            'externalLocation',
            returnTo === null || unsafeLocation(returnTo) === undefined,
            () => `returnTo ${String(returnTo)}`,
          )
        }
      },
      () => events,
    )
  }, 300_000)

  it(`keeps only same-origin paths of ${runs(SHARES['core sendEmailOtp returnTo, read back from the sealed cookie'])} generated returnTo values in the sealed login`, async () => {
    const name = 'core sendEmailOtp returnTo, read back from the sealed cookie'
    const { factories, events } = core(GENEROUS)
    const handler = factories.sendEmailOtp()
    const sealer = createSealer([SECRET], 'pending-login')
    const returnTo = fc.oneof(
      fields.returnTo,
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom('/', '//', '/\\', '\\', 'https:', ' /', '/\t/', '%2F', '／'),
          fc.webAuthority(),
          fc.webPath(),
        )
        .map((parts) => parts.join('')),
    )
    await fuzz(
      name,
      runs(SHARES[name]),
      7,
      fc.record({ returnTo, form: fc.boolean() }),
      async (input, checker) => {
        const minted = emulator.sessionsMinted()
        const prototype = prototypeFingerprint()
        const body = { email: ADMIN.email, organization: 'acme', returnTo: input.returnTo }
        const reply = await handler(
          coreRequest({
            url: '/auth/email/send',
            headers: {
              ...SAME_ORIGIN,
              'content-type': input.form ? 'application/x-www-form-urlencoded' : 'application/json',
            },
            body: input.form ? new URLSearchParams(body).toString() : JSON.stringify(body),
          }),
        )
        const status = checkReply(
          checker,
          reply,
          { method: 'POST', url: '/auth/email/send', secure: true },
          minted,
          prototype,
        )
        if (status !== 200) return
        const opened = await sealer.open(
          cookieOf(reply, '__Host-stytch_mfa_pending'),
          emulator.now(),
        )
        const kept = opened?.returnTo
        checker.check(
          'externalLocation',
          kept === undefined || (typeof kept === 'string' && unsafeLocation(kept) === undefined),
          () => `returnTo ${JSON.stringify(input.returnTo)} kept as ${JSON.stringify(kept)}`,
        )
      },
      () => events,
    )
  }, 300_000)

  it(`lands ${runs(SHARES['core full sign-in with returnTo, final Location'])} generated full sign-ins with returnTo on a same-origin path, one session each`, async () => {
    const name = 'core full sign-in with returnTo, final Location'
    const { factories, events } = core(GENEROUS)
    const [send, verifyEmail, verifySms] = [
      factories.sendEmailOtp(),
      factories.verifyEmailOtp(),
      factories.verifySmsOtp(),
    ]
    const browser = { ...SAME_ORIGIN, 'sec-fetch-mode': 'navigate', accept: 'text/html' }
    await fuzz(
      name,
      runs(SHARES[name]),
      8,
      fields.returnTo,
      async (returnTo, checker) => {
        const minted = emulator.sessionsMinted()
        const prototype = prototypeFingerprint()
        const form = (body: Record<string, string>, cookie?: string) =>
          coreRequest({
            url: '/auth/x',
            headers: { ...browser, 'content-type': 'application/x-www-form-urlencoded', cookie },
            body: new URLSearchParams(body).toString(),
          })
        const sent = await send(form({ email: ADMIN.email, organization: 'acme', returnTo }))
        checkReply(
          checker,
          sent,
          { method: 'POST', url: '/auth/email/send', secure: true },
          minted,
          prototype,
        )
        if (replyLocation(sent) !== '/login/code') return
        const emailStep = `__Host-stytch_mfa_pending=${cookieOf(sent, '__Host-stytch_mfa_pending')}`
        const verified = await verifyEmail(
          form({ code: emulator.lastCode(ADMIN.email) ?? '' }, emailStep),
        )
        const mfa = `__Host-stytch_mfa_pending=${cookieOf(verified, '__Host-stytch_mfa_pending')}`
        const done = await verifySms(form({ code: emulator.lastCode(ADMIN.phone) ?? '' }, mfa))
        checkReply(
          checker,
          done,
          { method: 'POST', url: '/auth/sms/verify', secure: true },
          minted,
          prototype,
          { mayMint: true },
        )
        checker.check(
          'sessionsWronglyCreated',
          emulator.sessionsMinted() - minted === 1,
          () => 'a sign-in minted other than one session',
        )
        checker.check(
          'externalLocation',
          replyLocation(done) !== undefined,
          () => 'no Location after sign-in',
        )
      },
      () => events,
    )
  }, 300_000)
})

/** Every POST route of the test apps (test/helpers/apps.ts) and some guarded ones. */
const RESET_PATH = `/admin/members/${MEMBER.newcomer}/reset-mfa`
const HTTP_PATHS = [
  '/auth/email/send',
  '/auth/email/verify',
  '/auth/sms/send',
  '/auth/sms/verify',
  '/auth/totp/enrol',
  '/auth/totp/verify',
  '/auth/recovery/verify',
  '/auth/recovery/rotate',
  '/auth/logout',
  '/auth/discovery/send',
  '/auth/discovery/verify',
  '/auth/discovery/select',
  '/auth/organizations/switch',
  RESET_PATH,
  '/admin',
  '/admin/strict',
  '/admin/role',
  '/admin/fresh',
] as const

describe.each(frameworks)('fuzzing over HTTP on $name', (framework) => {
  const numRuns = runs(HTTP_SHARE / frameworks.length)
  it(`keeps every invariant for ${numRuns} generated requests (method, path, headers, cookies, body)`, async () => {
    const name = `HTTP ${framework.name}: every route, headers, cookies, bodies`
    const recording: Recording = { phase: 'attack', exchanges: [], responses: [] }
    const app = new CaseApp(framework.build(emulator), recording)
    const client = new Browser(app)
    const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?')
    const arbitrary = fc.record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS'),
      path: fc.constantFrom(...HTTP_PATHS),
      suffix: fc.oneof(
        fc.constant(''),
        fc.webQueryParameters().map((query) => `?${query}`),
      ),
      headers: requestHeaders,
      cookie: cookieHeader(seeds),
      body: bodyFor({
        email: fields.email,
        organization: fields.organization,
        code: fields.code,
        phoneNumber: fields.phoneNumber,
        returnTo: fields.returnTo,
        recoveryCode: fields.recoveryCode,
        organizationId: fields.organization,
        organizationSlug: fields.organization,
      }),
      encoded: encodingWithGarbage,
    })
    try {
      await fuzz(
        name,
        numRuns,
        9 + frameworks.indexOf(framework),
        arbitrary,
        async (input, checker) => {
          const minted = emulator.sessionsMinted()
          const admitted = app.admittedTotal()
          const prototype = prototypeFingerprint()
          const from = recording.exchanges.length
          const { how, junk } = input.encoded
          const encoded = encode(input.body, how === 'parsed' ? 'json' : how, junk)
          const headers: Record<string, string | null> = {
            'content-type': encoded.contentType ?? null,
          }
          for (const [header, text] of Object.entries(input.headers))
            headers[header] = printable(text)
          if (input.cookie !== undefined) headers.cookie = printable(input.cookie)
          const res = await client.send(
            input.method,
            encodeURI(input.path + input.suffix).replace(/%25/g, '%'),
            undefined,
            {
              noJar: true,
              headers,
              ...(encoded.body === undefined ? {} : { raw: encoded.body }),
              contentType: encoded.contentType ?? null,
            },
          )
          count(res.status)
          for (const exchange of recording.exchanges.slice(from)) {
            checkExchange(checker, exchange, { upstreamFault: false, extra: [] })
            if (isLibraryResponse(exchange) && exchange.status >= 400) {
              const type = headerText(exchange.headers['content-type'])
              checker.check(
                'errorsNotProblemJson',
                type.startsWith('application/problem+json'),
                () => `${input.method} ${input.path} → ${exchange.status} ${type}`,
              )
            }
          }
          checker.check(
            'unexpectedStatus',
            ALLOWED.has(res.status),
            () => `${input.method} ${input.path} → ${res.status}`,
          )
          checker.check(
            'adminWronglyAdmitted',
            app.admittedTotal() === admitted &&
              !(input.path === RESET_PATH && input.method === 'POST' && res.status < 300),
            () => `${input.path} admitted`,
          )
          checker.check(
            'sessionCookiesWronglySet',
            !res.setCookies.some(isSessionCookieSet),
            () => `${input.path} set a session cookie`,
          )
          checkUnchanged(checker, input.path, minted, prototype)
        },
        () => app.events,
      )
      const health = await client.get('/login-state', { noJar: true })
      expect(health.status).toBe(200)
    } finally {
      await app.close()
    }
  }, 300_000)
})
