/**
 * The documentation is API: every option and every error code has a heading of its own in docs/
 * (with its status for a code), nothing is documented that does not exist, and the README stays
 * the short page a newcomer reads from top to bottom.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MfaErrorCode, statusOf } from '../../src/core/errors.js'
import {
  handlerOptionsSchema,
  mfaOptionsSchema,
  requireMfaOptionsSchema,
} from '../../src/core/options.js'
import { markdownLinks } from './markdown.js'

const ROOT = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8')

/** The schema inside defaults, prefaults and optionals. */
function unwrapped(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional
  ) {
    return unwrapped(schema.unwrap() as z.ZodType)
  }
  return schema
}

/** Every option an object schema takes; those of a nested object as `parent.child`. */
function optionsOf(schema: z.ZodType, prefix = ''): string[] {
  const inner = unwrapped(schema)
  if (!(inner instanceof z.ZodObject)) return []
  return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
    const nested = optionsOf(child, `${prefix}${key}.`)
    return nested.length > 0 ? nested : [`${prefix}${key}`]
  })
}

/** The text under a `## ` heading, up to the next one. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`)
  if (start === -1) return ''
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end === -1 ? undefined : end)
}

/** The names in `### \`name\`` headings. */
function headingNames(text: string): string[] {
  return [...text.matchAll(/^### `([^`]+)`$/gm)].map(([, name = '']) => name)
}

describe('docs/options.md', () => {
  const page = read('docs/options.md')
  const requireMfaPart = section(page, '`requireMfa(options)`')
  const handlerPart = section(page, 'Handler options')
  const factoryPart = page.slice(0, page.indexOf('\n## `requireMfa(options)`\n'))
  const factoryOptions = optionsOf(mfaOptionsSchema)
  const requireMfaOptions = optionsOf(requireMfaOptionsSchema)
  const handlerOptions = optionsOf(handlerOptionsSchema)

  it('walks the schemas down to the nested options', () => {
    expect(factoryOptions).toContain('paths.login')
    expect(factoryOptions).toContain('limits.smsCooldownSeconds')
    expect(factoryOptions).toContain('phoneEnrollment.enabled')
    expect(factoryOptions).not.toContain('limits')
    expect(requireMfaOptions).toContain('maxAge')
    expect(handlerOptions).toEqual(['respondWith'])
  })

  it.each(factoryOptions)('has a heading for the option %s', (option) => {
    expect(headingNames(factoryPart)).toContain(option)
  })

  it.each(requireMfaOptions)('has a heading for the requireMfa() option %s', (option) => {
    expect(headingNames(requireMfaPart)).toContain(option)
  })

  it.each(handlerOptions)('has a heading for the handler option %s', (option) => {
    expect(headingNames(handlerPart)).toContain(option)
  })

  it('documents no option the schemas do not define', () => {
    // `stytch.*` are checked by the Stytch adapter's schema; `now` is the factory's clock.
    const known = new Set([...factoryOptions, 'now'])
    const stale = headingNames(factoryPart).filter(
      (name) => !known.has(name) && !name.startsWith('stytch.'),
    )
    expect(stale).toEqual([])
    expect(
      headingNames(requireMfaPart).filter((name) => !requireMfaOptions.includes(name)),
    ).toEqual([])
    expect(headingNames(handlerPart).filter((name) => !handlerOptions.includes(name))).toEqual([])
  })
})

describe('docs/errors.md', () => {
  const page = read('docs/errors.md')
  const codes = Object.values(MfaErrorCode)

  it.each(codes)('has a heading for the error code %s with its status', (code) => {
    expect(page.split('\n')).toContain(`### \`${code}\` (${String(statusOf[code])})`)
  })

  it('documents no code the library does not answer with', () => {
    const documented = [...page.matchAll(/^### `([a-z_]+)` \(\d{3}\)$/gm)].map(([, code]) => code)
    expect(documented.filter((code) => !(codes as string[]).includes(code ?? ''))).toEqual([])
    expect(documented).toHaveLength(codes.length)
  })
})

describe('README.md', () => {
  const readme = read('README.md')

  it('stays short: at most 12 KiB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12_288)
  })

  it('shows the install, start and test commands', () => {
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  })

  it('has the two quick starts the quick-start test runs', () => {
    expect(readme).toContain('\n## Quick start (Express)\n')
    expect(readme).toContain('\n## Quick start (Koa)\n')
  })

  it('links only to files that exist', () => {
    const missing = markdownLinks(readme)
      .filter((link) => !/^[a-z][a-z+.-]*:/i.test(link) && !link.startsWith('#'))
      .map((link) => link.split('#')[0] ?? '')
      .filter((path) => !existsSync(new URL(path, ROOT)))
    expect(missing).toEqual([])
  })
})
