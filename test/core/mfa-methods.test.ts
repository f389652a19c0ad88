import { describe, expect, it } from 'vitest'
import {
  allowedMethods,
  assertMethodAllowed,
  defaultMethod,
  enrolledMethods,
} from '../../src/core/mfa-methods.js'
import type { PendingMfa } from '../../src/core/pending-login.js'

function login(overrides: Partial<PendingMfa> = {}): PendingMfa {
  return {
    stage: 'mfa',
    intermediateSessionToken: 'ist-test',
    memberId: 'member-test-1',
    organizationId: 'organization-test-1',
    hasPhone: true,
    ...overrides,
  }
}

describe('the second factors of a login in progress', () => {
  it('offers both methods for a login cookie sealed before the organization was known', () => {
    expect(allowedMethods(login())).toEqual(['sms', 'totp'])
  })

  it('offers only the authenticator app in an organization that allows only it', () => {
    const totpOnly = login({ methods: ['totp'], hasTotp: true, defaultMethod: 'sms_otp' })
    expect(allowedMethods(totpOnly)).toEqual(['totp'])
    expect(enrolledMethods(totpOnly)).toEqual(['totp'])
    // A default the organization no longer allows is no default.
    expect(defaultMethod(totpOnly)).toBeUndefined()
  })

  it('counts an enrolment waiting for its first code as not enrolled', () => {
    const enrolling = login({
      hasPhone: false,
      totpEnrolment: { registrationId: 'r', secret: 'S', recoveryCodes: [] },
    })
    expect(enrolledMethods(enrolling)).toEqual([])
  })

  it('refuses a method the organization does not allow with mfa_method_not_allowed', () => {
    expect(() => {
      assertMethodAllowed(login({ methods: ['totp'] }), 'sms')
    }).toThrow(expect.objectContaining({ code: 'mfa_method_not_allowed', status: 403 }))
    expect(() => {
      assertMethodAllowed(login({ methods: ['totp'] }), 'totp')
    }).not.toThrow()
  })
})
