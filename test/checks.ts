/**
 * The checks `npm test` runs before vitest — lint (eslint, prettier), typecheck and build — at
 * the same time rather than one after another; each prints its output in one block when it ends.
 * eslint, prettier and the typecheck keep caches in node_modules/.cache, so a second run looks
 * only at what changed, and a fresh install (CI) checks everything. eslint keys its cache on each
 * file's own text: when a change to one file's types makes a typed rule fire in another file, the
 * cold run in CI (or `npm run lint`) reports it, a cached local run only once that file changes.
 * The build is not cached, and starts from an empty dist/: a deleted source must not stay shipped.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join('node_modules', '.cache', 'stytch-b2b-mfa')

interface Check {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
}

const checks: readonly Check[] = [
  {
    name: 'eslint',
    command: 'eslint',
    args: [
      '--cache',
      '--cache-strategy',
      'content',
      '--cache-location',
      join(CACHE, 'eslint/'),
      '.',
    ],
  },
  {
    name: 'prettier',
    command: 'prettier',
    args: ['--check', '--cache', '--cache-location', join(CACHE, 'prettier'), '.'],
  },
  {
    name: 'typecheck',
    command: 'tsc',
    args: ['--noEmit', '--incremental', '--tsBuildInfoFile', join(CACHE, 'typecheck.tsbuildinfo')],
  },
  { name: 'build', command: 'tsc', args: ['-p', 'tsconfig.build.json'] },
]

interface Result {
  readonly name: string
  readonly code: number | null
  readonly seconds: number
  readonly output: string
}

function run(check: Check): Promise<Result> {
  if (check.name === 'build') rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
  const started = performance.now()
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const child = spawn(join(ROOT, 'node_modules', '.bin', check.command), check.args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => {
      chunks.push(chunk)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const finish = (code: number | null, output: string) => {
      const seconds = (performance.now() - started) / 1000
      resolve({ name: check.name, code, seconds, output })
    }
    child.on('error', (error) => {
      finish(null, String(error))
    })
    child.on('close', (code) => {
      finish(code, Buffer.concat(chunks).toString('utf8'))
    })
  })
}

const started = performance.now()
const results = await Promise.all(
  checks.map(async (check) => {
    const result = await run(check)
    const verdict = result.code === 0 ? 'passed' : `failed (exit ${String(result.code)})`
    process.stdout.write(`\n> ${result.name} ${verdict} in ${result.seconds.toFixed(1)} s\n`)
    if (result.output.trim() !== '') process.stdout.write(`${result.output.trimEnd()}\n`)
    return result
  }),
)
const failed = results.filter((result) => result.code !== 0).map((result) => result.name)
const seconds = ((performance.now() - started) / 1000).toFixed(1)
process.stdout.write(
  `\nChecks ${failed.length === 0 ? 'passed' : `failed: ${failed.join(', ')}`} in ${seconds} s\n\n`,
)
process.exitCode = failed.length === 0 ? 0 : 1
