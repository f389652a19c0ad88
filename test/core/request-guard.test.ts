import { describe, expect, it } from 'vitest'
import { assertSameSitePost } from '../../src/core/request-guard.js'
import { authRequest } from '../helpers/auth-request.js'

const policy = { origin: 'https://app.test', trustSameSite: false }

function refusal(
  headers: Record<string, string>,
  method = 'POST',
  p: { origin?: string; trustSameSite: boolean } = policy,
): string | undefined {
  try {
    assertSameSitePost(authRequest({ method, headers }), p)
    return undefined
  } catch (error) {
    return (error as { code: string }).code
  }
}

describe('assertSameSitePost()', () => {
  it('allows same-origin Fetch Metadata and a user-initiated request', () => {
    expect(refusal({ 'sec-fetch-site': 'same-origin' })).toBeUndefined()
    expect(refusal({ 'sec-fetch-site': 'none' })).toBeUndefined()
  })

  it('refuses cross-site, and same-site unless trusted', () => {
    expect(refusal({ 'sec-fetch-site': 'cross-site', origin: 'https://app.test' })).toBe(
      'cross_site_request',
    )
    expect(refusal({ 'sec-fetch-site': 'same-site' })).toBe('cross_site_request')
    expect(
      refusal({ 'sec-fetch-site': 'same-site' }, 'POST', { ...policy, trustSameSite: true }),
    ).toBeUndefined()
  })

  it('falls back to an exact Origin match, then Referer', () => {
    expect(refusal({ origin: 'https://app.test' })).toBeUndefined()
    expect(refusal({ origin: 'https://app.test.evil.test' })).toBe('cross_site_request')
    expect(refusal({ origin: 'null' })).toBe('cross_site_request')
    expect(refusal({ referer: 'https://app.test/login' })).toBeUndefined()
    expect(refusal({ referer: 'https://evil.test/app.test' })).toBe('cross_site_request')
    expect(refusal({ 'sec-fetch-site': 'weird', origin: 'https://app.test' })).toBeUndefined()
  })

  it('refuses a POST that says nothing about where it came from', () => {
    expect(refusal({})).toBe('cross_site_request')
  })

  it('uses the request host when no origin is configured', () => {
    const own = { trustSameSite: false }
    expect(refusal({ host: 'app.test', origin: 'https://app.test' }, 'POST', own)).toBeUndefined()
    expect(refusal({ host: 'app.test', origin: 'http://app.test' }, 'POST', own)).toBe(
      'cross_site_request',
    )
  })

  it('refuses every method but POST with method_not_allowed', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      expect(refusal({ 'sec-fetch-site': 'same-origin' }, method)).toBe('method_not_allowed')
    }
  })
})
