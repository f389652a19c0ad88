import { describe, expect, it } from 'vitest'
import { StringCache } from '../../src/core/string-cache.js'

/** Two strings with one length and one end: filed under the same key. */
const TWINS = ['a'.repeat(100) + '.sig-tail', 'b'.repeat(100) + '.sig-tail'] as const

describe('StringCache', () => {
  it('answers only for the whole string, not for another with its length and end', () => {
    const cache = new StringCache<number>(10)
    cache.set(TWINS[0], 1)
    expect(cache.get(TWINS[0])).toBe(1)
    expect(cache.get('a'.repeat(100).concat('.sig-tail'))).toBe(1)
    expect(cache.get(TWINS[1])).toBeUndefined()
  })

  it('keeps the later of two strings that share a key', () => {
    const cache = new StringCache<number>(10)
    cache.set(TWINS[0], 1)
    cache.set(TWINS[1], 2)
    expect(cache.get(TWINS[0])).toBeUndefined()
    expect(cache.get(TWINS[1])).toBe(2)
  })

  it('lets the oldest entry go beyond its capacity', () => {
    const cache = new StringCache<number>(2)
    cache.set('first', 1)
    cache.set('second', 2)
    cache.set('third', 3)
    expect([cache.get('first'), cache.get('second'), cache.get('third')]).toEqual([undefined, 2, 3])
  })

  it('keeps nothing with a capacity of 0', () => {
    const cache = new StringCache<number>(0)
    cache.set('first', 1)
    expect(cache.get('first')).toBeUndefined()
  })

  describe('with keepOnSecondSight', () => {
    it('keeps a string the second time it is offered, not the first', () => {
      const cache = new StringCache<number>(10, { keepOnSecondSight: true })
      cache.set('header', 1)
      expect(cache.get('header')).toBeUndefined()
      cache.set('header', 1)
      expect(cache.get('header')).toBe(1)
    })

    it('keeps none of more strings taking turns than it has room for', () => {
      const cache = new StringCache<number>(3, { keepOnSecondSight: true })
      const strings = ['a', 'b', 'c', 'd']
      for (let round = 0; round < 3; round += 1) {
        for (const [index, text] of strings.entries()) cache.set(text, index)
      }
      expect(strings.map((text) => cache.get(text))).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ])
    })

    it('keeps each of as many strings taking turns as it has room for, from their second turn', () => {
      const cache = new StringCache<number>(3, { keepOnSecondSight: true })
      const strings = ['a', 'b', 'c']
      for (let round = 0; round < 2; round += 1) {
        for (const [index, text] of strings.entries()) cache.set(text, index)
      }
      expect(strings.map((text) => cache.get(text))).toEqual([0, 1, 2])
    })
  })
})
