/** @module Injected faults: a queue per API path, and how each fault answers. */
import type { ServerResponse } from 'node:http'
import { EmulatorApiError, defaultErrorType, errorBody } from './errors.js'
import type { Fault } from './types.js'

interface Pending {
  readonly fault: Fault
  remaining: number
}

export class FaultQueue {
  private readonly byPath = new Map<string, Pending[]>()

  /** Queues a fault for the next `times` calls to the path, after any already queued. */
  add(path: string, fault: Fault, times: number): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${String(times)}`)
    }
    const queue = this.byPath.get(path) ?? []
    queue.push({ fault, remaining: times })
    this.byPath.set(path, queue)
  }

  clear(): void {
    this.byPath.clear()
  }

  /** The fault for this call to the path, if any (and counts it down). */
  take(path: string): Fault | undefined {
    const queue = this.byPath.get(path)
    const head = queue?.[0]
    if (!queue || !head) return undefined
    head.remaining -= 1
    if (head.remaining === 0) queue.shift()
    if (queue.length === 0) this.byPath.delete(path)
    return head.fault
  }
}

/**
 * The delayed answers still waiting, all let go by {@link close}. One set for the emulator rather
 * than an abort listener per delayed request: the load cases keep hundreds waiting at once, and
 * each listener on one shared signal counts towards Node's leak warning.
 */
export class Delays {
  private readonly pending = new Set<() => void>()
  private closed = false

  /** Resolves `true` after `ms`, or `false` as soon as the emulator closes. */
  wait(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    return new Promise((resolve) => {
      const finish = (elapsed: boolean) => {
        clearTimeout(timer)
        this.pending.delete(cancel)
        resolve(elapsed)
      }
      const cancel = () => {
        finish(false)
      }
      const timer = setTimeout(() => {
        finish(true)
      }, ms)
      this.pending.add(cancel)
    })
  }

  close(): void {
    this.closed = true
    for (const cancel of [...this.pending]) cancel()
  }
}

function sendRaw(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/**
 * Answers (or deliberately fails to answer) with the fault. Returns `'continue'` when the call
 * should go on to its route afterwards (only `delay`), `'done'` otherwise.
 */
export async function applyFault(
  fault: Fault,
  res: ServerResponse,
  requestId: string,
  delays: Delays,
): Promise<'continue' | 'done'> {
  switch (fault.kind) {
    case 'status': {
      const body =
        fault.body ??
        errorBody(
          new EmulatorApiError(fault.status, defaultErrorType(fault.status), '((Injected fault.))'),
          requestId,
        )
      sendRaw(res, fault.status, 'application/json', JSON.stringify(body))
      return 'done'
    }
    case 'html':
      sendRaw(
        res,
        fault.status,
        'text/html; charset=utf-8',
        `<html><head><title>${fault.status}</title></head><body><h1>${fault.status}</h1><p>((Injected fault.))</p></body></html>`,
      )
      return 'done'
    case 'malformed':
      sendRaw(res, 200, 'application/json', '{"status_code":200,')
      return 'done'
    case 'hang':
      // Nothing is written; close() destroys the socket.
      return 'done'
    case 'stall-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1024 })
      res.write('{"status_code":200,')
      return 'done'
    case 'delay':
      // Closed before the delay ran out: nobody is left to answer.
      return (await delays.wait(fault.ms)) ? 'continue' : 'done'
    case 'reset':
      res.socket?.destroy()
      return 'done'
    case 'respond':
      sendRaw(res, fault.status ?? 200, 'application/json', JSON.stringify(fault.body ?? null))
      return 'done'
  }
}
