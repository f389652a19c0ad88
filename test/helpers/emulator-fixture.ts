/** One emulator per test file, seeded, reset before each test. */
import { afterAll, beforeAll, beforeEach, vi } from 'vitest'
import { startEmulator, type Emulator, type EmulatorSeed } from '../../src/emulator/index.js'
import { seed as librarySeed } from './seed.js'

export function useEmulator(seed: EmulatorSeed = librarySeed): { readonly current: Emulator } {
  const holder: { current: Emulator } = { current: undefined as unknown as Emulator }
  beforeAll(async () => {
    // The SDK warns once per client about a custom base URL; that is expected here.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    holder.current = await startEmulator({ seed })
  })
  beforeEach(() => {
    holder.current.reset()
  })
  afterAll(async () => {
    await holder.current.close()
  })
  return holder
}
