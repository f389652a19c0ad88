/**
 * docs/security.md is the promise ledger: each entry is an attack with what must not happen and
 * the tests that prove it. A proof that cites a test which does not exist proves nothing, so
 * every citation is checked here: the file exists, each curated case id is in that file and in
 * the catalogue the security suite runs, and each quoted test name is a string in that file.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { allCases } from '../security/cases/index.js'

const ROOT = new URL('../../', import.meta.url)
const PAGE = 'docs/security.md'
const page = readFileSync(new URL(PAGE, ROOT), 'utf8')

const GROUPS = [
  'Sign-in flow',
  'Cookies and tokens',
  'Sessions, logout and revocation',
  'The guard and tenants',
  'Limits and abuse',
  'Input',
  'Redirects and CSRF',
  'Upstream faults',
  'Leakage',
  'Configuration and deployment',
  'Mounting',
] as const
const KNOWN_LIMITS = 'Known limits'
const FIELDS = ['Attack', 'Must not', 'Proof'] as const
type Field = (typeof FIELDS)[number]

/** The tests one citation names: `path` › ids and "quoted test names". */
interface Citation {
  readonly file: string
  readonly ids: readonly string[]
  readonly names: readonly string[]
  /** Whatever is neither an id nor a quoted name: a typo the ledger must not carry. */
  readonly stray: readonly string[]
}

interface Entry {
  readonly id: string
  readonly title: string
  readonly group: string
  readonly fields: Partial<Record<Field, string>>
  /** Lines of the entry that start no field and continue none. */
  readonly loose: readonly string[]
}

interface Section {
  readonly heading: string
  readonly lines: string[]
}

function sections(text: string): Section[] {
  const found: Section[] = []
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line)
    if (heading?.[1] !== undefined) found.push({ heading: heading[1], lines: [] })
    else found.at(-1)?.lines.push(line)
  }
  return found
}

function entriesOf(section: Section): Entry[] {
  const entries: { id: string; title: string; lines: string[] }[] = []
  for (const line of section.lines) {
    const heading = /^### (P\d+)\. (.+)$/.exec(line)
    if (heading?.[1] !== undefined && heading[2] !== undefined) {
      entries.push({ id: heading[1], title: heading[2], lines: [] })
    } else {
      entries.at(-1)?.lines.push(line)
    }
  }
  return entries.map(({ id, title, lines }) => {
    const fields: Partial<Record<Field, string>> = {}
    const loose: string[] = []
    let current: Field | undefined
    for (const line of lines) {
      if (line.trim() === '') {
        current = undefined
        continue
      }
      const field = FIELDS.find((name) => line.startsWith(`${name}: `))
      if (field !== undefined) {
        current = field
        fields[field] = line.slice(field.length + 2).trim()
      } else if (current !== undefined) {
        fields[current] = `${fields[current] ?? ''} ${line.trim()}`
      } else {
        loose.push(line)
      }
    }
    return { id, title, group: section.heading, fields, loose }
  })
}

/** Reads "`a.ts` › C11, C12; `b.ts` › "a test name"" into one citation per file. */
function citationsIn(text: string): Citation[] {
  const citations: Citation[] = []
  for (const match of text.matchAll(/`([^`]+\.ts)`\s*›([^`]*)/g)) {
    const [, file = '', items = ''] = match
    const names = [...items.matchAll(/"([^"]+)"/g)].map(([, name = '']) => name)
    const rest = items
      .replace(/"[^"]+"/g, ' ')
      .split(/[\s,;›]+/)
      .filter((token) => token !== '')
    const ids = rest.filter((token) => /^[A-M]\d+(?:\.[\w-]+)?$/.test(token))
    citations.push({ file, ids, names, stray: rest.filter((token) => !ids.includes(token)) })
  }
  return citations
}

const sourceCache = new Map<string, string | undefined>()

/** The file's text, its escaped quotes read as quotes; `undefined` when it does not exist. */
function source(file: string): string | undefined {
  if (!sourceCache.has(file)) {
    const url = new URL(file, ROOT)
    sourceCache.set(
      file,
      existsSync(url) ? readFileSync(url, 'utf8').replace(/\\(['"`])/g, '$1') : undefined,
    )
  }
  return sourceCache.get(file)
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A case id as the case files write it: `'C11'`, `'I5.none'`, or a family `` `A10.${…}` ``. */
function caseIdIn(text: string, id: string): boolean {
  return new RegExp(`['"\`]${escape(id)}['"\`.]`).test(text)
}

/** A test name as a string literal of the file (a describe, an it, or a table row's name). */
function testNameIn(text: string, name: string): boolean {
  return new RegExp(`['"\`]${escape(name)}['"\`]`).test(text)
}

/** The cases the suite runs: an id names one case or, as a prefix, a family of them. */
function inCatalogue(id: string): boolean {
  return allCases.some((c) => c.id === id || c.id.startsWith(`${id}.`))
}

/** What is wrong with one citation, as sentences; empty when every test it names exists. */
function problemsOf(citation: Citation): string[] {
  const { file, ids, names, stray } = citation
  const text = source(file)
  if (text === undefined) return [`${file} does not exist`]
  const problems = stray.map((token) => `${file}: "${token}" is neither a case id nor a name`)
  if (ids.length === 0 && names.length === 0) problems.push(`${file}: cites no test`)
  if (ids.length > 0 && !file.startsWith('test/security/cases/')) {
    problems.push(`${file}: case ids belong to test/security/cases/`)
  }
  for (const id of ids) {
    if (!caseIdIn(text, id)) problems.push(`${file}: no case ${id}`)
    else if (!inCatalogue(id)) problems.push(`${file}: case ${id} is not in cases/index.ts`)
  }
  for (const name of names) {
    const spaced = name.replace(/\s+/g, ' ')
    if (!testNameIn(text, spaced)) problems.push(`${file}: no test "${spaced}"`)
  }
  return problems
}

const all = sections(page)
const entries = all.flatMap(entriesOf)
/** The known limits, one per bullet; what follows "Shown by:" cites tests. */
const limits = (all.find((section) => section.heading === KNOWN_LIMITS)?.lines ?? [])
  .join('\n')
  .split(/^- /m)
  .slice(1)

describe(PAGE, () => {
  it('groups its entries under the ledger headings, then ends with the known limits', () => {
    expect(all.map((section) => section.heading)).toEqual([...GROUPS, KNOWN_LIMITS])
    for (const group of GROUPS) {
      expect(
        entries.some((entry) => entry.group === group),
        group,
      ).toBe(true)
    }
  })

  it('numbers its entries P1, P2, … in order, each once', () => {
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.map((entry) => entry.id)).toEqual(entries.map((_, i) => `P${String(i + 1)}`))
  })

  it('has no table wider than 100 characters', () => {
    const wide = page.split('\n').filter((line) => line.startsWith('|') && line.length > 100)
    expect(wide).toEqual([])
  })

  const rows = entries.map((entry) => [entry.id, entry.title, entry] as const)

  it.each(rows)('states the attack, what must not happen and the proof for %s', (id, _, entry) => {
    for (const field of FIELDS) expect(entry.fields[field], `${id} ${field}`).toMatch(/\S/)
    expect(entry.loose, `${id}: lines outside Attack / Must not / Proof`).toEqual([])
  })

  it.each(rows)('cites an existing test for %s (%s)', (_id, _title, entry) => {
    const citations = citationsIn(entry.fields.Proof ?? '')
    expect(citations.length, `${entry.id} cites no test`).toBeGreaterThan(0)
    expect(citations.flatMap(problemsOf)).toEqual([])
  })

  it('cites only existing tests in its known limits', () => {
    expect(limits.length).toBeGreaterThan(0)
    for (const limit of limits) {
      const [, shown] = limit.split('Shown by:')
      if (shown === undefined) continue
      const citations = citationsIn(shown)
      expect(citations.length, limit).toBeGreaterThan(0)
      expect(citations.flatMap(problemsOf)).toEqual([])
    }
  })
})
