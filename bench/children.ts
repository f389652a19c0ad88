/**
 * @module App processes: one per app, so an app never shares its event loop (or its core)
 * with the load generator.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  CONFIG_ENV,
  type AppConfig,
  type ChildMessage,
  type GuardTime,
  type ParentMessage,
} from './shared.js'

export interface AppProcess {
  readonly name: string
  readonly origin: string
  /** CPU time the app has used so far, in microseconds (a busy machine slows req/s, not this). */
  cpuMicros(): Promise<number>
  /** The app's heap in use after a full garbage collection, in bytes. */
  heapBytes(): Promise<number>
  /** Each clocked route's guard time so far, by path (empty unless `timeGuards`). */
  guardTimes(): Promise<Readonly<Record<string, GuardTime>>>
  /** Starts the app's CPU profiler. */
  startProfile(): Promise<void>
  /** Stops it and writes the profile (`.cpuprofile`, for Chrome DevTools) to `file`. */
  stopProfile(file: string): Promise<void>
  stop(): Promise<void>
}

const STARTUP_MS = 30_000

/** Forks `bench/<file>` under tsx and waits until it listens. */
export async function startApp(name: string, file: string, config: AppConfig): Promise<AppProcess> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
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
    cpuMicros: () => ask(child, 'cpu', (message) => message.micros),
    heapBytes: () => ask(child, 'heap', (message) => message.bytes),
    guardTimes: () => ask(child, 'guard-time', (message) => message.times),
    startProfile: async () => {
      await ask(child, 'profiled', () => 0, { type: 'profile-start' })
    },
    stopProfile: async (file) => {
      await ask(child, 'profiled', () => 0, { type: 'profile-stop', file })
    },
    stop: () => stopChild(child),
  }
}

/** Asks the app for one reading and waits for its answer. */
function ask<T extends 'cpu' | 'heap' | 'guard-time' | 'profiled', R>(
  child: ChildProcess,
  type: T,
  read: (message: Extract<ChildMessage, { type: T }>) => R,
  question: ParentMessage = { type: type as 'cpu' | 'heap' | 'guard-time' },
): Promise<R> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(read(message as Extract<ChildMessage, { type: T }>))
    }
    const onExit = () => {
      child.off('message', onMessage)
      reject(new Error('the app exited'))
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send(question)
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
