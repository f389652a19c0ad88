import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../../src/core/return-to.js'

describe('safeReturnTo()', () => {
  it.each(['/admin', '/admin/users?tab=2#x', '/a/b/../c', '/%2F%2Fevil.com'])(
    'keeps the same-origin path %s',
    (value) => {
      const kept = safeReturnTo(value)
      expect(kept).toBeDefined()
      expect(kept?.startsWith('/')).toBe(true)
      expect(kept?.startsWith('//')).toBe(false)
    },
  )

  it('keeps a path with query and hash exactly', () => {
    expect(safeReturnTo('/admin/users?tab=2#x')).toBe('/admin/users?tab=2#x')
  })

  const hostile = [
    'https://evil.com',
    'http://evil.com',
    'HTTPS://EVIL.COM',
    'https:evil.com',
    'http:/evil.com',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>',
    'vbscript:x',
    '//evil.com',
    '///evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    ' //evil.com',
    '／／evil.com',
    'https://admin.example.com@evil.com',
    '/ok\r\nLocation: https://evil.com',
    '',
    '%',
    'http://[::1',
  ]
  it.each(hostile)('refuses %j', (value) => {
    expect(safeReturnTo(value)).toBeUndefined()
  })

  it('refuses a path longer than 2048 characters', () => {
    expect(safeReturnTo(`/${'x'.repeat(3000)}`)).toBeUndefined()
  })

  it.each([null, undefined, 42, ['/a'], { path: '/a' }])('refuses the non-string %j', (value) => {
    expect(safeReturnTo(value)).toBeUndefined()
  })

  it('percent-encodes characters that could split a header', () => {
    expect(safeReturnTo('/ok%0d%0aSet-Cookie:%20x=y')).toBe('/ok%0d%0aSet-Cookie:%20x=y')
    expect(safeReturnTo('/"><script>')).toBe('/%22%3E%3Cscript%3E')
  })
})
