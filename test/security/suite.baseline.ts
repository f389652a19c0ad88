/**
 * The adversarial and fault suite (security.md §2): every curated case of `cases/` runs on every
 * framework (Express 5, Express 4, Koa 3, Koa 2), and the runner checks the global invariants
 * after each. The summary of §3 prints when the run ends. Cases that need Redis skip where
 * redis-server is missing (one line says why), and fail in CI.
 */
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type RedisClientType } from 'redis'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'
import { frameworks } from '../helpers/apps.js'
import { allCases } from './cases/index.js'
import { installCapture } from './harness/capture.js'
import { runCase } from './harness/runner.js'
import { securitySeed } from './harness/seed.js'
import { newFrameworkTally, publishPart, type FrameworkTally } from './harness/summary.js'

const started = performance.now()
const tallies: Record<string, FrameworkTally> = {}
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
  const text = publishPart({
    part: 'curated',
    ci: process.env.CI === 'true',
    durationMs: performance.now() - started,
    frameworks: tallies,
  })
  process.stdout.write(text)
})

const shared = {
  redis,
  emulator: () => {
    if (emulator === undefined) throw new Error('the emulator starts in beforeAll')
    return emulator
  },
}

describe('the curated catalogue', () => {
  it('holds at least 150 cases with unique ids, each in its category', () => {
    expect(allCases.length).toBeGreaterThanOrEqual(150)
    expect(new Set(allCases.map((c) => c.id)).size).toBe(allCases.length)
    for (const c of allCases) expect(c.id.startsWith(c.category)).toBe(true)
  })
})

describe.each(frameworks)('security cases on $name', (framework) => {
  const tally = newFrameworkTally()
  tallies[framework.name] = tally
  for (const testCase of allCases) {
    const skip = testCase.needs === 'redis' && REDIS_SERVER === undefined
    const test = skip ? it.skip : testCase.concurrent === true ? it.concurrent : it
    test(
      `${testCase.id} ${testCase.title}`,
      () => runCase(framework, testCase, shared, tally),
      testCase.timeoutMs ?? 20_000,
    )
  }
})
