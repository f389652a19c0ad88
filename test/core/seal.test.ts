import { describe, expect, it } from 'vitest'
import { createSealer } from '../../src/core/seal.js'

const A = 'secret-a-0123456789-abcdefghijklmnopqrstuvw'
const B = 'secret-b-0123456789-abcdefghijklmnopqrstuvw'
const now = new Date('2026-01-01T00:00:00Z')
const later = new Date(now.getTime() + 60_000)

describe('createSealer()', () => {
  it('opens what it sealed, with the expiry inside', async () => {
    const sealer = createSealer([A], 'p')
    const value = await sealer.seal({ a: 1 }, later)
    expect(await sealer.open(value, now)).toEqual({ a: 1, exp: later.getTime() / 1000 })
  })

  it('does not reveal the payload in the cookie value', async () => {
    const value = await createSealer([A], 'p').seal({ email: 'admin@acme.test' }, later)
    expect(Buffer.from(value.split('.').join(''), 'base64url').toString('latin1')).not.toContain(
      'admin@acme.test',
    )
  })

  it('reads an expired value as absent', async () => {
    const sealer = createSealer([A], 'p')
    const value = await sealer.seal({ a: 1 }, later)
    expect(await sealer.open(value, new Date(later.getTime() + 1000))).toBeUndefined()
  })

  it('reads any flipped character as absent', async () => {
    const sealer = createSealer([A], 'p')
    const value = await sealer.seal({ a: 1 }, later)
    for (const index of [0, 10, value.length - 1, value.indexOf('.') + 3]) {
      const flipped =
        value.slice(0, index) + (value[index] === 'A' ? 'B' : 'A') + value.slice(index + 1)
      expect(await sealer.open(flipped, now)).toBeUndefined()
    }
  })

  it('opens values sealed with an older listed secret, and refuses unknown secrets', async () => {
    const old = await createSealer([A], 'p').seal({ a: 1 }, later)
    expect(await createSealer([B, A], 'p').open(old, now)).toEqual({
      a: 1,
      exp: later.getTime() / 1000,
    })
    expect(await createSealer([B], 'p').open(old, now)).toBeUndefined()
  })

  it('keeps purposes apart', async () => {
    const value = await createSealer([A], 'one').seal({ a: 1 }, later)
    expect(await createSealer([A], 'two').open(value, now)).toBeUndefined()
  })

  it.each([
    ['an empty value', ''],
    ['garbage', 'garbage'],
    ['five empty-ish parts', 'a.b.c.d.e'],
    ['broken percent-encoding', '%E0%A4%A'],
    ['8 KB of data', 'x'.repeat(8000)],
    ['a NUL byte', 'a\u0000b.c.d.e.f'],
  ])('reads %s as absent', async (_label, value) => {
    expect(await createSealer([A], 'p').open(value, now)).toBeUndefined()
  })
})
