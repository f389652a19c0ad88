/** @module Summaries of the rounds, the checks the bench enforces, and the plain-text table. */

/** What one loaded round of one route gave. */
export interface Round {
  readonly requestsPerSecond: number
  /** CPU time of the app process per request, in microseconds. */
  readonly cpuMicrosPerRequest: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  /** Responses that were not the route's 200 and its body, plus connection errors. */
  readonly failures: number
  /** Stytch API calls the emulator received during the round, by path. */
  readonly stytchCalls: Readonly<Record<string, number>>
  /** With `--guard-time`: the guard's own time per request it let through, in microseconds. */
  readonly guardMicrosPerRequest?: number | undefined
}

export interface RouteSummary {
  readonly framework: string
  readonly path: string
  readonly guard: string
  readonly rounds: readonly Round[]
  readonly medianRequestsPerSecond: number
  readonly medianCpuMicrosPerRequest: number
  readonly medianP50Ms: number
  readonly medianP99Ms: number
  /** Median over rounds of the guard's own time per request (`--guard-time`), if clocked. */
  readonly medianGuardMicros: number | undefined
  /**
   * Median over rounds of req/s over the same app's `/bare` in the same round: the two ran
   * seconds apart, so a machine that drifts (or is shared) weighs on both alike.
   */
  readonly ratioToBare: number
  /** The same ratio from CPU time per request: what a saturated, unshared core would give. */
  readonly cpuRatioToBare: number
  readonly steadyStytchCalls: number
  readonly steadyRequests: number
  readonly failures: number
}

export interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}

/** The median of `ratio` over rounds paired by index with the bare route's rounds. */
function pairedMedian(
  rounds: readonly Round[],
  bare: readonly Round[],
  ratio: (round: Round, base: Round) => number,
): number {
  const ratios: number[] = []
  rounds.forEach((round, index) => {
    const base = bare[index]
    if (base !== undefined) ratios.push(ratio(round, base))
  })
  return median(ratios)
}

/** Calls made for requests: all but the background refresh of RBAC policies. */
function callCount(round: Round): number {
  return sum(Object.entries(round.stytchCalls).map(([kind, n]) => (kind === 'rbacRefresh' ? 0 : n)))
}

export function summarize(
  framework: string,
  path: string,
  guard: string,
  rounds: readonly Round[],
  bare: readonly Round[],
): RouteSummary {
  const medianRequestsPerSecond = median(rounds.map((round) => round.requestsPerSecond))
  const medianCpuMicrosPerRequest = median(rounds.map((round) => round.cpuMicrosPerRequest))
  const guardTimes = rounds.flatMap((round) =>
    round.guardMicrosPerRequest === undefined ? [] : [round.guardMicrosPerRequest],
  )
  return {
    framework,
    path,
    guard,
    rounds,
    medianRequestsPerSecond,
    medianCpuMicrosPerRequest,
    ratioToBare: pairedMedian(
      rounds,
      bare,
      (round, base) => round.requestsPerSecond / base.requestsPerSecond,
    ),
    cpuRatioToBare: pairedMedian(
      rounds,
      bare,
      (round, base) => base.cpuMicrosPerRequest / round.cpuMicrosPerRequest,
    ),
    medianP50Ms: median(rounds.map((round) => round.p50Ms)),
    medianP99Ms: median(rounds.map((round) => round.p99Ms)),
    medianGuardMicros: guardTimes.length === 0 ? undefined : median(guardTimes),
    steadyStytchCalls: sum(rounds.map(callCount)),
    steadyRequests: sum(rounds.map((round) => round.requests)),
    failures: sum(rounds.map((round) => round.failures)),
  }
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function calls(summary: RouteSummary): string {
  if (summary.steadyStytchCalls === 0) return '0'
  const perRequest = summary.steadyStytchCalls / Math.max(1, summary.steadyRequests)
  return `${grouped.format(summary.steadyStytchCalls)} (${perRequest.toFixed(2)}/req)`
}

export const LEGEND = [
  'req/s, CPU µs/req, p50, p99: medians over rounds. × bare: median over rounds of req/s over',
  "the same app's /bare in the same round (seconds apart); the routes with members in turn",
  'over /bare-turns, the bare route loaded the same way. CPU µs/req: CPU time of the app',
  'process per request; CPU × bare compares those, and moves less when other processes share',
  'the machine. Stytch calls: API calls the emulator received during the measured rounds, but',
  'for the background refresh of RBAC policies every 5 minutes (results.json counts those).',
  'Guard heap: what the app held more after every member of the route was sent once, read',
  'after a full garbage collection; per member kept: that over the sessions the cache keeps.',
].join('\n')

export const GUARD_TIME_LEGEND = [
  "guard µs (--guard-time): the guard's own time per request it let through, clocked inside",
  'the app from the call to its `next` (median over rounds); /floor shows what the clock and a',
  "one-header middleware cost. Free of the load generator's share of the cores, so it moves",
  'less than req/s; it still includes the cache misses of running amid the rest of a request.',
].join('\n')

/** The aligned table: one line per route, numbers right-aligned. */
export function table(summaries: readonly RouteSummary[]): string {
  const clocked = summaries.some((summary) => summary.medianGuardMicros !== undefined)
  const header = [
    'app',
    'route',
    'guard',
    'req/s',
    '× bare',
    'CPU µs/req',
    'CPU × bare',
    'p50 ms',
    'p99 ms',
    'Stytch calls',
    ...(clocked ? ['guard µs'] : []),
  ]
  const rightAligned = new Set([3, 4, 5, 6, 7, 8, 9, 10])
  const rows = summaries.map((summary) => [
    summary.framework,
    summary.path,
    summary.guard,
    grouped.format(summary.medianRequestsPerSecond),
    summary.ratioToBare.toFixed(2),
    summary.medianCpuMicrosPerRequest.toFixed(1),
    summary.cpuRatioToBare.toFixed(2),
    summary.medianP50Ms.toFixed(1),
    summary.medianP99Ms.toFixed(1),
    calls(summary),
    ...(clocked ? [summary.medianGuardMicros?.toFixed(2) ?? ''] : []),
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0
        return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('  ')
  return [line(header), rule, ...rows.map(line)].join('\n')
}
