/**
 * The shape of a curated security case: data (id, category, title, app options, expectations)
 * plus one `run` function. The runner (`curated-suite.ts`, one `suite-*.test.ts` per framework) executes every case on every framework
 * and checks the invariants of security.md §2.0 after each.
 */
import type { RedisClientType } from 'redis'
import type { Emulator, Fault } from '../../../src/emulator/index.js'
import type { CoreHandlers } from '../../../src/setup.js'
import type { AppSpec, TestApp } from '../../helpers/apps.js'
import type { Member } from '../../helpers/sign-in.js'
import type { Browser, BrowserOptions, RawResponse } from './http.js'
import type { CaseApp, Exchange } from './recorder.js'
import type { JwtOptions } from './jwt.js'

/** The categories of security.md §2 (A–M). */
export type Category = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M'

export const CATEGORY_NAMES: Readonly<Record<Category, string>> = {
  A: 'MFA bypass and flow integrity',
  B: 'token and cookie tampering',
  C: 'session lifecycle',
  D: 'OTP verification',
  E: 'SMS send and toll fraud',
  F: 'malformed input',
  G: 'open redirects',
  H: 'CSRF and cross-origin',
  I: 'JWT, JWKS and clock',
  J: 'upstream faults',
  K: 'concurrency',
  L: 'enumeration and leakage',
  M: 'configuration',
}

/** An exact count, or an inclusive `[min, max]` range. */
export type Count = number | readonly [number, number]

export interface CaseExpect {
  /** Member sessions the emulator mints outside setup. @default 0 */
  readonly sessions?: Count
  /**
   * Responses outside setup that carry a non-empty session Set-Cookie.
   * @default `sessions` with cookie storage, 0 with server storage
   */
  readonly sessionCookies?: Count
  /** Requests the guards admit outside setup (all guarded paths together). @default 0 */
  readonly admitted?: Count
  /** Statuses allowed beyond the base set (every status below 500). */
  readonly statuses?: readonly number[]
  /** The case makes Stytch fail on purpose: 502/503/504 are allowed (set by `ctx.fault`). */
  readonly upstreamFault?: boolean
}

/** One upstream fault as the summary reports it. */
export interface FaultReport {
  readonly fault: string
  readonly endpoint: string
  readonly status: number
  readonly latencyMs: number
  /** What happened to the cookies: `IST kept`, `session kept`, `cleared`… */
  readonly cookies: string
}

/** What a case may hand back to the summary (assertions happen inside `run`). */
export interface CaseOutcome {
  /** Measured limits, e.g. `wrongCodesPerIstBeforeBurn: 5`. */
  readonly measures?: Readonly<Record<string, number>>
  readonly faults?: readonly FaultReport[]
  /** Open-redirect payloads tried. */
  readonly redirectPayloads?: number
  /** CSRF header combinations tried. */
  readonly csrfCombinations?: number
}

export interface SecurityCase {
  /** Catalogue id, with a suffix when one catalogue case expands into several inputs: `G1.3`. */
  readonly id: string
  readonly category: Category
  /** Reads as a sentence after the id: `A7 ignores a member_id in the body …`. */
  readonly title: string
  /** The primary app's options (storage, library options). */
  readonly app?: AppSpec
  readonly expect?: CaseExpect
  /**
   * What the case needs beyond the emulator: `'redis'` gives it `ctx.redis()`, and skips it
   * (with the file's one-line reason) where redis-server is missing and CI is not set.
   */
  readonly needs?: 'redis'
  /** I/O-bound (waits for deadlines): runs concurrently with its neighbours, on its own emulator. */
  readonly concurrent?: boolean
  readonly timeoutMs?: number
  run(ctx: CaseContext): Promise<CaseOutcome | undefined>
}

/** The upstream paths the fault cases target. */
export type UpstreamPath =
  | '/v1/b2b/otps/email/login_or_signup'
  | '/v1/b2b/otps/email/authenticate'
  | '/v1/b2b/otps/sms/send'
  | '/v1/b2b/otps/sms/authenticate'
  | '/v1/b2b/sessions/authenticate'
  | '/v1/b2b/sessions/revoke'
  | `/v1/b2b/sessions/jwks/${string}`

export interface SignInOptions extends BrowserOptions {
  readonly app?: CaseApp
  readonly organization?: string
}

/** What a case works with. Setup helpers run in the setup phase, which invariants ignore. */
export interface CaseContext {
  readonly framework: string
  readonly emulator: Emulator
  /** The app built from the case's `app` spec. */
  readonly app: CaseApp
  /** Another app on the same emulator (another instance, other options); recorded too. */
  buildApp(spec?: AppSpec): CaseApp
  /** An app this harness builds itself (see custom-apps.ts), recorded like the others. */
  adoptApp(
    build: (emulator: Emulator) => TestApp,
    options?: { readonly trustsProxy?: boolean },
  ): CaseApp
  /** A client of the primary app (or `options.app`): an API client unless `browser: true`. */
  client(options?: BrowserOptions & { readonly app?: CaseApp }): Browser
  /** Runs `fn` in the setup phase: its sessions, admissions and cookies are not the attack's. */
  setup<T>(fn: () => Promise<T>): Promise<T>
  /** Setup: sends and verifies the email code; the client then holds the pending (IST) cookie. */
  emailStep(member?: Member, options?: SignInOptions): Promise<Browser>
  /** Setup: both steps; the client then holds a member session. */
  signIn(member?: Member, options?: SignInOptions): Promise<Browser>
  /** Injects an upstream fault (and allows 502/503/504 for this case). */
  fault(path: UpstreamPath, fault: Fault, times?: number): void
  /** Marks values as secret: they must never appear in logs, events or response bodies. */
  secret(...values: readonly string[]): void
  /** Opens a sealed pending cookie with the test secret. */
  openPending(value: string): Promise<Record<string, unknown> | undefined>
  /** Seals a pending cookie value (as the library would, or with another secret). */
  sealPending(payload: Record<string, unknown>, expiresAt: Date, secret?: string): Promise<string>
  /** A session JWT with Stytch's claims, signed as asked. */
  jwt(options?: JwtOptions): string
  /** The core handlers of a configuration, for requests built by hand (no framework). */
  core(spec?: AppSpec): CoreHandlers
  /** A raw HTTP/1.1 exchange with the primary app (bytes as given). */
  raw(request: string | Buffer, options?: RawOptions): Promise<RawResponse>
  /** A real Redis (started once per file, flushed for this case); only for `needs: 'redis'`. */
  redis(): Promise<RedisClientType>
  /** What the apps answered so far, as recorded on the server side. */
  exchanges(): readonly Exchange[]
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>
}

export interface RawOptions {
  /** Extra body chunks written after the request, `intervalMs` apart. */
  readonly chunks?: readonly (string | Buffer)[]
  readonly intervalMs?: number
  /** Gives up (and closes the socket) after this long. @default 5000 */
  readonly timeoutMs?: number
  /** Closes the socket right after writing everything. */
  readonly closeAfterWrite?: boolean
}
