/** @module Injected faults: a queue per API path, and how each fault answers. */
import type { ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
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
  signal: AbortSignal,
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
      try {
        await sleep(fault.ms, undefined, { signal })
      } catch {
        // The emulator is closing: nobody is left to answer.
        return 'done'
      }
      return 'continue'
    case 'reset':
      res.socket?.destroy()
      return 'done'
    case 'respond':
      sendRaw(res, fault.status ?? 200, 'application/json', JSON.stringify(fault.body ?? null))
      return 'done'
  }
}
