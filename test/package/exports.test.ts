/**
 * The built package as users load it: every entry of the exports map, from ESM and from a
 * CommonJS `require()` (Node ≥ 20.19 loads ES modules without top-level await synchronously).
 * `npm test` builds `dist/` before the suite runs.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const entries = {
  'stytch-b2b-mfa': ['MfaError', 'MfaErrorCode', 'isMfaError', 'messageOf', 'statusOf'],
  'stytch-b2b-mfa/express': [
    'createStytchMfa',
    'MfaError',
    'MfaErrorCode',
    'isMfaError',
    'messageOf',
  ],
  'stytch-b2b-mfa/koa': ['createStytchMfa', 'MfaError', 'MfaErrorCode', 'isMfaError', 'messageOf'],
  'stytch-b2b-mfa/emulator': ['startEmulator'],
  'stytch-b2b-mfa/limits': ['memoryLimitStore', 'redisLimitStore'],
  'stytch-b2b-mfa/revocations': ['redisRevocationStore'],
} as const

function run(script: string, type: 'commonjs' | 'module'): string {
  return execFileSync(process.execPath, ['--no-warnings', `--input-type=${type}`, '-e', script], {
    encoding: 'utf8',
  })
}

describe('the built package', () => {
  it('has been built', () => {
    expect(existsSync(new URL('../../dist/express/index.js', import.meta.url))).toBe(true)
    expect(existsSync(new URL('../../dist/express/index.d.ts', import.meta.url))).toBe(true)
  })

  describe.each(Object.entries(entries))('%s', (entry, names) => {
    it('loads with require() from CommonJS and exports exactly its API', () => {
      const keys = run(
        `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(entry)})).sort()))`,
        'commonjs',
      )
      expect(JSON.parse(keys)).toEqual([...names].sort())
    })

    it('loads with import from ESM', () => {
      const keys = run(
        `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
        'module',
      )
      expect(JSON.parse(keys)).toEqual([...names].sort())
    })
  })
})
