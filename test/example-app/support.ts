/** The example app on a real port, against an emulator with the demo seed, for the example's tests. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startEmulator, type Emulator } from 'stytch-b2b-mfa/emulator'
import { createApp } from '../../example-app/app.js'
import { demoSeed } from '../../example-app/demo.js'

export const ADMIN = { email: 'admin@acme.test', phone: '+15555550100' } as const
export const NEWCOMER = { email: 'new@acme.test', phone: '+12025550123' } as const

export interface Demo {
  readonly emulator: Emulator
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly baseUrl: string
  /** What the app logged as errors. */
  readonly logs: string[]
  close(): Promise<void>
}

export async function startDemo(): Promise<Demo> {
  const emulator = await startEmulator({ seed: demoSeed })
  const logs: string[] = []
  const { app } = createApp({
    stytch: { projectId: emulator.projectId, secret: emulator.secret, baseUrl: emulator.url },
    sessionSecret: 'example-app-test-secret-0123456789-abcdefghij',
    allowInsecureCookies: true,
    defaultOrganization: 'acme',
    now: () => emulator.now(),
    logger: { error: (...args: unknown[]) => logs.push(args.map(String).join(' ')) },
  })
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    emulator,
    baseUrl: `http://127.0.0.1:${String(port)}`,
    logs,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
      await emulator.close()
    },
  }
}
