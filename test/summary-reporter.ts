/**
 * Prints one plain closing line, `Tests: N passed, N failed, N skipped`, for CI log readers, and
 * the files that took longest: what to look at first when `npm test` grows past its 3 minutes.
 */
import { relative } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

const SLOWEST = 5

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed += 1
        else if (state === 'failed') failed += 1
        else skipped += 1
      }
    }
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
    const slowest = testModules
      .map((module) => {
        const { collectDuration, duration } = module.diagnostic()
        return {
          file: relative(process.cwd(), module.moduleId),
          seconds: (collectDuration + duration) / 1000,
        }
      })
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, SLOWEST)
    if (slowest.length > 1) {
      const list = slowest.map(({ file, seconds }) => `${seconds.toFixed(1)} s ${file}`)
      process.stdout.write(`Slowest files: ${list.join(', ')}\n`)
    }
  }
}
