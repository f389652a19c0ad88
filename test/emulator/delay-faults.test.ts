/**
 * Many delayed answers at once, as the security suite's load cases inject them: the emulator
 * must neither leak a listener per delayed request nor keep close() waiting for the delays.
 */
import { performance } from 'node:perf_hooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'

const GET_ACME = '/v1/b2b/organizations/acme'
const seed = { organizations: [{ organization_name: 'Acme', organization_slug: 'acme' }] }

function getAcme(emulator: Emulator): Promise<Response> {
  const auth = Buffer.from(`${emulator.projectId}:${emulator.secret}`).toString('base64')
  return fetch(new URL(GET_ACME, emulator.url), { headers: { authorization: `Basic ${auth}` } })
}

/** Collects the process warnings emitted while the test runs. */
function captureWarnings(): { readonly names: string[]; stop(): Promise<void> } {
  const names: string[] = []
  const listener = (warning: Error) => names.push(`${warning.name}: ${warning.message}`)
  process.on('warning', listener)
  return {
    names,
    async stop() {
      // Node emits warnings on a later tick than the code that caused them.
      await new Promise((resolve) => setImmediate(resolve))
      process.off('warning', listener)
    },
  }
}

describe('the emulator with 20 delayed answers injected at once', () => {
  let emulator: Emulator
  let warnings: ReturnType<typeof captureWarnings>

  beforeEach(async () => {
    emulator = await startEmulator({ seed })
    warnings = captureWarnings()
  })

  afterEach(async () => {
    await warnings.stop()
    await emulator.close()
  })

  it('answers all 20 after the delay without a MaxListenersExceededWarning', async () => {
    emulator.injectFault(GET_ACME, { kind: 'delay', ms: 100 }, 20)
    const responses = await Promise.all(Array.from({ length: 20 }, () => getAcme(emulator)))
    expect(responses.map((res) => res.status)).toEqual(Array.from({ length: 20 }, () => 200))
    await warnings.stop()
    expect(warnings.names.filter((name) => name.startsWith('MaxListenersExceeded'))).toEqual([])
  })

  it('closes at once while all 20 are still waiting, and drops them', async () => {
    emulator.injectFault(GET_ACME, { kind: 'delay', ms: 10_000 }, 20)
    const settled = Promise.allSettled(Array.from({ length: 20 }, () => getAcme(emulator)))
    while (emulator.calls(GET_ACME) < 20) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = performance.now()
    await emulator.close()
    expect(performance.now() - started).toBeLessThan(1000)
    const outcomes = await settled
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true)
    await warnings.stop()
    expect(warnings.names.filter((name) => name.startsWith('MaxListenersExceeded'))).toEqual([])
  })
})
