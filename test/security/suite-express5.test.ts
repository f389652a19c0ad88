/** The curated security cases on Express 5 (see curated-suite.ts), and the catalogue's shape. */
import { describe, expect, it } from 'vitest'
import { allCases } from './cases/index.js'
import { curatedSuite } from './curated-suite.js'

describe('the curated catalogue', () => {
  it('holds at least 150 cases with unique ids, each in its category', () => {
    expect(allCases.length).toBeGreaterThanOrEqual(150)
    expect(new Set(allCases.map((c) => c.id)).size).toBe(allCases.length)
    for (const c of allCases) expect(c.id.startsWith(c.category)).toBe(true)
  })
})

curatedSuite('Express 5')
