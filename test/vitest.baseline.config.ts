import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url))

/**
 * The tests left out of the inner loop (`npm run test:unit`, project `unit`), which then needs
 * only Node: these take many seconds or start other programs (Chromium, redis-server, npm, a
 * nested vitest). `npm test` runs both projects.
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
  'test/security/suite.baseline.ts',
]
const mine = ['test/security/suite-*.test.ts']

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
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...slow, ...mine],
          // Vitest leaves one core free by default, which on two cores runs the files one by one.
          maxWorkers: availableParallelism(),
          // Projects with different maxWorkers must run as separate groups: unit first, then slow.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: slow,
          exclude: [...configDefaults.exclude, ...mine],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
