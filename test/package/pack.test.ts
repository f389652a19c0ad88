/**
 * What `npm publish` would ship, as `npm pack --dry-run` lists it: the license, the built code,
 * source maps that lead to sources inside the package, and nothing of the tests, the example app
 * or the tooling. `npm test` builds `dist/` before the suite runs.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface Manifest {
  readonly exports: Record<string, string | Record<string, string>>
  readonly bin: Record<string, string>
  readonly dependencies: Record<string, string>
  readonly peerDependencies: Record<string, string>
  readonly peerDependenciesMeta: Record<string, { readonly optional?: boolean }>
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
/** A package path as npm lists it: `./dist/x.js` → `dist/x.js`. */
const packed = (path: string) => posix.normalize(path)

/** The package a bare specifier names: `@koa/router/x` → `@koa/router`, `stytch/x` → `stytch`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/')
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
}

/** Every module specifier a built file imports or re-exports, statically or with `import()`. */
function specifiersOf(code: string): string[] {
  const statements = /^\s*(?:(?:import|export)\s[\w\s{},*$]*?from|import)\s*['"]([^'"]+)['"]/gm
  const calls = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g
  return [...code.matchAll(statements), ...code.matchAll(calls)].map((match) => match[1] ?? '')
}

describe('the packed package', () => {
  let files: Set<string>

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    })
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }]
    files = new Set(pack.files.map((file) => file.path))
    if (!files.has('dist/index.js')) throw new Error('dist/ is not built: run `npm run build`')
  }, 60_000)

  it('includes the MIT license with its copyright line', () => {
    expect(files.has('LICENSE')).toBe(true)
    const license = read('LICENSE')
    expect(license).toMatch(/^MIT License\n/)
    expect(license).toContain('Copyright (c) 2026 the stytch-b2b-mfa authors')
  })

  it('includes every file the exports map and the bin point at', () => {
    const targets = [
      ...Object.values(manifest.exports).flatMap((target) =>
        typeof target === 'string' ? [target] : Object.values(target),
      ),
      ...Object.values(manifest.bin),
    ]
    const missing = targets.map(packed).filter((path) => !files.has(path))
    expect(missing).toEqual([])
  })

  it('has no source map with a source outside the package (or no maps at all)', () => {
    const maps = [...files].filter((path) => path.endsWith('.map'))
    const unresolved: string[] = []
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(read(map)) as {
        sources: string[]
        sourceRoot?: string
      }
      for (const source of sources) {
        const path = posix.join(dirname(map), sourceRoot, source)
        if (!files.has(path)) unresolved.push(`${map} → ${source}`)
      }
    }
    expect(unresolved).toEqual([])
  })

  it('ships only dist/, src/, the readme, the license and package.json', () => {
    const extra = [...files].filter(
      (path) =>
        !path.startsWith('dist/') &&
        !path.startsWith('src/') &&
        !['package.json', 'README.md', 'LICENSE'].includes(path),
    )
    expect(extra).toEqual([])
    expect([...files].filter((path) => /^(test|example-app|bench)\//.test(path))).toEqual([])
  })

  it('imports at runtime and in its types only its dependencies, optional peers and node:', () => {
    const allowed = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
      ...builtinModules,
    ])
    const strays = new Set<string>()
    for (const path of files) {
      if (!path.startsWith('dist/') || !/\.(js|d\.ts)$/.test(path)) continue
      for (const specifier of specifiersOf(read(path))) {
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue
        if (!allowed.has(packageOf(specifier))) strays.add(`${path} imports ${specifier}`)
      }
    }
    expect([...strays]).toEqual([])
  })

  it('declares Express and Koa (and their types) as optional peers, and stytch as a required one', () => {
    for (const name of ['express', 'koa', '@types/express', '@types/koa']) {
      expect(manifest.peerDependencies[name], name).toBeDefined()
      expect(manifest.peerDependenciesMeta[name]?.optional, name).toBe(true)
    }
    expect(manifest.peerDependencies.express).toBe('^4 || ^5')
    expect(manifest.peerDependencies.koa).toBe('^2 || ^3')
    // One SDK for the app and the library: a `{ client }` built from another copy is not a
    // B2BClient to TypeScript (the class has protected members).
    expect(manifest.peerDependencies.stytch).toBeDefined()
    expect(manifest.peerDependenciesMeta.stytch?.optional).toBeUndefined()
    expect(manifest.dependencies.stytch).toBeUndefined()
  })
})
