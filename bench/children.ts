/**
 * @module App processes: one per app, so an app never shares its event loop (or its core)
 * with the load generator.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CONFIG_ENV, type AppConfig, type ChildMessage, type ParentMessage } from './shared.js'

export interface AppProcess {
  readonly name: string
  readonly origin: string
  /** CPU time the app has used so far, in microseconds (a busy machine slows req/s, not this). */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

const STARTUP_MS = 30_000

export interface StartOptions {
  /** Directory for `--cpu-prof` profiles; none when undefined. */
  readonly cpuProfileDir?: string | undefined
}

/** Forks `bench/<file>` under tsx and waits until it listens. */
export async function startApp(
  name: string,
  file: string,
  config: AppConfig,
  options: StartOptions = {},
): Promise<AppProcess> {
  const profile =
    options.cpuProfileDir === undefined
      ? []
      : // One directory per app: tsx's loader thread writes a profile of its own next to it.
        ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}/${name}`]
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
    // stderr is kept to explain a failure; a healthy app writes nothing worth showing.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`timed out after ${String(STARTUP_MS)} ms`))
    }, STARTUP_MS)
    function fail(error: Error): void {
      clearTimeout(timer)
      child.kill()
      reject(new Error(`${name} app did not start: ${error.message}\n${stderr}`))
    }
    child.once('error', fail)
    child.once('exit', (code) => {
      fail(new Error(`exited with ${String(code)}`))
    })
    child.once('message', (message: ChildMessage) => {
      clearTimeout(timer)
      child.removeAllListeners('exit')
      if (message.type === 'listening') resolve(message.port)
      else fail(new Error(`said ${message.type} before listening`))
    })
  })
  return {
    name,
    origin: `http://127.0.0.1:${String(port)}`,
    cpuMicros: () => askCpu(child),
    stop: () => stopChild(child),
  }
}

function askCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== 'cpu') return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(message.micros)
    }
    const onExit = () => {
      child.off('message', onMessage)
      reject(new Error('the app exited'))
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send({ type: 'cpu' } satisfies ParentMessage)
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.send({ type: 'stop' } satisfies ParentMessage)
  })
}
