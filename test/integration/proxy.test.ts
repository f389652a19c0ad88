/**
 * Behind a proxy, the client's address is the X-Forwarded-For entry the proxy appended, never
 * one the client wrote. The library warns once per app whose settings take the client's own
 * entry, and with the settings it asks for, a client rotating forged entries still runs into
 * the per-IP limit.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { PROXY_WARNING_CODE } from '../../src/core/proxy-warning.js'
import { Client } from '../helpers/client.js'
import { useEmulator } from '../helpers/emulator-fixture.js'
import {
  buildApp,
  FRAMEWORKS,
  isExpress,
  type AppSetup,
  type FrameworkName,
} from './framework-apps.js'

const emulator = useEmulator()

/** What the one proxy in front of the app appends: the address it got the request from. */
const REAL_CLIENT = '203.0.113.7'

/** Express `trust proxy` true / Koa `proxy: true` with `maxIpsCount` 0: every entry trusted. */
function trustingEveryEntry(framework: FrameworkName): AppSetup {
  return isExpress(framework) ? { trustProxy: true } : { koaProxy: { proxy: true, maxIpsCount: 0 } }
}

/** The settings the warning asks for behind one proxy. */
function trustingOneHop(framework: FrameworkName): AppSetup {
  return isExpress(framework) ? { trustProxy: 1 } : { koaProxy: { proxy: true, maxIpsCount: 1 } }
}

/** Safe settings, including no proxy at all. */
function safeSetups(framework: FrameworkName): readonly (readonly [string, AppSetup])[] {
  return isExpress(framework)
    ? [
        ['trust proxy 1', { trustProxy: 1 }],
        ["trust proxy 'loopback'", { trustProxy: 'loopback' }],
        ['trust proxy false', { trustProxy: false }],
      ]
    : [
        ['proxy: true, maxIpsCount: 1', { koaProxy: { proxy: true, maxIpsCount: 1 } }],
        ['proxy: false', { koaProxy: { proxy: false } }],
        [
          "a header the proxy overwrites (proxyIpHeader 'X-Real-IP')",
          { koaProxy: { proxy: true, maxIpsCount: 0, proxyIpHeader: 'X-Real-IP' } },
        ],
      ]
}

let emitWarning: MockInstance<typeof process.emitWarning>

beforeEach(() => {
  emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
})

afterEach(() => {
  emitWarning.mockRestore()
})

function proxyWarnings(): string[] {
  return emitWarning.mock.calls
    .filter(
      ([, options]) => (options as { code?: unknown } | undefined)?.code === PROXY_WARNING_CODE,
    )
    .map(([message]) => String(message))
}

function sendEmail(client: Client, n: number, forwardedFor: string) {
  return client.post(
    '/auth/email/send',
    { email: `rotating-${n}@acme.test`, organization: 'acme' },
    { headers: { 'x-forwarded-for': forwardedFor } },
  )
}

describe.each(FRAMEWORKS)('the proxy settings of an app on %s', (framework) => {
  describe('when every X-Forwarded-For entry is trusted', () => {
    it('warns once per app, on its first flow step, naming the setting to change', async () => {
      const first = buildApp(framework, emulator.current, trustingEveryEntry(framework))
      const second = buildApp(framework, emulator.current, trustingEveryEntry(framework))
      const client = new Client(first.listener)
      await client.get('/admin')
      expect(proxyWarnings()).toEqual([])
      for (let n = 0; n < 3; n++) await sendEmail(client, n, '198.51.100.1')
      expect(proxyWarnings()).toHaveLength(1)
      expect(proxyWarnings()[0]).toContain(
        isExpress(framework) ? "app.set('trust proxy', 1)" : 'maxIpsCount: 1',
      )
      await sendEmail(new Client(second.listener), 9, '198.51.100.1')
      expect(proxyWarnings()).toHaveLength(2)
    })
  })

  describe.each(safeSetups(framework))('with %s', (_name, setup) => {
    it('does not warn', async () => {
      const app = buildApp(framework, emulator.current, setup)
      await sendEmail(new Client(app.listener), 0, '198.51.100.1')
      expect(proxyWarnings()).toEqual([])
    })
  })

  describe('a client rotating forged X-Forwarded-For entries behind one proxy', () => {
    const limits = { emailPerIpPerHour: 3 }

    it('still hits the per-IP email limit, and events log the address the proxy saw', async () => {
      const app = buildApp(framework, emulator.current, {
        ...trustingOneHop(framework),
        options: { limits },
      })
      const client = new Client(app.listener)
      const statuses = []
      for (let n = 0; n < 5; n++) {
        statuses.push((await sendEmail(client, n, `198.51.100.${n + 1}, ${REAL_CLIENT}`)).status)
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429])
      const ips = app.events.flatMap((event) => ('ip' in event ? [event.ip] : []))
      expect(ips.length).toBeGreaterThan(0)
      expect(new Set(ips)).toEqual(new Set([REAL_CLIENT]))
    })

    it('gets past the limit when every entry is trusted: what the warning is about', async () => {
      const app = buildApp(framework, emulator.current, {
        ...trustingEveryEntry(framework),
        options: { limits },
      })
      const client = new Client(app.listener)
      for (let n = 0; n < 5; n++) {
        const res = await sendEmail(client, n, `198.51.100.${n + 1}, ${REAL_CLIENT}`)
        expect(res.status).toBe(200)
      }
    })
  })
})
