import { describe, expect, it } from 'vitest'
import { checkPhoneNumber, maskPhoneNumber } from '../../src/core/phone.js'

const US_CA = ['US', 'CA']

describe('checkPhoneNumber()', () => {
  it('accepts a valid E.164 number in an allowed country', () => {
    expect(checkPhoneNumber('+12025550123', US_CA)).toBe('+12025550123')
  })

  it.each([
    '',
    '+',
    '12025550123',
    '+1 (202) 555-0123',
    '+12025550123\n',
    '+1202555012345678',
    '+0123456789',
    '+１２０２５５５０１２３',
    '+12025550123;ext=1',
    'x'.repeat(100),
  ])('refuses %j with invalid_phone_number', (value) => {
    expect(() => checkPhoneNumber(value, US_CA)).toThrow(
      expect.objectContaining({ code: 'invalid_phone_number' }),
    )
  })

  it('refuses a country outside the allow-list', () => {
    expect(() => checkPhoneNumber('+33612345678', US_CA)).toThrow(/outside the allowed countries/)
    expect(checkPhoneNumber('+33612345678', ['FR'])).toBe('+33612345678')
  })

  it('refuses premium-rate and toll-free numbers', () => {
    expect(() => checkPhoneNumber('+19005550123', US_CA)).toThrow(/PREMIUM_RATE/)
    expect(() => checkPhoneNumber('+18005550123', US_CA)).toThrow(/TOLL_FREE/)
  })

  it('never puts the number in the error message', () => {
    try {
      checkPhoneNumber('+33612345678', US_CA)
    } catch (error) {
      expect((error as Error).message).not.toContain('612345678')
    }
  })
})

describe('maskPhoneNumber()', () => {
  it('keeps the country code and the last four digits', () => {
    expect(maskPhoneNumber('+12025550123')).toBe('+1 ••••••0123')
    expect(maskPhoneNumber('+33612345678')).toBe('+33 •••••5678')
  })

  it('masks nothing it cannot read', () => {
    expect(maskPhoneNumber(undefined)).toBeUndefined()
    expect(maskPhoneNumber('not a number')).toBeUndefined()
  })
})
