/**
 * `npm run bench -- --quick --guard-time` runs end to end: every route answers, the table lists
 * them all, the guards answered from memory without calling Stytch, and each clocked guard has a
 * time. Speed is the bench's business, not a unit test's: no ratio or time is judged here.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))

const ROUTES = [
  ['Express 5', '/bare'],
  ['Express 5', '/bare-turns'],
  ['Express 5', '/floor'],
  ['Express 5', '/guarded'],
  ['Express 5', '/guarded-permission'],
  ['Express 5', '/guarded-1k'],
  ['Express 5', '/session-only'],
  ['Express 5', '/guarded-session'],
  ['Express 5', '/naive'],
  ['Express 5', '/strict'],
  ['Koa 3', '/bare'],
  ['Koa 3', '/bare-turns'],
  ['Koa 3', '/floor'],
  ['Koa 3', '/guarded'],
  ['Koa 3', '/guarded-permission'],
  ['Koa 3', '/guarded-1k'],
] as const

/** Routes whose middleware the bench clocks with `--guard-time` (the floor and the guards). */
const CLOCKED = [
  'Express 5 /floor',
  'Express 5 /guarded',
  'Express 5 /guarded-permission',
  'Express 5 /guarded-1k',
  'Express 5 /guarded-session',
  'Koa 3 /floor',
  'Koa 3 /guarded',
  'Koa 3 /guarded-permission',
  'Koa 3 /guarded-1k',
]

const CACHED = [
  'Express 5 /guarded',
  'Express 5 /guarded-permission',
  'Express 5 /guarded-1k',
  'Express 5 /guarded-session',
  'Koa 3 /guarded',
  'Koa 3 /guarded-permission',
  'Koa 3 /guarded-1k',
]

/** The table's row of a route, as cells (columns are separated by two spaces or more). */
function row(stdout: string, app: string, path: string): string[] | undefined {
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/))
    .find((cells) => cells[0] === app && cells[1] === path)
}

describe('bench --quick', () => {
  it('prints every route, with no Stytch call by the guards in steady state', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--guard-time'],
      { cwd: root, timeout: 55_000 },
    )
    for (const [app, path] of ROUTES) {
      const name = `${app} ${path}`
      const cells = row(stdout, app, path)
      expect(cells, `${name} in\n${stdout}`).toBeDefined()
      expect(Number((cells?.[3] ?? '').replaceAll(',', ''))).toBeGreaterThan(0)
      // Stytch calls during the measured rounds, then the guard's time where it is clocked.
      if (CACHED.includes(name)) expect(cells?.[9]).toBe('0')
      const guardTime = cells?.[10]
      if (CLOCKED.includes(name)) expect(Number(guardTime), name).toBeGreaterThan(0)
      else expect(guardTime, name).toBeUndefined()
    }
    for (const name of CACHED) {
      expect(stdout).toContain(`ok    ${name} makes no Stytch call in steady state: 0 calls`)
    }
    expect(stdout).not.toContain('FAIL')
  }, 60_000)
})
