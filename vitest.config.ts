import { availableParallelism } from 'node:os'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

/**
 * The tests left out of the inner loop (`npm run test:unit`, project `unit`), which then needs
 * only Node: these take many seconds or start other programs (Chromium, redis-server, npm, a
 * nested vitest). `npm test` runs every project.
 */
const slow = [
  'test/security/**/*.test.ts',
  'test/bench/**/*.test.ts',
  'test/scale/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/ci/**/*.test.ts',
  'test/example-app/browser.test.ts',
  'test/example-app/redis.test.ts',
  'test/example-app/signals.test.ts',
  'test/limits/redis-keys.test.ts',
]

/**
 * Files of cases that need a core to themselves (they time the library under a load of their
 * own): they run after all the others, one per core.
 */
const alone = ['test/security/suite-alone-*.test.ts']

/**
 * Test files at once. The slow files spend much of their time waiting (on deadlines, Chromium,
 * npm, redis-server), so one file more than there are cores keeps the cores busy.
 */
const workers = availableParallelism() + 1

/**
 * Longest file first, whatever its project, by the times of the last run (vitest keeps them in
 * node_modules/.vite): the long files then overlap instead of ending the run one after another.
 * A file never timed goes first; with no times at all (a fresh install) vitest's order stands.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx
    const milliseconds = (spec: TestSpecification) =>
      cache.getFileTestResults(`${spec.project.name}:${relative(config.root, spec.moduleId)}`)
        ?.duration ?? Infinity
    const sorted = await super.sort(files)
    const timed = sorted.map((spec, index) => ({ spec, index, ms: milliseconds(spec) }))
    timed.sort((a, b) => (a.ms === b.ms ? a.index - b.index : b.ms - a.ms))
    return timed.map(({ spec }) => spec)
  }
}

export default defineConfig({
  resolve: {
    alias: [
      { find: /^stytch-b2b-mfa$/, replacement: src('index.ts') },
      { find: /^stytch-b2b-mfa\/(.*)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    // `slow` and `unit` share one group and its workers, so the short `unit` files fill the gaps
    // between the long ones; `alone` runs after them.
    maxWorkers: workers,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...slow],
          // A worker runs many unit files and imports src/, express, koa, zod and the SDK once,
          // which halves the project's CPU time. State belongs to instances (DESIGN.md), so the
          // files share only those modules; vitest still restores mocks between files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'slow', include: slow, exclude: [...configDefaults.exclude, ...alone] },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: alone,
          maxWorkers: availableParallelism(),
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
