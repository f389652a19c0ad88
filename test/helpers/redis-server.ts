/**
 * A real redis-server (Debian package `redis-server`) on a free loopback port, started and
 * stopped by the tests. Missing binary: the tests skip locally with a one-line reason, and fail
 * in CI (`CI=true`), where `.ci/run` installs it. `STYTCH_TEST_NO_REDIS=1` acts as if it were
 * missing, so the skip path can be tried (and is, by test/ci) on a machine that has Redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createClient, type RedisClientType } from 'redis'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { freePort } from './processes.js'

/** The switch that makes the tests behave as on a machine without redis-server. */
const NO_REDIS_SWITCH = 'STYTCH_TEST_NO_REDIS'

const switchedOff = process.env[NO_REDIS_SWITCH] === '1'

function findRedisServer(): string | undefined {
  if (switchedOff) return undefined
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  const path = found.stdout.trim()
  return found.status === 0 && path !== '' ? path : undefined
}

export const REDIS_SERVER = findRedisServer()
export const REDIS_MISSING_REASON = switchedOff
  ? `${NO_REDIS_SWITCH}=1 is set`
  : 'redis-server is not installed (Debian package redis-server)'

if (REDIS_SERVER === undefined) {
  if (process.env.CI === 'true') throw new Error(`CI needs Redis: ${REDIS_MISSING_REASON}`)
  console.warn(`Skipping the Redis tests of this file: ${REDIS_MISSING_REASON}`)
}

export class RedisServer {
  readonly port: number
  #process: ChildProcess | undefined

  private constructor(port: number) {
    this.port = port
  }

  get url(): string {
    return `redis://127.0.0.1:${String(this.port)}`
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort())
    await server.start()
    return server
  }

  /** Starts (or restarts) the server on its port; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (REDIS_SERVER === undefined) throw new Error(REDIS_MISSING_REASON)
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.#process = child
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`redis-server did not start: ${output.slice(-500)}`))
      }, 10_000)
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited with ${String(code)}: ${output.slice(-500)}`))
      })
    })
  }

  /** Stops the server (the data goes with it: nothing is saved). */
  async stop(): Promise<void> {
    const child = this.#process
    this.#process = undefined
    if (child === undefined || child.exitCode !== null) return
    child.kill('SIGKILL')
    await once(child, 'exit')
  }
}

/**
 * One redis-server and a connected client for the tests of a `describe` (call it inside one
 * that skips without Redis), flushed before each test.
 */
export function useRedis(): { readonly client: RedisClientType } {
  const holder = { client: undefined as unknown as RedisClientType }
  let server: RedisServer | undefined
  beforeAll(async () => {
    server = await RedisServer.start()
    holder.client = createClient({ url: server.url })
    holder.client.on('error', () => undefined)
    await holder.client.connect()
  })
  beforeEach(async () => {
    await holder.client.flushAll()
  })
  afterAll(async () => {
    holder.client.destroy()
    await server?.stop()
  })
  return holder
}
