/**
 * Runs one curated case on one framework: builds its app(s), gives it a context, then checks
 * every invariant of security.md §2.0 on everything that happened, counting each check.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisClientType } from 'redis'
import { expect } from 'vitest'
import { createSealer } from '../../../src/core/seal.js'
import { startEmulator, type Emulator, type Fault } from '../../../src/emulator/index.js'
import type { MfaEvent } from '../../../src/core/events.js'
import { createCore, untranslated } from '../../../src/setup.js'
import { SECRET, libraryOptions, type AppSpec, type Framework } from '../../helpers/apps.js'
import { passEmailStep, passSmsStep, type Member, type StepOptions } from '../../helpers/sign-in.js'
import { closeSink, openSink } from './capture.js'
import { Browser, rawExchange } from './http.js'
import {
  Checker,
  PENDING_COOKIES,
  SESSION_COOKIES,
  checkExchange,
  findSecrets,
  inRange,
  isSessionCookieSet,
  parseSetCookie,
  prototypeFingerprint,
  showCount,
  type Secret,
} from './invariants.js'
import { craftJwt } from './jwt.js'
import { CaseApp, type Recording } from './recorder.js'
import { ADMIN, SEED_EMAILS, SEED_PHONES, securitySeed } from './seed.js'
import { addCounts, type FrameworkTally } from './summary.js'
import type { CaseContext, CaseOutcome, Count, SecurityCase, SignInOptions } from './types.js'

export { ADMIN }

function cookieSecretsOf(spec: AppSpec | undefined): string[] {
  const secrets = spec?.options?.cookieSecrets
  if (secrets === undefined) return []
  return typeof secrets === 'string' ? [secrets] : [...secrets]
}

/** A browser is sent on with a redirect at each step; an API client gets a 200. */
function stepOptions(options: SignInOptions): StepOptions {
  return { organization: options.organization, status: options.browser === true ? 303 : 200 }
}

/** Strings a request body carried that must never be logged (codes, phones, emails). */
function secretsOfBody(body: unknown): Secret[] {
  const found: Secret[] = []
  const visit = (value: unknown, depth: number) => {
    if (depth > 4) return
    if (typeof value === 'string') {
      if (/^\d{6}$/.test(value)) found.push({ kind: 'otp', value })
      else if (/^\+\d{8,15}$/.test(value)) found.push({ kind: 'phone number', value })
      else if (/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(value))
        found.push({ kind: 'email address', value })
      return
    }
    if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
      for (const item of Object.values(value)) visit(item, depth + 1)
    }
  }
  visit(body, 0)
  return found
}

export interface Shared {
  /** The file's emulator (reset before each sequential case). */
  readonly emulator: () => Emulator
  /** The file's Redis, flushed. */
  readonly redis: () => Promise<RedisClientType>
}

/** Runs `testCase` on `framework`; throws (fails the test) on any assertion or invariant. */
export async function runCase(
  framework: Framework,
  testCase: SecurityCase,
  shared: Shared,
  tally: FrameworkTally,
): Promise<void> {
  const own = testCase.concurrent === true ? await startEmulator({ seed: securitySeed }) : undefined
  const emulator = own ?? shared.emulator()
  if (own === undefined) emulator.reset()
  const recording: Recording = { phase: 'attack', exchanges: [], responses: [] }
  const apps: CaseApp[] = []
  const specs: (AppSpec | undefined)[] = []
  const coreEvents: MfaEvent[][] = []
  const extraSecrets: Secret[] = []
  let upstreamFault = testCase.expect?.upstreamFault ?? false
  let setupDepth = 0
  let setupMinted = 0
  let setupAdmitted = 0
  const sink = openSink()
  const prototypeBefore = prototypeFingerprint()

  const admittedAll = () => apps.reduce((total, app) => total + app.admittedTotal(), 0)
  const buildApp = (spec?: AppSpec): CaseApp => {
    specs.push(spec)
    const app = new CaseApp(framework.build(emulator, spec), recording)
    apps.push(app)
    return app
  }
  const primary = buildApp(testCase.app)

  const sealers = () =>
    [SECRET, ...specs.flatMap(cookieSecretsOf)].map((secret) =>
      createSealer([secret], 'pending-login'),
    )

  const ctx: CaseContext = {
    framework: framework.name,
    emulator,
    app: primary,
    buildApp,
    adoptApp(build, options = {}) {
      const app = new CaseApp(build(emulator), recording, options.trustsProxy ?? true)
      apps.push(app)
      return app
    },
    client: (options = {}) => new Browser(options.app ?? primary, options),
    async setup(fn) {
      const outer = setupDepth === 0
      const previous = recording.phase
      const minted = emulator.sessionsMinted()
      const admitted = admittedAll()
      setupDepth += 1
      recording.phase = 'setup'
      try {
        return await fn()
      } finally {
        setupDepth -= 1
        recording.phase = previous
        if (outer) {
          setupMinted += emulator.sessionsMinted() - minted
          setupAdmitted += admittedAll() - admitted
        }
      }
    },
    emailStep(member: Member = ADMIN, options: SignInOptions = {}) {
      return ctx.setup(async () => {
        const client = ctx.client(options)
        await passEmailStep(client, emulator, member, stepOptions(options))
        return client
      })
    },
    signIn(member: Member = ADMIN, options: SignInOptions = {}) {
      return ctx.setup(async () => {
        const client = await ctx.emailStep(member, options)
        await passSmsStep(client, emulator, member, stepOptions(options))
        return client
      })
    },
    fault(path, fault: Fault, times = 1) {
      upstreamFault = true
      emulator.injectFault(path, fault, times)
    },
    secret(...values) {
      for (const value of values) extraSecrets.push({ kind: 'session token', value })
    },
    async openPending(value) {
      for (const sealer of sealers()) {
        const opened = await sealer.open(value, emulator.now())
        if (opened !== undefined) return opened
      }
      return undefined
    },
    sealPending(payload, expiresAt, secret = SECRET) {
      return createSealer([secret], 'pending-login').seal(payload, expiresAt)
    },
    jwt: (options) => craftJwt(emulator, options),
    core(spec = {}) {
      const events: MfaEvent[] = []
      coreEvents.push(events)
      specs.push(spec)
      return createCore(libraryOptions(emulator, events, spec), untranslated)
    },
    async raw(request, options = {}) {
      const response = await rawExchange(await primary.port(), request, options)
      primary.observe(undefined, response)
      return response
    },
    redis: () => {
      if (testCase.needs !== 'redis') {
        throw new Error(`${testCase.id} calls ctx.redis() without needs: 'redis'`)
      }
      return shared.redis()
    },
    exchanges: () => recording.exchanges,
    sleep: (ms) => sleep(ms),
  }

  let outcome: CaseOutcome | undefined
  try {
    outcome = await testCase.run(ctx)
    recording.phase = 'check'
    // The process still serves: an unguarded page answers.
    const health = await new Browser(primary).get('/login-state')
    const checker = new Checker()
    checker.check(
      'processNotServing',
      health.status === 200,
      () => `login-state → ${health.status}`,
    )
    const expectations = testCase.expect ?? {}
    const policy = { upstreamFault, extra: expectations.statuses ?? [] }
    let sessionCookieResponses = 0
    for (const exchange of recording.exchanges) {
      checkExchange(checker, exchange, policy)
      if (exchange.phase === 'attack' && exchange.setCookies.some(isSessionCookieSet)) {
        sessionCookieResponses += 1
      }
    }
    const storage = testCase.app?.storage ?? 'cookie'
    const sessions: Count = expectations.sessions ?? 0
    const sessionCookies: Count =
      expectations.sessionCookies ?? (storage === 'server' ? 0 : sessions)
    const minted = emulator.sessionsMinted() - setupMinted
    checker.check('sessionsWronglyCreated', inRange(minted, sessions), () => {
      return `${minted} sessions minted outside setup, expected ${showCount(sessions)}`
    })
    checker.check(
      'sessionCookiesWronglySet',
      inRange(sessionCookieResponses, sessionCookies),
      () => {
        return `${sessionCookieResponses} responses set a session cookie, expected ${showCount(sessionCookies)}`
      },
    )
    const admitted = admittedAll() - setupAdmitted
    const expectedAdmitted: Count = expectations.admitted ?? 0
    checker.check('adminWronglyAdmitted', inRange(admitted, expectedAdmitted), () => {
      return `${admitted} guarded requests admitted outside setup, expected ${showCount(expectedAdmitted)}`
    })
    checker.check('crashes', sink.crashes.length === 0, () => {
      return sink.crashes.map((crash) => String(crash)).join('; ')
    })
    checker.check('prototypePollution', prototypeFingerprint() === prototypeBefore, () => {
      return `Object.prototype changed: ${prototypeFingerprint()}`
    })
    // INV-6: nothing secret in what the process said, the audit events, or response bodies.
    const secrets: Secret[] = [
      { kind: 'Stytch secret', value: emulator.secret },
      ...[SECRET, ...specs.flatMap(cookieSecretsOf)].map((value): Secret => ({
        kind: 'cookie secret',
        value,
      })),
      ...SEED_PHONES.map((value): Secret => ({ kind: 'phone number', value })),
      ...SEED_EMAILS.map((value): Secret => ({ kind: 'email address', value })),
      ...extraSecrets,
    ]
    for (const message of emulator.outbox()) {
      secrets.push({ kind: 'otp', value: message.code })
      secrets.push({
        kind: message.channel === 'sms' ? 'phone number' : 'email address',
        value: message.to,
      })
    }
    for (const { body } of recording.responses) secrets.push(...secretsOfBody(body))
    const pendingValues = new Set<string>()
    for (const exchange of recording.exchanges) {
      for (const header of exchange.setCookies) {
        const cookie = parseSetCookie(header)
        if (cookie.value === '') continue
        if (SESSION_COOKIES.has(cookie.name)) {
          secrets.push({
            kind: cookie.name.endsWith('jwt') ? 'session JWT' : 'session token',
            value: cookie.value,
          })
        } else if (PENDING_COOKIES.has(cookie.name)) pendingValues.add(cookie.value)
      }
    }
    for (const value of pendingValues) {
      const opened = await ctx.openPending(value)
      const ist = opened?.intermediateSessionToken
      if (typeof ist === 'string') secrets.push({ kind: 'intermediate session token', value: ist })
    }
    const events = [...apps.map((app) => app.events), ...coreEvents].flat()
    const haystacks = [
      { where: 'console/stdout/stderr', text: sink.logs.join('\n') },
      { where: 'onEvent events', text: events.map((event) => JSON.stringify(event)).join('\n') },
      ...recording.responses.map(({ response }) => ({
        where: `the body or headers of a ${response.status} response`,
        text: `${response.text}\n${JSON.stringify(response.headers)}`,
      })),
    ]
    const leaks = findSecrets(haystacks, secrets)
    checker.check('secretsInLogs', leaks.length === 0, () => leaks.join('; '))
    // Account before asserting, so the summary counts failing cases' checks too.
    addCounts(tally.checks, checker.checks)
    addCounts(tally.failures, checker.failures)
    tally.cases[testCase.category] = (tally.cases[testCase.category] ?? 0) + 1
    expect(checker.violations, `invariants after ${testCase.id}`).toEqual([])
  } finally {
    closeSink(sink)
    await Promise.all(apps.map((app) => app.close()))
    if (own !== undefined) await own.close()
  }
  if (outcome !== undefined) {
    Object.assign(tally.measures, outcome.measures ?? {})
    tally.faults.push(...(outcome.faults ?? []))
    tally.redirectPayloads += outcome.redirectPayloads ?? 0
    tally.csrfCombinations += outcome.csrfCombinations ?? 0
  }
}
