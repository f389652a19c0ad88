/**
 * @module `npm run bench`: requests per second of `requireMfa()` next to the same route without
 * a guard, on Express 5 and Koa 3, for a member with a valid MFA'd session.
 *
 * The emulator and the load generator (autocannon) run here; each app runs in a process of its
 * own. Two members sign in through the apps' real routes (email code, then SMS code, read from
 * the emulator's outbox): one into cookies, one into express-session. Every request then sends
 * both sets of cookies and `X-Forwarded-Proto: https`, as behind a proxy that terminates TLS
 * (Express `trust proxy` 1 — one hop, the usual setting — and Koa `proxy: true`), so every
 * route parses the same bytes and the guard reads `__Host-` cookies as in production. With an
 * address list instead (`--trust-proxy loopback`), Express parses the peer's address on every
 * `req.secure`, which the guard reads and a bare route does not: a cost of that setting.
 *
 * The `/guarded-many` routes load the same guard with 1,000 members signed in at once: each
 * request carries the next member's cookies in turn. Those sessions are minted, not signed in:
 * members seeded in the emulator, and session JWTs with Stytch's claims signed by its key
 * (bench/sessions.ts), valid for hours so that none expires during the run.
 *
 * A round loads one route; rounds take turns across routes (an app's routes one after another),
 * in reverse order every other time, so a drifting (or shared) machine weighs on all of them
 * alike. Reported per route: medians over rounds of req/s and of the app's CPU time per request,
 * the median over rounds of their ratio to the same app's `/bare` in that round, latency, and
 * the Stytch API calls the emulator saw during the measured rounds.
 *
 * Exits 1, after printing, when a guarded route is under 0.90× its bare route, when a guard
 * called Stytch in steady state, or when any response was not the route's 200 and body.
 *
 *   npm run bench                                  24 rounds of 0.5 s per route, about 3 minutes
 *   npm run bench -- --quick                       a smoke test (no ratio gate)
 *   npm run bench -- --routes koa/guarded          only these routes (and their bare route)
 *   npm run bench -- --rounds 7 --duration 2 --connections 20 --warmup 1 --trust-proxy loopback
 *   npm run bench -- --cpu-prof                    also profile the apps (test-results/bench/)
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { startEmulator, type Emulator, type EmulatorSeed } from '../src/emulator/index.js'
import { startApp, type AppProcess } from './children.js'
import { LEGEND, summarize, table, type Check, type Round, type RouteSummary } from './report.js'
import { MANY_ORGANIZATION, manyMembers, manySessionCookies } from './sessions.js'
import { BODY_TEXT } from './shared.js'
import { CLIENT_HEADERS, signIn, type BenchMember } from './sign-in.js'

const MIN_RATIO = 0.9
/** Session JWTs live 5 minutes: past that, the bench would measure their refresh. */
const MAX_RUN_SECONDS = 240
/** autocannon's sampling interval. */
const SAMPLE_MS = 100
/** What a round adds to its load: settling, two CPU readings (about 0.05 s measured). */
const ROUND_OVERHEAD_SECONDS = 0.1
const OUT_DIR = fileURLToPath(new URL('../test-results/bench/', import.meta.url))

const COOKIE_MEMBER: BenchMember = { email: 'cookie@acme.test', phone: '+12025550100' }
const SERVER_MEMBER: BenchMember = { email: 'server@acme.test', phone: '+12025550111' }
/** Members signed in at once on the `/guarded-many` routes, each with a session of its own. */
const MANY_SESSIONS = 1000

const seed: EmulatorSeed = {
  organizations: [
    {
      organization_id: MANY_ORGANIZATION.id,
      organization_name: 'Acme',
      organization_slug: MANY_ORGANIZATION.slug,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        { email_address: COOKIE_MEMBER.email, mfa_phone_number: COOKIE_MEMBER.phone },
        { email_address: SERVER_MEMBER.email, mfa_phone_number: SERVER_MEMBER.phone },
        ...manyMembers(MANY_SESSIONS),
      ],
    },
  ],
}

interface Settings {
  readonly quick: boolean
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly cpuProfile: boolean
  readonly trustProxy: number | boolean | string
  /** `express/guarded,koa/guarded`: only these and their bare routes; all when undefined. */
  readonly routes: readonly string[] | undefined
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a number > 0`)
  return number
}

/** `--trust-proxy` as Express takes it: `1` a hop count, `true`, else addresses. */
function trustProxyOf(value: string): number | boolean | string {
  if (/^\d+$/.test(value)) return Number(value)
  return value === 'true' ? true : value
}

function settingsFrom(args: string[]): Settings {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      routes: { type: 'string' },
      'trust-proxy': { type: 'string', default: '1' },
      'cpu-prof': { type: 'boolean', default: false },
    },
  })
  const { quick } = values
  return {
    quick,
    rounds: Math.round(positive('rounds', values.rounds, quick ? 1 : 24)),
    seconds: positive('duration', values.duration, quick ? 0.2 : 0.5),
    warmupSeconds: positive('warmup', values.warmup, quick ? 0.1 : 1),
    connections: Math.round(positive('connections', values.connections, 10)),
    cpuProfile: values['cpu-prof'],
    trustProxy: trustProxyOf(values['trust-proxy']),
    routes: values.routes?.split(',').map((name) => name.trim().toLowerCase()),
  }
}

interface RouteSpec {
  readonly framework: string
  readonly app: AppProcess
  readonly path: string
  readonly guard: string
  /** Must make no Stytch call once warm. */
  readonly cached: boolean
  /** Must reach MIN_RATIO of its app's bare route. */
  readonly gated: boolean
  /** `Cookie` headers sent in turn, one per request, instead of the signed-in members' one. */
  readonly sessions: readonly string[] | undefined
}

function routesOf(
  express: AppProcess,
  koa: AppProcess,
  manySessions: readonly string[],
): RouteSpec[] {
  const route = (
    framework: string,
    app: AppProcess,
    path: string,
    guard: string,
    flags: {
      readonly cached?: boolean
      readonly gated?: boolean
      readonly sessions?: readonly string[]
    } = {},
  ): RouteSpec => ({
    framework,
    app,
    path,
    guard,
    cached: flags.cached ?? false,
    gated: flags.gated ?? false,
    sessions: flags.sessions,
  })
  const guarded = { cached: true, gated: true }
  const many = { ...guarded, sessions: manySessions }
  const manyGuard = `requireMfa(), ${manySessions.length.toLocaleString('en-US')} sessions in turn`
  return [
    route('Express 5', express, '/bare', 'none'),
    route('Express 5', express, '/floor', 'no-op middleware + Cache-Control'),
    route('Express 5', express, '/guarded', 'requireMfa(), cookies', guarded),
    route('Express 5', express, '/guarded-many', manyGuard, many),
    route('Express 5', express, '/session-only', 'express-session alone'),
    route('Express 5', express, '/guarded-session', 'express-session + requireMfa()', {
      cached: true,
    }),
    route('Express 5', express, '/naive', 'SDK authenticateJwtLocal per request'),
    route('Express 5', express, '/strict', 'requireMfa({ checkWithStytch: true })'),
    route('Koa 3', koa, '/bare', 'none'),
    route('Koa 3', koa, '/floor', 'no-op middleware + Cache-Control'),
    route('Koa 3', koa, '/guarded', 'requireMfa(), cookies', guarded),
    route('Koa 3', koa, '/guarded-many', manyGuard, many),
  ]
}

/** The routes asked for, each with its app's bare route (the ratio needs it). */
function selectRoutes(specs: RouteSpec[], names: readonly string[] | undefined): RouteSpec[] {
  if (names === undefined) return specs
  const nameOf = (spec: RouteSpec) => `${spec.app.name}${spec.path}`
  const chosen = specs.filter((spec) => names.includes(nameOf(spec)))
  if (chosen.length === 0) {
    throw new Error(`--routes matched nothing; routes are ${specs.map(nameOf).join(', ')}`)
  }
  return specs.filter(
    (spec) =>
      chosen.includes(spec) ||
      (spec.path === '/bare' && chosen.some((other) => other.app === spec.app)),
  )
}

function callSnapshot(emulator: Emulator): Record<string, number> {
  const authenticate = emulator.calls('/v1/b2b/sessions/authenticate')
  const jwks = emulator.calls(`/v1/b2b/sessions/jwks/${emulator.projectId}`)
  return { authenticate, jwks, other: emulator.calls() - authenticate - jwks }
}

/**
 * Waits until the emulator has seen no new call for a moment: a Stytch call still in flight
 * when autocannon stops would otherwise count against the next route.
 */
async function settle(emulator: Emulator): Promise<void> {
  let last = emulator.calls()
  for (let quiet = 0, waited = 0; quiet < 2 && waited < 1000; waited += 25) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    const now = emulator.calls()
    quiet = now === last ? quiet + 1 : 0
    last = now
  }
}

/**
 * One request per session, which each connection sends in turn. Built once, before the load:
 * building each request as it goes (`setupRequest`) costs the load generator, which shares the
 * machine with the app, more than the guard's work. autocannon's `expectBody` does not combine
 * with `requests`: the body is checked here.
 */
function inTurn(sessions: readonly string[], onMismatch: () => void): autocannon.Request[] {
  const onResponse = (status: number, body: string) => {
    if (status !== 200 || body !== BODY_TEXT) onMismatch()
  }
  return sessions.map((cookie) => ({ headers: { ...CLIENT_HEADERS, cookie }, onResponse }))
}

async function load(
  emulator: Emulator,
  route: RouteSpec,
  seconds: number,
  settings: Settings,
  cookie: string,
): Promise<Round> {
  const calls = callSnapshot(emulator)
  const cpu = await route.app.cpuMicros()
  let mismatches = 0
  const result = await autocannon({
    url: `${route.app.origin}${route.path}`,
    connections: settings.connections,
    duration: seconds,
    // A round ends at the first sample after its duration: sample often.
    sampleInt: SAMPLE_MS,
    headers: { ...CLIENT_HEADERS, cookie },
    ...(route.sessions === undefined
      ? { expectBody: BODY_TEXT }
      : { requests: inTurn(route.sessions, () => (mismatches += 1)) }),
  })
  await settle(emulator)
  const cpuMicros = (await route.app.cpuMicros()) - cpu
  const after = callSnapshot(emulator)
  return {
    // Requests per sample, not over `result.duration`: that also counts building the requests
    // before the first one is sent, a tenth of a second and more for a thousand sessions.
    requestsPerSecond: result.requests.average * (1000 / SAMPLE_MS),
    cpuMicrosPerRequest: cpuMicros / Math.max(1, result.requests.total),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.mismatches + result.errors + mismatches,
    stytchCalls: Object.fromEntries(
      Object.entries(after).map(([path, count]) => [path, count - (calls[path] ?? 0)]),
    ),
  }
}

async function probeOne(route: RouteSpec, cookie: string): Promise<void> {
  const response = await fetch(`${route.app.origin}${route.path}`, {
    headers: { ...CLIENT_HEADERS, cookie },
  })
  const text = await response.text()
  if (response.status !== 200 || text !== BODY_TEXT) {
    throw new Error(
      `${route.framework} ${route.path} answered ${String(response.status)} ${text}, not 200 ${BODY_TEXT}`,
    )
  }
}

/**
 * One request per route (per session where sessions take turns) before any load: a denial
 * would make a fast and meaningless route, and each session's first request is the one that
 * verifies its JWT.
 */
async function probe(route: RouteSpec, cookie: string): Promise<void> {
  const sessions = route.sessions ?? [cookie]
  const parallel = 10
  for (let start = 0; start < sessions.length; start += parallel) {
    await Promise.all(sessions.slice(start, start + parallel).map((one) => probeOne(route, one)))
  }
}

/** Warm-up (JIT, sockets, JWKS fetch, first local verification), then the measured rounds. */
async function measure(
  emulator: Emulator,
  specs: readonly RouteSpec[],
  settings: Settings,
  cookie: string,
): Promise<Map<RouteSpec, Round[]>> {
  for (const spec of specs) await probe(spec, cookie)
  for (const spec of specs) await load(emulator, spec, settings.warmupSeconds, settings, cookie)
  const rounds = new Map<RouteSpec, Round[]>(specs.map((spec) => [spec, []]))
  for (let index = 0; index < settings.rounds; index += 1) {
    const order = index % 2 === 0 ? specs : [...specs].reverse()
    for (const spec of order) {
      rounds.get(spec)?.push(await load(emulator, spec, settings.seconds, settings, cookie))
      process.stderr.write('.')
    }
  }
  process.stderr.write('\n')
  return rounds
}

function checksOf(
  summaries: readonly RouteSummary[],
  specs: readonly RouteSpec[],
  quick: boolean,
): Check[] {
  const checks: Check[] = []
  specs.forEach((spec, index) => {
    const summary = summaries[index]
    if (summary === undefined) return
    const name = `${spec.framework} ${spec.path}`
    if (summary.failures > 0) {
      checks.push({
        name: `${name} answers 200 with its body`,
        ok: false,
        detail: `${String(summary.failures)} failed responses`,
      })
    }
    if (spec.cached) {
      checks.push({
        name: `${name} makes no Stytch call in steady state`,
        ok: summary.steadyStytchCalls === 0,
        detail: `${String(summary.steadyStytchCalls)} calls in ${String(summary.steadyRequests)} requests`,
      })
    }
    if (spec.gated && !quick) {
      checks.push({
        name: `${name} ≥ ${MIN_RATIO.toFixed(2)}× bare`,
        ok: summary.ratioToBare >= MIN_RATIO,
        detail: `${summary.ratioToBare.toFixed(3)}× (CPU time: ${summary.cpuRatioToBare.toFixed(3)}×)`,
      })
    }
  })
  return checks
}

async function main(): Promise<number> {
  const settings = settingsFrom(process.argv.slice(2))
  const profileDir = settings.cpuProfile ? `${OUT_DIR}profiles` : undefined
  const emulator = await startEmulator({ seed })
  const config = {
    projectId: emulator.projectId,
    secret: emulator.secret,
    baseUrl: emulator.url,
    trustProxy: settings.trustProxy,
  }
  const apps: AppProcess[] = []
  try {
    const [expressApp, koaApp] = await Promise.all([
      startApp('express', './express-app.ts', config, { cpuProfileDir: profileDir }),
      startApp('koa', './koa-app.ts', config, { cpuProfileDir: profileDir }),
    ])
    apps.push(expressApp, koaApp)
    const manySessions = manySessionCookies(emulator, MANY_SESSIONS)
    const specs = selectRoutes(routesOf(expressApp, koaApp, manySessions), settings.routes)
    const planned =
      specs.length *
      (settings.warmupSeconds + settings.rounds * (settings.seconds + ROUND_OVERHEAD_SECONDS))
    if (planned > MAX_RUN_SECONDS) {
      throw new Error(
        `the run would take about ${planned.toFixed(0)} s; session JWTs expire after 300 s, stay under ${String(MAX_RUN_SECONDS)} s`,
      )
    }

    const cookieJar = await signIn(emulator, expressApp.origin, '', COOKIE_MEMBER, 'acme')
    const serverJar = await signIn(emulator, expressApp.origin, '/server', SERVER_MEMBER, 'acme')
    if (!cookieJar.has('__Host-stytch_session_jwt') || !serverJar.has('connect.sid')) {
      throw new Error('the sign-ins did not leave the expected cookies')
    }
    const cookie = [...cookieJar.pairs(), ...serverJar.pairs()].join('; ')

    const rounds = await measure(emulator, specs, settings, cookie)
    const roundsOf = (spec: RouteSpec | undefined) => (spec && rounds.get(spec)) ?? []
    const bareOf = (spec: RouteSpec) =>
      roundsOf(specs.find((other) => other.app === spec.app && other.path === '/bare'))
    const summaries = specs.map((spec) =>
      summarize(spec.framework, spec.path, spec.guard, roundsOf(spec), bareOf(spec)),
    )
    const checks = checksOf(summaries, specs, settings.quick)
    const ok = checks.every((check) => check.ok)

    const cpu = cpus()
    const machine = `node ${process.version}, ${String(cpu.length)}× ${cpu[0]?.model ?? 'cpu'}`
    const shape = [
      `${String(settings.connections)} connections`,
      `median of ${String(settings.rounds)} × ${String(settings.seconds)} s rounds per route`,
      `Express trust proxy ${JSON.stringify(settings.trustProxy)}`,
      ...(settings.quick ? ['--quick'] : []),
    ].join(', ')
    console.log(`requireMfa() vs a bare route — ${machine}`)
    console.log(shape)
    console.log()
    console.log(table(summaries))
    console.log()
    console.log(LEGEND)
    console.log()
    for (const check of checks) {
      console.log(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`)
    }
    if (settings.quick) console.log('--quick: too short to judge speed; the ratio gate is skipped')

    await mkdir(OUT_DIR, { recursive: true })
    const file = `${OUT_DIR}${settings.quick ? 'results-quick.json' : 'results.json'}`
    const results = { date: new Date().toISOString(), machine, settings, routes: summaries, checks }
    await writeFile(file, `${JSON.stringify({ ...results, ok }, null, 2)}\n`)
    console.log(`results: ${file}`)
    if (profileDir !== undefined) console.log(`profiles: ${profileDir}`)
    return ok ? 0 : 1
  } finally {
    await Promise.all(apps.map((app) => app.stop()))
    await emulator.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error)
    process.exitCode = 1
  },
)
