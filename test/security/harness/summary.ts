/**
 * The figures of security.md §3, collected while the suite runs and printed at its end (and
 * written to `test-results/security-summary.json`). The curated suite and the fuzz file run in
 * separate workers: each writes its part; whichever finishes last prints the merged summary.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CATEGORY_NAMES, type Category, type FaultReport } from './types.js'
import { INVARIANTS, type Invariant } from './invariants.js'

export interface FrameworkTally {
  readonly cases: Partial<Record<Category, number>>
  readonly checks: Partial<Record<Invariant, number>>
  readonly failures: Partial<Record<Invariant, number>>
  readonly measures: Record<string, number>
  readonly faults: FaultReport[]
  redirectPayloads: number
  csrfCombinations: number
}

export interface FuzzTally {
  readonly seed: number
  /** Inputs generated per target. */
  readonly targets: Record<string, number>
  readonly checks: Partial<Record<Invariant, number>>
  readonly failures: Partial<Record<Invariant, number>>
  /** Responses per status. */
  readonly statuses: Record<string, number>
}

export interface SummaryPart {
  readonly part: 'curated' | 'fuzz'
  readonly ci: boolean
  readonly durationMs: number
  readonly frameworks: Record<string, FrameworkTally>
  readonly fuzz?: FuzzTally
}

export const DEADLINE_MS = 1000
export const DEADLINE_SLACK_MS = 1500

const RESULTS = 'test-results'
const PARTS = join(RESULTS, 'security-parts')
const PART_NAMES = ['curated', 'fuzz'] as const

export function newFrameworkTally(): FrameworkTally {
  return {
    cases: {},
    checks: {},
    failures: {},
    measures: {},
    faults: [],
    redirectPayloads: 0,
    csrfCombinations: 0,
  }
}

export function addCounts<K extends string>(
  into: Partial<Record<K, number>>,
  from: ReadonlyMap<K, number> | Partial<Record<K, number>>,
): void {
  const entries: [K, number][] =
    from instanceof Map ? [...from.entries()] : (Object.entries(from) as [K, number][])
  for (const [key, value] of entries) into[key] = (into[key] ?? 0) + value
}

/** One run of vitest: its workers share the parent's pid. */
function runId(): string {
  return String(process.ppid)
}

const number = (value: number) => value.toLocaleString('en-US')
const pad = (text: string, width: number) => text.padEnd(width)
const padStart = (text: string, width: number) => text.padStart(width)

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}

/** The summary as text. */
export function formatSummary(parts: readonly SummaryPart[]): string {
  const curated = parts.find((part) => part.part === 'curated')
  const fuzzPart = parts.find((part) => part.part === 'fuzz')
  const ci = parts.some((part) => part.ci)
  const lines: string[] = []
  lines.push('', `Security suite summary (CI=${String(ci)})`, '')
  const frameworks = Object.keys(curated?.frameworks ?? {})
  if (curated !== undefined && frameworks.length > 0) {
    const tallies = frameworks.map((name) => curated.frameworks[name] as FrameworkTally)
    lines.push('Curated cases per category and framework:')
    lines.push(`  ${pad('', 36)}${frameworks.map((name) => padStart(name, 11)).join('')}`)
    for (const category of Object.keys(CATEGORY_NAMES) as Category[]) {
      const counts = tallies.map((tally) => tally.cases[category] ?? 0)
      lines.push(
        `  ${pad(`${category} ${CATEGORY_NAMES[category]}`, 36)}${counts.map((count) => padStart(String(count), 11)).join('')}`,
      )
    }
    const totals = tallies.map((tally) => sum(Object.values(tally.cases)))
    lines.push(
      `  ${pad('total', 36)}${totals.map((count) => padStart(String(count), 11)).join('')}`,
    )
    const payloads = tallies.map((tally) => tally.redirectPayloads)
    const csrf = tallies.map((tally) => tally.csrfCombinations)
    lines.push(`  open-redirect payloads tried: ${payloads.join(' / ')}`)
    lines.push(`  CSRF header combinations tried: ${csrf.join(' / ')}`)
    lines.push('')
  }
  if (fuzzPart?.fuzz !== undefined) {
    const { fuzz } = fuzzPart
    const total = sum(Object.values(fuzz.targets))
    lines.push(`Fuzz inputs (fast-check, seed ${fuzz.seed}): ${number(total)} in total`)
    for (const [target, runs] of Object.entries(fuzz.targets)) {
      lines.push(`  ${pad(target, 58)}${padStart(number(runs), 8)}`)
    }
    const statuses = Object.entries(fuzz.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}: ${number(count)}`)
    lines.push(`  responses by status: ${statuses.join(', ')}`, '')
  }
  lines.push('Invariants (checks / violations), curated + fuzz:')
  const checks: Partial<Record<Invariant, number>> = {}
  const failures: Partial<Record<Invariant, number>> = {}
  for (const part of parts) {
    for (const tally of Object.values(part.frameworks)) {
      addCounts(checks, tally.checks)
      addCounts(failures, tally.failures)
    }
    if (part.fuzz !== undefined) {
      addCounts(checks, part.fuzz.checks)
      addCounts(failures, part.fuzz.failures)
    }
  }
  for (const [invariant, label] of Object.entries(INVARIANTS) as [Invariant, string][]) {
    const line = `${number(checks[invariant] ?? 0)} / ${number(failures[invariant] ?? 0)}`
    lines.push(`  ${pad(label, 84)}${padStart(line, 16)}`)
  }
  const totalChecks = sum(Object.values(checks))
  const totalFailures = sum(Object.values(failures))
  lines.push(
    `  ${pad('all invariant checks', 84)}${padStart(`${number(totalChecks)} / ${number(totalFailures)}`, 16)}`,
  )
  lines.push('')
  if (curated !== undefined && frameworks.length > 0) {
    const tallies = frameworks.map((name) => curated.frameworks[name] as FrameworkTally)
    const measureNames = [...new Set(tallies.flatMap((tally) => Object.keys(tally.measures)))]
    lines.push(`Measured limits (${frameworks.join(' | ')}):`)
    for (const name of measureNames) {
      const values = tallies.map((tally) => {
        const value = tally.measures[name]
        return value === undefined ? '-' : String(Math.round(value * 100) / 100)
      })
      lines.push(`  ${pad(name, 72)}${values.join(' | ')}`)
    }
    lines.push('')
    lines.push(
      `Upstream faults (status on ${frameworks.join(' | ')}; max latency over all; deadline ${DEADLINE_MS} ms + ${DEADLINE_SLACK_MS} ms slack):`,
    )
    const rows = new Map<string, { statuses: string[]; latency: number; cookies: string }>()
    tallies.forEach((tally, index) => {
      for (const fault of tally.faults) {
        const key = `${pad(fault.fault, 30)} ${pad(fault.endpoint, 22)}`
        const row = rows.get(key) ?? {
          statuses: frameworks.map(() => '-'),
          latency: 0,
          cookies: fault.cookies,
        }
        row.statuses[index] = String(fault.status)
        row.latency = Math.max(row.latency, fault.latencyMs)
        rows.set(key, row)
      }
    })
    for (const [key, row] of rows) {
      lines.push(
        `  ${key} ${pad(row.statuses.join('|'), 16)} ${padStart(`${Math.round(row.latency)} ms`, 8)}  ${row.cookies}`,
      )
    }
    const worst = Math.max(0, ...[...rows.values()].map((row) => row.latency))
    lines.push(
      `  max latency under any fault: ${Math.round(worst)} ms (limit ${DEADLINE_MS + DEADLINE_SLACK_MS} ms)`,
    )
    lines.push('')
  }
  const durations = parts.map((part) => `${part.part} ${(part.durationMs / 1000).toFixed(1)} s`)
  lines.push(`Worker time: ${durations.join(', ')}`, '')
  return lines.join('\n')
}

function readPart(file: string): SummaryPart | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SummaryPart
  } catch {
    return undefined
  }
}

/**
 * Writes this worker's part; when every part of this run is there, prints the merged summary
 * and writes `test-results/security-summary.json`. Returns the text printed.
 */
export function publishPart(part: SummaryPart): string {
  mkdirSync(PARTS, { recursive: true })
  const now = Date.now()
  for (const name of readdirSync(PARTS)) {
    const file = join(PARTS, name)
    if (now - statSync(file).mtimeMs > 3_600_000) rmSync(file, { force: true })
  }
  writeFileSync(join(PARTS, `${runId()}-${part.part}.json`), JSON.stringify(part))
  const parts = PART_NAMES.map((name) => readPart(join(PARTS, `${runId()}-${name}.json`))).filter(
    (found): found is SummaryPart => found !== undefined,
  )
  const complete = parts.length === PART_NAMES.length
  const text = formatSummary(parts)
  writeFileSync(
    join(RESULTS, 'security-summary.json'),
    JSON.stringify({ complete, generatedAt: new Date(now).toISOString(), parts }, null, 2),
  )
  if (!complete) {
    return `\n[security summary] ${part.part} part written; the merged summary prints when the other part of this run finishes.\n${text}`
  }
  return text
}
