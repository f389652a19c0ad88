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
 * The `/guarded-1k` … `/guarded-200k` routes load a guard (a `createStytchMfa()` of their own,
 * default settings) with 1,000 to 200,000 members signed in at once, as every instance behind a
 * round-robin load balancer sees every active member: each connection sends its own members'
 * cookies in turn, in a shuffled order, so no two requests in a row are one member's. Those
 * sessions are minted, not signed in: session JWTs with Stytch's claims, signed by the key the
 * emulator is started with (bench/sessions.ts). Before the rounds every member of a route is
 * sent once (the request that verifies its JWT), and the heap the route's guard then holds is
 * read from the app after a full garbage collection. Past the cache's capacity (the 200,000
 * route) the guard verifies the JWTs it has no room for on every request: that route shows how
 * the guard degrades, and is not held to the ratio.
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
 *   npm run bench                                  16 rounds of 0.5 s per route, about 6 minutes
 *   npm run bench -- --quick                       a smoke test (no ratio gate, 1,000 members)
 *   npm run bench -- --routes koa/guarded          only these routes (and their bare route)
 *   npm run bench -- --rounds 7 --duration 2 --connections 20 --warmup 1 --trust-proxy loopback
 *   npm run bench -- --cpu-prof                    also profile the apps' rounds (test-results/bench/)
 *   npm run bench -- --guard-time                  also clock each guard inside its app (guard µs)
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { startEmulator, type Emulator, type EmulatorSeed } from '../src/emulator/index.js'
import { startApp, type AppProcess } from './children.js'
import {
  GUARD_TIME_LEGEND,
  LEGEND,
  summarize,
  table,
  type Check,
  type Round,
  type RouteSummary,
} from './report.js'
import { MANY_ORGANIZATION, manySessions } from './sessions.js'
import { BODY_TEXT, SCALES, scalePath } from './shared.js'
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
const PROJECT_ID = 'project-test-bench-0000-4000-8000-000000000000'
/** The library's default `jwtCacheSize`: the scale routes keep at most this many sessions. */
const CACHE_CAPACITY = 100_000
/** Members sent per warm-up load: their requests are built in memory at once. */
const WARM_CHUNK = 20_000

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
  /** Clock each guard inside its app (the `guard µs` column). */
  readonly guardTime: boolean
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
      'guard-time': { type: 'boolean', default: false },
    },
  })
  const { quick } = values
  return {
    quick,
    rounds: Math.round(positive('rounds', values.rounds, quick ? 1 : 16)),
    seconds: positive('duration', values.duration, quick ? 0.2 : 0.5),
    warmupSeconds: positive('warmup', values.warmup, quick ? 0.1 : 1),
    connections: Math.round(positive('connections', values.connections, 10)),
    cpuProfile: values['cpu-prof'],
    guardTime: values['guard-time'],
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
  /**
   * `Cookie` headers sent in turn, one per request, instead of the signed-in members' one: the
   * members in the order they are first sent (warm-up), and shuffled for the rounds, so that
   * past the cache's capacity the rounds ask for kept and unkept members alike.
   */
  readonly sessions:
    { readonly warm: readonly string[]; readonly turns: readonly string[] } | undefined
}

/** A deterministic shuffle (xorshift), so that every run sends the members in the same order. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items]
  let state = 0x9e3779b9
  for (let index = out.length - 1; index > 0; index -= 1) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    const other = (state >>> 0) % (index + 1)
    const swap = out[index] as T
    out[index] = out[other] as T
    out[other] = swap
  }
  return out
}

function routesOf(
  express: AppProcess,
  koa: AppProcess,
  cookies: readonly string[],
  scales: readonly number[],
): RouteSpec[] {
  const route = (
    framework: string,
    app: AppProcess,
    path: string,
    guard: string,
    flags: {
      readonly cached?: boolean
      readonly gated?: boolean
      readonly sessions?: RouteSpec['sessions']
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
  const members = new Map(
    scales.map((count) => {
      const warm = cookies.slice(0, count)
      return [count, { warm, turns: shuffled(warm) }]
    }),
  )
  // The bare route with members' cookies in turn: the load generator does the same work for it
  // as for the member routes, which are compared with it.
  const turnsOfBare = members.get(scales[0] ?? 0)
  const scaled = (framework: string, app: AppProcess) =>
    scales.map((count) =>
      route(
        framework,
        app,
        scalePath(count),
        `requireMfa(), ${count.toLocaleString('en-US')} members in turn`,
        { cached: true, gated: count <= CACHE_CAPACITY, sessions: members.get(count) },
      ),
    )
  return [
    route('Express 5', express, '/bare', 'none'),
    route('Express 5', express, BARE_TURNS, 'none, members in turn', { sessions: turnsOfBare }),
    route('Express 5', express, '/floor', 'no-op middleware + Cache-Control'),
    route('Express 5', express, '/guarded', 'requireMfa(), cookies', guarded),
    route(
      'Express 5',
      express,
      '/guarded-permission',
      'requireMfa({ permission }), cookies',
      guarded,
    ),
    ...scaled('Express 5', express),
    route('Express 5', express, '/session-only', 'express-session alone'),
    route('Express 5', express, '/guarded-session', 'express-session + requireMfa()', {
      cached: true,
    }),
    route('Express 5', express, '/naive', 'SDK authenticateJwtLocal per request'),
    route('Express 5', express, '/strict', 'requireMfa({ checkWithStytch: true })'),
    route('Koa 3', koa, '/bare', 'none'),
    route('Koa 3', koa, BARE_TURNS, 'none, members in turn', { sessions: turnsOfBare }),
    route('Koa 3', koa, '/floor', 'no-op middleware + Cache-Control'),
    route('Koa 3', koa, '/guarded', 'requireMfa(), cookies', guarded),
    route('Koa 3', koa, '/guarded-permission', 'requireMfa({ permission }), cookies', guarded),
    ...scaled('Koa 3', koa),
  ]
}

/** The bare route loaded like the member routes (their baseline). */
const BARE_TURNS = '/bare-turns'

const isBare = (spec: RouteSpec) => spec.path === '/bare' || spec.path === BARE_TURNS

/** The route a route's × bare is measured against. */
const baseOf = (spec: RouteSpec) =>
  spec.sessions === undefined || spec.path === BARE_TURNS ? '/bare' : BARE_TURNS

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
      chosen.includes(spec) || (isBare(spec) && chosen.some((other) => other.app === spec.app)),
  )
}

/**
 * The Stytch calls so far, by kind. `rbacRefresh`: the RBAC policies a permission guard fetches
 * again in the background every 5 minutes, whatever the traffic: not a call of any request.
 */
function callSnapshot(emulator: Emulator): Record<string, number> {
  const authenticate = emulator.calls('/v1/b2b/sessions/authenticate')
  const jwks = emulator.calls(`/v1/b2b/sessions/jwks/${emulator.projectId}`)
  const rbacRefresh =
    emulator.calls('/v1/b2b/rbac/policy') +
    emulator.calls(`/v1/b2b/rbac/organizations/${MANY_ORGANIZATION.id}`)
  const other = emulator.calls() - authenticate - jwks - rbacRefresh
  return { authenticate, jwks, other, rbacRefresh }
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

/** Where each member route's next round starts in its list, and how long its last round was. */
const progress = new Map<RouteSpec, { cursor: number; requests: number }>()

/**
 * The members each connection sends in turn: consecutive runs of the route's shuffled list,
 * one run per connection, continuing where the last round stopped. Built before the load, as
 * request buffers of autocannon's clients (`setupClient`): building a request as it is sent
 * would cost the load generator, which shares the machine with the app, more than the guard's
 * work. autocannon's `expectBody` does not combine with `requests`: the body is checked here.
 */
function inTurn(
  route: RouteSpec,
  sessions: readonly string[],
  perConnection: number,
  connections: number,
  onMismatch: () => void,
): Pick<autocannon.Options, 'requests' | 'setupClient'> {
  const onResponse = (status: number, body: string) => {
    if (status !== 200 || body !== BODY_TEXT) onMismatch()
  }
  const state = progress.get(route) ?? { cursor: 0, requests: 0 }
  const windows = Array.from({ length: connections }, (_, connection) =>
    Array.from({ length: perConnection }, (_, index) => {
      const cookie = sessions[(state.cursor + connection * perConnection + index) % sessions.length]
      return { headers: { ...CLIENT_HEADERS, cookie: cookie ?? '' }, onResponse }
    }),
  )
  progress.set(route, {
    cursor: (state.cursor + connections * perConnection) % sessions.length,
    requests: state.requests,
  })
  return {
    requests: windows[0] ?? [],
    setupClient: (client) => {
      client.setRequests(windows.shift() ?? [])
    },
  }
}

/** Per connection: half again as many members as the route's last round sent. */
function windowOf(route: RouteSpec, connections: number): number {
  const last = progress.get(route)?.requests ?? 0
  const wanted = last === 0 ? 1000 : Math.ceil((last * 1.5) / connections)
  return Math.min(5000, Math.max(100, wanted))
}

async function load(
  emulator: Emulator,
  route: RouteSpec,
  seconds: number,
  settings: Settings,
  cookie: string,
): Promise<Round> {
  const calls = callSnapshot(emulator)
  const guardBefore = settings.guardTime ? await route.app.guardTimes() : undefined
  const cpu = await route.app.cpuMicros()
  let mismatches = 0
  const { connections } = settings
  const result = await autocannon({
    url: `${route.app.origin}${route.path}`,
    connections,
    duration: seconds,
    // A round ends at the first sample after its duration: sample often.
    sampleInt: SAMPLE_MS,
    headers: { ...CLIENT_HEADERS, cookie },
    ...(route.sessions === undefined
      ? { expectBody: BODY_TEXT }
      : inTurn(route, route.sessions.turns, windowOf(route, connections), connections, () => {
          mismatches += 1
        })),
  })
  const state = progress.get(route)
  if (state !== undefined) progress.set(route, { ...state, requests: result.requests.total })
  await settle(emulator)
  const cpuMicros = (await route.app.cpuMicros()) - cpu
  const after = callSnapshot(emulator)
  const guardAfter = guardBefore && (await route.app.guardTimes())[route.path]
  const guardStart = guardBefore?.[route.path]
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
    guardMicrosPerRequest:
      guardAfter === undefined || guardStart === undefined
        ? undefined
        : (guardAfter.micros - guardStart.micros) /
          Math.max(1, guardAfter.admitted - guardStart.admitted),
  }
}

/** What warming a member route found: its failures, and the heap its guard holds after. */
interface Warmed {
  readonly failures: number
  readonly heapBytes: number
}

/**
 * Sends every member of a route once (each connection a run of them, so each member exactly
 * once): the requests that verify the JWTs. Returns how much the app's heap grew meanwhile.
 */
async function warmMembers(route: RouteSpec, settings: Settings): Promise<Warmed> {
  const sessions = route.sessions?.warm ?? []
  const before = await route.app.heapBytes()
  let failures = 0
  for (let start = 0; start < sessions.length; start += WARM_CHUNK) {
    const chunk = sessions.slice(start, start + WARM_CHUNK)
    const connections = Math.min(settings.connections, chunk.length)
    const perConnection = Math.ceil(chunk.length / connections)
    const result = await autocannon({
      url: `${route.app.origin}${route.path}`,
      connections,
      amount: perConnection * connections,
      ...inTurn(route, chunk, perConnection, connections, () => {
        failures += 1
      }),
    })
    failures += result.non2xx + result.errors
    progress.delete(route)
  }
  return { failures, heapBytes: (await route.app.heapBytes()) - before }
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
 * One request per route (the first few members where members take turns) before any load: a
 * denial would make a fast and meaningless route.
 */
async function probe(route: RouteSpec, cookie: string): Promise<void> {
  const sessions = route.sessions?.warm.slice(0, 10) ?? [cookie]
  await Promise.all(sessions.map((one) => probeOne(route, one)))
}

/** Warm-up (JIT, sockets, JWKS fetch, first local verification), then the measured rounds. */
async function measure(
  emulator: Emulator,
  specs: readonly RouteSpec[],
  settings: Settings,
  cookie: string,
  profile: { readonly start: () => Promise<void>; readonly stop: () => Promise<void> },
): Promise<Map<RouteSpec, Round[]>> {
  for (const spec of specs) await probe(spec, cookie)
  for (const spec of specs) await load(emulator, spec, settings.warmupSeconds, settings, cookie)
  await profile.start()
  const rounds = new Map<RouteSpec, Round[]>(specs.map((spec) => [spec, []]))
  for (let index = 0; index < settings.rounds; index += 1) {
    const order = index % 2 === 0 ? specs : [...specs].reverse()
    for (const spec of order) {
      rounds.get(spec)?.push(await load(emulator, spec, settings.seconds, settings, cookie))
      process.stderr.write('.')
    }
  }
  process.stderr.write('\n')
  await profile.stop()
  return rounds
}

/** The stated bound of the guard's memory at its default capacity (docs/performance.md). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** Per member route: members, heap held by its guard after every member was seen once. */
function memoryTable(warmed: ReadonlyMap<RouteSpec, Warmed>): string {
  const rows = [...warmed].map(([spec, warm]) => {
    const members = spec.sessions?.warm.length ?? 0
    const kept = Math.min(members, CACHE_CAPACITY)
    return [
      spec.framework,
      spec.path,
      members.toLocaleString('en-US'),
      kept.toLocaleString('en-US'),
      megabytes(warm.heapBytes),
      `${String(Math.round(warm.heapBytes / kept))} B`,
    ]
  })
  const header = ['app', 'route', 'members', 'kept', 'guard heap', 'per member kept']
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd()
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n')
}

function memoryChecks(warmed: ReadonlyMap<RouteSpec, Warmed>): Check[] {
  return [...warmed].flatMap(([spec, warm]) => {
    const name = `${spec.framework} ${spec.path}`
    const checks: Check[] = []
    if (warm.failures > 0) {
      checks.push({
        name: `${name} admits every member`,
        ok: false,
        detail: `${String(warm.failures)} failed responses while warming`,
      })
    }
    if ((spec.sessions?.warm.length ?? 0) >= CACHE_CAPACITY) {
      checks.push({
        name: `${name} guard heap ≤ ${megabytes(MAX_CACHE_BYTES)}`,
        ok: warm.heapBytes <= MAX_CACHE_BYTES,
        detail: megabytes(warm.heapBytes),
      })
    }
    return checks
  })
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
  const scales = settings.quick ? SCALES.slice(0, 1) : SCALES
  const many = await manySessions(PROJECT_ID, Math.max(...scales))
  const emulator = await startEmulator({
    seed,
    projectId: PROJECT_ID,
    signingKey: many.signingKey,
  })
  const config = {
    projectId: emulator.projectId,
    secret: emulator.secret,
    baseUrl: emulator.url,
    trustProxy: settings.trustProxy,
    timeGuards: settings.guardTime,
  }
  const apps: AppProcess[] = []
  try {
    const [expressApp, koaApp] = await Promise.all([
      startApp('express', './express-app.ts', config),
      startApp('koa', './koa-app.ts', config),
    ])
    apps.push(expressApp, koaApp)
    const specs = selectRoutes(routesOf(expressApp, koaApp, many.cookies, scales), settings.routes)
    // Before the members sign in below: their JWTs live 5 minutes, the warm-up takes a while.
    const warmed = new Map<RouteSpec, Warmed>()
    for (const spec of specs.filter((one) => one.sessions !== undefined && one.cached)) {
      process.stderr.write(`warming ${spec.framework} ${spec.path}… `)
      await probe(spec, '')
      warmed.set(spec, await warmMembers(spec, settings))
      process.stderr.write('done\n')
    }
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

    const rounds = await measure(emulator, specs, settings, cookie, {
      start: async () => {
        if (profileDir === undefined) return
        await Promise.all(apps.map((app) => app.startProfile()))
      },
      stop: async () => {
        if (profileDir === undefined) return
        await mkdir(profileDir, { recursive: true })
        await Promise.all(
          apps.map((app) => app.stopProfile(`${profileDir}/${app.name}.cpuprofile`)),
        )
      },
    })
    const roundsOf = (spec: RouteSpec | undefined) => (spec && rounds.get(spec)) ?? []
    const bareOf = (spec: RouteSpec) =>
      roundsOf(specs.find((other) => other.app === spec.app && other.path === baseOf(spec)))
    const summaries = specs.map((spec) =>
      summarize(spec.framework, spec.path, spec.guard, roundsOf(spec), bareOf(spec)),
    )
    const checks = [...checksOf(summaries, specs, settings.quick), ...memoryChecks(warmed)]
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
    console.log(memoryTable(warmed))
    console.log()
    console.log(LEGEND)
    if (settings.guardTime) console.log(GUARD_TIME_LEGEND)
    console.log()
    for (const check of checks) {
      console.log(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`)
    }
    if (settings.quick) console.log('--quick: too short to judge speed; the ratio gate is skipped')

    await mkdir(OUT_DIR, { recursive: true })
    const file = `${OUT_DIR}${settings.quick ? 'results-quick.json' : 'results.json'}`
    const memory = [...warmed].map(([spec, warm]) => ({
      route: `${spec.framework} ${spec.path}`,
      members: spec.sessions?.warm.length ?? 0,
      ...warm,
    }))
    const results = {
      date: new Date().toISOString(),
      machine,
      settings,
      routes: summaries,
      memory,
      checks,
    }
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
