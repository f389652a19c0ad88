/**
 * `npm start`, `npm run start:koa` and the emulator CLI (`npm run emulator`, `npx
 * stytch-b2b-emulator`) stop when their npm process is told to, as a process manager, a
 * container or a script does it: `kill -TERM <npm's pid>`, or SIGINT. Stopped means npm exits
 * within seconds (with 0 when the server closed cleanly), every process it started is gone, and
 * the ports are free for the next start.
 * `npm test` builds `dist/` before the suite runs; `EXAMPLE_SKIP_BUILD=1` keeps `npm start` from
 * building it again under the feet of the other test files.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { canListen, descendantsOf, freePort, isRunning } from '../helpers/processes.js'
import { REDIS_SERVER, RedisServer } from '../helpers/redis-server.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What "within seconds" is: the stop itself takes well under one. */
const STOP_WITHIN_MS = 5000

/** Every process the tests started, npm's and those below it once ready. */
const started = new Set<number>()

afterAll(() => {
  // A test that failed may leave its processes: they must not hold ports for the next run.
  for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
})

interface Started {
  readonly npm: ChildProcess
  readonly output: () => string
}

/**
 * `npm …` or `npx …` from the repository root, waiting for `ready`. In a process group of its
 * own, as a terminal runs a command, so that a Ctrl-C can be sent to the group.
 */
async function startNpm(
  command: 'npm' | 'npx',
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Started> {
  const npm = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  if (npm.pid !== undefined) started.add(npm.pid)
  let output = ''
  npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  await vi.waitFor(
    () => {
      if (npm.exitCode !== null) {
        throw new Error(`${command} ${args.join(' ')} exited early:\n${output}`)
      }
      expect(output).toMatch(ready)
    },
    { timeout: 25_000, interval: 50 },
  )
  // Orphans are adopted by another process: they must be known by pid before.
  for (const pid of descendantsOf(npm.pid!)) started.add(pid)
  return { npm, output: () => output }
}

interface Stop {
  readonly signal: NodeJS.Signals
  /**
   * `npm`: to npm's pid alone, as a process manager or a script does. `group`: to every
   * process of the group, as a terminal's Ctrl-C does.
   */
  readonly to?: 'npm' | 'group'
  /** npm exits 0 when its script did; when the script's shell was killed (npx), by the signal. */
  readonly npmExits?: 'with 0' | 'by the signal'
}

/**
 * Sends the signal and checks what the next start needs: npm exited in time, nothing it
 * started runs on, `ports` are free.
 */
async function expectStopsOn(
  { signal, to = 'npm', npmExits = 'with 0' }: Stop,
  { npm, output }: Started,
  ports: readonly number[],
): Promise<void> {
  const pid = npm.pid!
  const children = descendantsOf(pid)
  expect(children).not.toHaveLength(0)
  const exited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const sentAt = Date.now()
  process.kill(to === 'npm' ? pid : -pid, signal)
  const timeout = new Promise<never>((_resolve, reject) =>
    setTimeout(() => {
      reject(new Error(`npm still runs ${String(STOP_WITHIN_MS)} ms after ${signal}:\n${output()}`))
    }, STOP_WITHIN_MS).unref(),
  )
  const [code, killedBy] = await Promise.race([exited, timeout])
  expect(Date.now() - sentAt).toBeLessThan(STOP_WITHIN_MS)
  expect({ code, killedBy }, output()).toEqual(
    npmExits === 'with 0' ? { code: 0, killedBy: null } : { code: null, killedBy: signal },
  )
  await vi.waitFor(() => {
    expect(children.filter(isRunning)).toEqual([])
  })
  for (const port of ports) expect(await canListen(port), `port ${String(port)}`).toBe(true)
}

describe.skipIf(process.platform === 'win32')('stopping with a signal to npm', () => {
  // Each test pays for npm and tsx starting: run them side by side.
  describe.concurrent('the example consoles', () => {
    it.for([
      { script: 'start', signal: 'SIGTERM', to: 'npm', banner: 'Admin console' },
      { script: 'start', signal: 'SIGINT', to: 'npm', banner: 'Admin console' },
      { script: 'start', signal: 'SIGINT', to: 'group', banner: 'Admin console' },
      { script: 'start:koa', signal: 'SIGTERM', to: 'npm', banner: 'Admin console (Koa)' },
    ] as const)(
      'npm run $script closes the console and its emulator and exits 0 on $signal to $to',
      async ({ script, signal, to, banner }) => {
        const [port, emulatorPort] = await Promise.all([freePort(), freePort()])
        const running = await startNpm(
          'npm',
          ['run', script],
          {
            PORT: String(port),
            STYTCH_EMULATOR_PORT: String(emulatorPort),
            EXAMPLE_SKIP_BUILD: '1',
          },
          new RegExp(`${banner.replace(/[()]/g, '\\$&')}: http://localhost:${String(port)}/`),
        )
        await expectStopsOn({ signal, to }, running, [port, emulatorPort])
        expect(running.output()).toContain(`${signal}: stopping`)
      },
    )
  })

  describe.skipIf(REDIS_SERVER === undefined)('with REDIS_URL', () => {
    let redis: RedisServer | undefined

    afterAll(async () => {
      await redis?.stop()
    })

    it('npm start lets go of its Redis connection and exits 0 on SIGTERM', async () => {
      redis = await RedisServer.start()
      const [port, emulatorPort] = await Promise.all([freePort(), freePort()])
      const running = await startNpm(
        'npm',
        ['start'],
        {
          PORT: String(port),
          STYTCH_EMULATOR_PORT: String(emulatorPort),
          EXAMPLE_SKIP_BUILD: '1',
          REDIS_URL: redis.url,
        },
        /Sessions and limits: in Redis at redis:\/\/127\.0\.0\.1:\d+\/?, shared/,
      )
      await expectStopsOn({ signal: 'SIGTERM' }, running, [port, emulatorPort])
    })
  })

  describe.concurrent('the emulator CLI', () => {
    it.for(['SIGTERM', 'SIGINT'] as const)(
      'npm run emulator stops and frees its port on %s',
      async (signal) => {
        const port = await freePort()
        const running = await startNpm(
          'npm',
          ['run', 'emulator', '--', '--port', String(port)],
          {},
          /outbox\s+http/,
        )
        await expectStopsOn({ signal }, running, [port])
      },
    )

    // SIGINT to npx's npm alone does not reach the CLI: the shell npm runs it through waits for
    // it to end before acting on a SIGINT, as shells do. A terminal's Ctrl-C reaches them all.
    it.for([
      { signal: 'SIGTERM', to: 'npm', npmExits: 'by the signal' },
      { signal: 'SIGINT', to: 'group', npmExits: 'by the signal' },
    ] as const)(
      'npx stytch-b2b-emulator stops and frees its port on $signal to $to',
      async (stop) => {
        // Its own npm cache, offline: npx links this repository's package, nothing is fetched.
        const cache = await mkdtemp(join(tmpdir(), 'npx-cache-'))
        try {
          const port = await freePort()
          const running = await startNpm(
            'npx',
            ['--offline', 'stytch-b2b-emulator', '--port', String(port)],
            { npm_config_cache: cache },
            /outbox\s+http/,
          )
          // npx runs the CLI through `sh -c` and signals the shell only: the CLI sees it end.
          await expectStopsOn(stop, running, [port])
        } finally {
          await rm(cache, { recursive: true, force: true })
        }
      },
    )
  })
})
