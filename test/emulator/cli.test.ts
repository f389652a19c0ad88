import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { B2BClient } from 'stytch'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { canListen, descendantsOf, isRunning } from '../helpers/processes.js'

const CLI = fileURLToPath(new URL('../../src/emulator/cli.ts', import.meta.url))

interface Running {
  readonly child: ChildProcess
  /** Everything printed on stdout so far. */
  output(): string
  /** Everything printed on stderr so far. */
  errors(): string
  /** Resolves with the first match of `pattern` in stdout, waiting for it if needed. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>
  exit(): Promise<number | null>
}

const running: ChildProcess[] = []

function startCli(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  return {
    child,
    output: () => stdout,
    errors: () => stderr,
    waitFor: async (pattern) => {
      await vi.waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`the CLI exited early: ${stderr}`)
          expect(stdout).toMatch(pattern)
        },
        { timeout: 10_000, interval: 20 },
      )
      return stdout.match(pattern)!
    },
    exit: () => exited,
  }
}

/** CLIs started below a shell: not children of this process, known by pid. */
const grandchildren = new Set<number>()

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
  for (const pid of grandchildren) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
})

/**
 * The CLI below `sh -c`, as npm (`npx`, `npm run`) runs a command; `npm` says whether it runs
 * under npm (npm sets `npm_lifecycle_event` for everything it starts, `npm test` included).
 */
async function startInShell(
  npm: boolean,
): Promise<{ shell: ChildProcess; pid: number; port: number }> {
  const env = { ...process.env }
  if (npm) env.npm_lifecycle_event = 'npx'
  else delete env.npm_lifecycle_event
  const command = `"${process.execPath}" --import tsx "${CLI}" --port 0`
  // `; exit $?` keeps the shell from handing its process over to the CLI (exec).
  const child = spawn('sh', ['-c', `${command}; exit $?`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  })
  running.push(child)
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  await vi.waitFor(
    () => {
      expect(stdout).toMatch(/outbox\s+http/)
    },
    { timeout: 10_000, interval: 20 },
  )
  const [pid] = descendantsOf(child.pid!)
  expect(pid).toBeDefined()
  grandchildren.add(pid!)
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)![1])
  return { shell: child, pid: pid!, port }
}

beforeAll(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
})

// Each test pays for a Node start: run them side by side.
describe.concurrent('stytch-b2b-emulator (CLI)', () => {
  it('prints its URL, project id and secret, then every code it sends; stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stytch-emulator-'))
    try {
      const seedFile = join(dir, 'seed.json')
      await writeFile(
        seedFile,
        JSON.stringify({
          organizations: [
            {
              organization_name: 'Acme',
              organization_slug: 'acme',
              mfa_policy: 'REQUIRED_FOR_ALL',
              members: [{ email_address: 'ada@acme.test', mfa_phone_number: '+12025550100' }],
            },
          ],
        }),
      )
      const cli = startCli([
        '--port',
        '0',
        '--seed',
        seedFile,
        '--project-id',
        'project-test-cli',
        '--secret',
        'secret-test-cli',
      ])
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/)
      expect(url).not.toMatch(/:0\/$/)
      // Each banner line is a write of its own: wait for the last before reading the others.
      await cli.waitFor(/outbox\s+http/)
      expect(cli.output()).toContain('project-test-cli')
      expect(cli.output()).toContain('secret-test-cli')
      expect(cli.output()).toContain('acme (1 members)')

      const client = new B2BClient({
        project_id: 'project-test-cli',
        secret: 'secret-test-cli',
        env: url!,
      })
      await client.otps.email.loginOrSignup({
        organization_id: 'acme',
        email_address: 'ada@acme.test',
      })
      const [, emailCode] = await cli.waitFor(/\[email\] ada@acme\.test code (\d{6})/)
      await client.otps.email.authenticate({
        organization_id: 'acme',
        email_address: 'ada@acme.test',
        code: emailCode!,
      })
      await cli.waitFor(/\[sms\] \+1•+0100 code \d{6}/)
      expect(cli.output()).not.toContain('+12025550100')

      cli.child.kill('SIGTERM')
      expect(await cli.exit()).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('stops when the shell npm ran it through is killed, as npx does on SIGTERM', async () => {
    const { shell, pid, port } = await startInShell(true)
    shell.kill('SIGTERM')
    await vi.waitFor(
      () => {
        expect(isRunning(pid)).toBe(false)
      },
      { timeout: 3000, interval: 50 },
    )
    expect(await canListen(port)).toBe(true)
  })

  it('runs on when its parent shell ends and npm did not start it (`node cli.js &`)', async () => {
    const { shell, pid, port } = await startInShell(false)
    const ended = once(shell, 'exit')
    shell.kill('SIGKILL')
    await ended
    // Several times the interval at which the CLI looks at its parent.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(isRunning(pid)).toBe(true)
    expect(await canListen(port)).toBe(false)
    process.kill(pid, 'SIGTERM')
    await vi.waitFor(
      () => {
        expect(isRunning(pid)).toBe(false)
      },
      { timeout: 3000, interval: 50 },
    )
  })

  it('prints usage for --help', async () => {
    const cli = startCli(['--help'])
    expect(await cli.exit()).toBe(0)
    expect(cli.output()).toMatch(/^Usage: stytch-b2b-emulator/)
    expect(cli.output()).toContain('--seed FILE')
  })

  it('fails with exit code 1 on a bad --port', async () => {
    const cli = startCli(['--port', 'abc'])
    expect(await cli.exit()).toBe(1)
    expect(cli.errors()).toContain('--port must be 0-65535, got "abc"')
  })
})
