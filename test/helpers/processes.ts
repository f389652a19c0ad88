/**
 * Processes and ports as the tests see them: servers on a free loopback port, what runs below a
 * process, whether a process still runs, whether a port is free again.
 */
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'

/** A server listening on a loopback port. */
export interface Listening {
  readonly port: number
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string
  /** Drops the connections still open and stops listening. */
  readonly close: () => Promise<void>
}

/** Starts `server` on a free port of 127.0.0.1. */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    port,
    origin: `http://127.0.0.1:${String(port)}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    },
  }
}

/** A loopback port free right now. */
export async function freePort(): Promise<number> {
  const { port, close } = await listenOnLoopback(createHttpServer())
  await close()
  return port
}

/** A URL where nothing listens: a loopback port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${String(await freePort())}/`
}

/** Whether a new server can listen on `port` (on 127.0.0.1). */
export async function canListen(port: number): Promise<boolean> {
  const server = createServer()
  server.listen(port, '127.0.0.1')
  try {
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => Promise.reject(error as Error)),
    ])
    return true
  } catch {
    return false
  } finally {
    server.close()
  }
}

/** Every process below `pid`, as `ps` lists them now. */
export function descendantsOf(pid: number): number[] {
  const listing = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout
  const children = new Map<number, number[]>()
  for (const line of listing.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number)
    if (child === undefined || parent === undefined) continue
    children.set(parent, [...(children.get(parent) ?? []), child])
  }
  const found: number[] = []
  const queue = [pid]
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child)
      queue.push(child)
    }
  }
  return found
}

/** Whether `pid` still runs (an exited process waiting to be reaped does not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const stat = `/proc/${String(pid)}/stat`
  if (!existsSync(stat)) return true
  // The state follows the parenthesised command name: Z is a zombie.
  return !/\)\s+Z\s/.test(readFileSync(stat, 'utf8'))
}
