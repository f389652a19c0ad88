/**
 * What the process says while a case runs: console output, writes to stdout/stderr, and
 * uncaught exceptions or unhandled rejections. Installed once per test file; each running case
 * holds a sink (concurrent cases each get everything said while they run).
 */
import { format } from 'node:util'
import { vi } from 'vitest'

export interface Sink {
  readonly logs: string[]
  readonly crashes: unknown[]
}

const sinks = new Set<Sink>()

function toSinks(text: string): void {
  for (const sink of sinks) sink.logs.push(text)
}

type Write = typeof process.stdout.write

/** Starts capturing; returns the function that stops. Console output is kept, not printed. */
export function installCapture(): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const spies = methods.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      toSinks(format(...args))
    }),
  )
  const streams = [process.stdout, process.stderr]
  const originals: Write[] = streams.map((stream) => stream.write.bind(stream))
  streams.forEach((stream, index) => {
    const original = originals[index] as (...args: unknown[]) => boolean
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      toSinks(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
      return original(chunk, ...rest)
    }
  })
  const onCrash = (error: unknown) => {
    for (const sink of sinks) sink.crashes.push(error)
  }
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  return () => {
    for (const spy of spies) spy.mockRestore()
    streams.forEach((stream, index) => {
      stream.write = originals[index] as Write
    })
    process.off('uncaughtException', onCrash)
    process.off('unhandledRejection', onCrash)
  }
}

export function openSink(): Sink {
  const sink: Sink = { logs: [], crashes: [] }
  sinks.add(sink)
  return sink
}

export function closeSink(sink: Sink): void {
  sinks.delete(sink)
}
