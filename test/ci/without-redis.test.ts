/**
 * A machine with only Node and npm: every test that needs Redis skips with one line per file,
 * and the run passes. Proven here, where Redis may well be installed, by running the
 * Redis-dependent files in a nested vitest with `STYTCH_TEST_NO_REDIS=1` (what
 * test/helpers/redis-server.ts honours) and `CI` unset. In CI the same switch must fail the run.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs')
const SKIP_LINE = 'Skipping the Redis tests of this file: STYTCH_TEST_NO_REDIS=1 is set'

const REDIS_FILES = [
  'test/limits/redis-keys.test.ts',
  'test/scale/two-instances.test.ts',
  'test/scale/revocation.test.ts',
  'test/example-app/redis.test.ts',
  'test/security/suite-express5.test.ts',
  'test/security/suite-express4.test.ts',
  'test/security/suite-koa3.test.ts',
  'test/security/suite-koa2.test.ts',
]
/** Everything outside the security suite, and of the suite only K5 (no Redis) and K6 (Redis). */
const NAMES = String.raw`^(?!security cases on )|^security cases on '[^']+' K[56][. ]`

interface Run {
  readonly code: number
  readonly output: string
}

/** Runs vitest in a child process with CI unset and `env` added; never throws. */
function vitest(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'CI' && !name.startsWith('VITEST')),
  )
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, 'run', ...args],
      {
        cwd: ROOT,
        env: { ...inherited, NO_COLOR: '1', ...env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 110_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, output: `${stdout}\n${stderr}` })
      },
    )
  })
}

interface JsonReport {
  readonly numFailedTests: number
  readonly numFailedTestSuites: number
  readonly testResults: readonly {
    readonly name: string
    readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[]
  }[]
}

describe('the Redis tests on a machine without redis-server', () => {
  let directory: string

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stytch-mfa-no-redis-'))
  })

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('skip with one line per file, and the run passes with no failure', async () => {
    const report = join(directory, 'report.json')
    const { code, output } = await vitest(
      [
        ...REDIS_FILES,
        '-t',
        NAMES,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
      ],
      { STYTCH_TEST_NO_REDIS: '1' },
    )
    expect(code, output.slice(-3000)).toBe(0)
    expect(output.split(SKIP_LINE).length - 1).toBe(REDIS_FILES.length)

    const json = JSON.parse(await readFile(report, 'utf8')) as JsonReport
    expect(json.numFailedTests).toBe(0)
    expect(json.numFailedTestSuites).toBe(0)
    const states = new Map<string, string[]>()
    for (const file of json.testResults) {
      for (const test of file.assertionResults) {
        const key = /\/security\/suite-/.test(file.name)
          ? (/ (K\d)[. ]/.exec(test.fullName)?.[1] ?? 'other')
          : 'redis file'
        states.set(key, [...(states.get(key) ?? []), test.status])
      }
    }
    const only = (key: string) => [...new Set(states.get(key))]
    expect(states.get('redis file')?.length).toBeGreaterThan(40)
    expect(only('redis file')).toEqual(['skipped'])
    // K6 runs two instances over one Redis: skipped on all four frameworks.
    expect(states.get('K6')).toEqual(Array.from({ length: 8 }, () => 'skipped'))
    // K5 needs no Redis: it still runs, and passes.
    expect(states.get('K5')).toEqual(Array.from({ length: 4 }, () => 'passed'))
  }, 120_000)

  it('fail the run when CI=true, naming the switch', async () => {
    const { code, output } = await vitest(['test/limits/redis-keys.test.ts'], {
      STYTCH_TEST_NO_REDIS: '1',
      CI: 'true',
    })
    expect(code).not.toBe(0)
    expect(output).toContain('CI needs Redis: STYTCH_TEST_NO_REDIS=1 is set')
  }, 120_000)
})
