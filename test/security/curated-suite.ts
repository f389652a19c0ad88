/**
 * The adversarial and fault suite (security.md §2): every curated case of `cases/` runs on every
 * framework (Express 5, Express 4, Koa 3, Koa 2), and the runner checks the global invariants
 * after each. One test file per framework (`suite-*.test.ts`), so the four run in parallel
 * workers, each with its own emulator and, when a case needs it, its own redis-server; the cases
 * that need a core to themselves run in `suite-alone-*.test.ts`, after every other file. The
 * summary of §3 prints when the last of them (or the fuzz file) finishes. Cases that need Redis
 * skip where redis-server is missing (one line says why), and fail in CI.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createClient, type RedisClientType } from 'redis'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'
import { frameworks } from '../helpers/apps.js'
import { allCases } from './cases/index.js'
import { installCapture } from './harness/capture.js'
import { runCase } from './harness/runner.js'
import { securitySeed } from './harness/seed.js'
import {
  addCounts,
  newFrameworkTally,
  publishPart,
  type FrameworkTally,
} from './harness/summary.js'

/**
 * Cases that hold only with a core to themselves: J14 sends 200 sign-ins at once and needs about
 * half a second of CPU inside its 2.5 s bound; I10 sends 1,000 requests, 25 at a time, and
 * counts exactly 60 answered by Stytch, each within the 1 s deadline. Beside other test files
 * they measure the machine, not the library, so they run alone (vitest project `alone`).
 */
const ALONE = new Set(['J14', 'I10'])

/**
 * The suite's test files and what each runs: every case but those run alone, one file per
 * framework; the cases run alone, one file per pair of frameworks (the two fill two cores).
 */
const FILES: Readonly<
  Record<string, { readonly frameworks: readonly string[]; readonly alone: boolean }>
> = {
  'Express 5': { frameworks: ['Express 5'], alone: false },
  'Express 4': { frameworks: ['Express 4'], alone: false },
  'Koa 3': { frameworks: ['Koa 3'], alone: false },
  'Koa 2': { frameworks: ['Koa 2'], alone: false },
  'alone Express': { frameworks: ['Express 5', 'Express 4'], alone: true },
  'alone Koa': { frameworks: ['Koa 3', 'Koa 2'], alone: true },
}

/** Where summary.ts keeps the parts of a run; the files' shares of `curated` wait here. */
const PARTS = join('test-results', 'security-parts')

interface Share {
  readonly durationMs: number
  readonly frameworks: Record<string, FrameworkTally>
}

/** One vitest run: its workers share the parent's pid (as in summary.ts). */
const shareFile = (file: string) =>
  join(PARTS, `${String(process.ppid)}-curated-${file.replace(/\W+/g, '-')}.json`)

function readShare(file: string): Share | undefined {
  try {
    return JSON.parse(readFileSync(shareFile(file), 'utf8')) as Share
  } catch {
    return undefined
  }
}

function mergeTallies(tallies: readonly FrameworkTally[]): FrameworkTally {
  const merged = newFrameworkTally()
  for (const tally of tallies) {
    addCounts(merged.cases, tally.cases)
    addCounts(merged.checks, tally.checks)
    addCounts(merged.failures, tally.failures)
    Object.assign(merged.measures, tally.measures)
    merged.faults.push(...tally.faults)
    merged.redirectPayloads += tally.redirectPayloads
    merged.csrfCombinations += tally.csrfCombinations
  }
  return merged
}

/**
 * Keeps this file's share; once every file's is in, the one that takes the lock merges them into
 * the `curated` part. Returns what to print.
 */
function publishShare(file: string, share: Share): string {
  mkdirSync(PARTS, { recursive: true })
  writeFileSync(shareFile(file), JSON.stringify(share))
  const waiting = `\n[security summary] curated cases (${file}) written; the summary prints when every file of the suite has finished in this run.\n`
  if (Object.keys(FILES).some((name) => readShare(name) === undefined)) return waiting
  // A file, not a directory: summary.ts sweeps old entries out of PARTS with rmSync, which
  // refuses a directory.
  const lock = join(PARTS, `${String(process.ppid)}-curated.lock`)
  try {
    closeSync(openSync(lock, 'wx'))
  } catch {
    return waiting
  }
  try {
    const shares = Object.keys(FILES).map(readShare)
    // Another file merged and removed the shares between the check and the lock.
    if (shares.some((found) => found === undefined)) return waiting
    const complete = shares as Share[]
    const text = publishPart({
      part: 'curated',
      ci: process.env.CI === 'true',
      durationMs: complete.reduce((total, found) => total + found.durationMs, 0),
      frameworks: Object.fromEntries(
        frameworks.map(({ name }) => [
          name,
          mergeTallies(complete.flatMap((found) => found.frameworks[name] ?? [])),
        ]),
      ),
    })
    for (const name of Object.keys(FILES)) rmSync(shareFile(name), { force: true })
    return text
  } finally {
    rmSync(lock, { force: true })
  }
}

/** Declares the curated cases of the test file named `file` in FILES. */
export function curatedSuite(file: string): void {
  const spec = FILES[file]
  if (spec === undefined) throw new Error(`no suite file named ${file}`)
  const targets = frameworks.filter(({ name }) => spec.frameworks.includes(name))
  for (const id of ALONE) {
    if (!allCases.some((testCase) => testCase.id === id))
      throw new Error(`no case ${id} to run alone`)
  }
  const cases = allCases.filter((testCase) => ALONE.has(testCase.id) === spec.alone)
  const started = performance.now()
  const tallies = Object.fromEntries(targets.map(({ name }) => [name, newFrameworkTally()]))
  let emulator: Emulator | undefined
  let uninstall: (() => void) | undefined
  let redisServer: Promise<{ server: RedisServer; client: RedisClientType }> | undefined

  /** One real redis-server for the file, started by the first case that needs it. */
  async function redis(): Promise<RedisClientType> {
    redisServer ??= (async () => {
      const server = await RedisServer.start()
      const client: RedisClientType = createClient({ url: server.url })
      client.on('error', () => undefined)
      await client.connect()
      return { server, client }
    })()
    const { client } = await redisServer
    await client.flushAll()
    return client
  }

  beforeAll(async () => {
    uninstall = installCapture()
    emulator = await startEmulator({ seed: securitySeed })
  })

  afterAll(async () => {
    await emulator?.close()
    // A Redis that failed to start has already failed the case that asked for it.
    const running = await redisServer?.catch(() => undefined)
    if (running !== undefined) {
      running.client.destroy()
      await running.server.stop()
    }
    uninstall?.()
    const durationMs = performance.now() - started
    process.stdout.write(publishShare(file, { durationMs, frameworks: tallies }))
  })

  const shared = {
    redis,
    emulator: () => {
      if (emulator === undefined) throw new Error('the emulator starts in beforeAll')
      return emulator
    },
  }

  for (const framework of targets) {
    const tally = tallies[framework.name] as FrameworkTally
    describe(`security cases on '${framework.name}'`, () => {
      for (const testCase of cases) {
        const skip = testCase.needs === 'redis' && REDIS_SERVER === undefined
        const test = skip ? it.skip : testCase.concurrent === true ? it.concurrent : it
        test(
          `${testCase.id} ${testCase.title}`,
          () => runCase(framework, testCase, shared, tally),
          testCase.timeoutMs ?? 20_000,
        )
      }
    })
  }
}
