import { describe, expect, it } from 'vitest'
import { memoryLimitStore } from '../../src/limits/index.js'

describe('memoryLimitStore()', () => {
  it('takes at most the points of a counter, atomically, even in a parallel burst', async () => {
    const counter = memoryLimitStore().counter('burst', 3, 60)
    const results = await Promise.all(Array.from({ length: 20 }, () => counter.consume('k')))
    expect(results.filter((r) => r.allowed)).toHaveLength(3)
    const refused = results.find((r) => !r.allowed)
    expect(refused?.retryAfterSeconds).toBeGreaterThan(59)
  })

  it('gives a point back on refund and forgets the key on reset', async () => {
    const counter = memoryLimitStore().counter('refund', 1, 60)
    expect((await counter.consume('k')).allowed).toBe(true)
    expect((await counter.consume('k')).allowed).toBe(false)
    await counter.reset('k')
    expect((await counter.consume('k')).allowed).toBe(true)
    await counter.refund('k')
    expect((await counter.consume('k')).allowed).toBe(true)
  })

  it('shares counters of the same name between users of one store, and no further', async () => {
    const store = memoryLimitStore()
    expect((await store.counter('shared', 1, 60).consume('k')).allowed).toBe(true)
    expect((await store.counter('shared', 1, 60).consume('k')).allowed).toBe(false)
    expect((await memoryLimitStore().counter('shared', 1, 60).consume('k')).allowed).toBe(true)
  })
})
