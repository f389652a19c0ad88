/**
 * The dependency rules of the house, read from the sources: the core owns its ports and imports
 * nothing else of src/, and only the Stytch adapter loads the `stytch` SDK.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../../src', import.meta.url))
const CORE = join(SRC, 'core')
const STYTCH_ADAPTER = join(SRC, 'stytch')
const EMULATOR = join(SRC, 'emulator')

/** Every TypeScript file under `dir`, as absolute paths. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name))
}

/** What a file imports or re-exports, type-only imports and `import()` included. */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName)
}

const isInside = (dir: string, path: string) => path === dir || path.startsWith(dir + sep)
const isStytchSdk = (specifier: string) => specifier === 'stytch' || specifier.startsWith('stytch/')
const shown = (file: string) => relative(join(SRC, '..'), file).split(sep).join('/')

/** `file imports "specifier"` for each import of `file` (at `path`) that leaves src/core. */
function coreViolations(path: string, text: string): string[] {
  return importsOf(text)
    .filter((specifier) => {
      if (specifier.startsWith('.')) return !isInside(CORE, resolve(dirname(path), specifier))
      return isStytchSdk(specifier) || /^(express|koa)(\/|$)/.test(specifier)
    })
    .map((specifier) => `${shown(path)} imports "${specifier}"`)
}

/** `file imports "stytch"` for each import of the SDK outside the Stytch adapter. */
function sdkViolations(path: string, text: string): string[] {
  if (isInside(STYTCH_ADAPTER, path)) return []
  return importsOf(text)
    .filter(isStytchSdk)
    .map((specifier) => `${shown(path)} imports "${specifier}"`)
}

describe('the import graph of src/', () => {
  it('keeps src/core to itself: no import reaches another folder of src/, express, koa or stytch', () => {
    const files = sourcesUnder(CORE)
    expect(files.length).toBeGreaterThan(20)
    const violations = files.flatMap((file) => coreViolations(file, readFileSync(file, 'utf8')))
    expect(violations).toEqual([])
  })

  it('lets only src/stytch import the stytch SDK (the emulator aside)', () => {
    const files = sourcesUnder(SRC).filter((file) => !isInside(EMULATOR, file))
    const violations = files.flatMap((file) => sdkViolations(file, readFileSync(file, 'utf8')))
    expect(violations).toEqual([])
    const adapterImports = sourcesUnder(STYTCH_ADAPTER).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8')),
    )
    expect(adapterImports).toContain('stytch')
  })

  it('loads libphonenumber-js with import() on the first phone number, never at startup (the emulator aside)', () => {
    const texts = sourcesUnder(SRC)
      .filter((file) => !isInside(EMULATOR, file))
      .map((file) => [file, readFileSync(file, 'utf8')] as const)
    const eager = texts
      .filter(([, text]) => /^(?:import|export) (?!type )[^'"]*['"]libphonenumber-js/m.test(text))
      .map(([file]) => shown(file))
    expect(eager).toEqual([])
    const lazy = texts.filter(([, text]) => text.includes("import('libphonenumber-js/"))
    expect(lazy.map(([file]) => shown(file))).toEqual(['src/core/phone.ts'])
  })

  it('names the file and the import when a rule is broken', () => {
    const engine = join(CORE, 'engine.ts')
    const text = [
      "import type { StytchPort } from '../stytch/sdk-adapter.js'",
      "export { setup } from '../setup.js'",
      "import type { Request } from 'express'",
      "const lazy = () => import('../limits/index.js')",
      "import type { Reply } from './ports/framework.js'",
    ].join('\n')
    expect(coreViolations(engine, text)).toEqual([
      'src/core/engine.ts imports "../stytch/sdk-adapter.js"',
      'src/core/engine.ts imports "../setup.js"',
      'src/core/engine.ts imports "express"',
      'src/core/engine.ts imports "../limits/index.js"',
    ])
    expect(sdkViolations(join(SRC, 'setup.ts'), "import { B2BClient } from 'stytch'")).toEqual([
      'src/setup.ts imports "stytch"',
    ])
  })
})
