import { describe, expect, it } from 'vitest'
import { checkPhoneNumber, maskPhoneNumber } from '../../src/core/phone.js'

const US_CA = ['US', 'CA']

describe('checkPhoneNumber()', () => {
  it('accepts a valid E.164 mobile number in an allowed country', async () => {
    await expect(checkPhoneNumber('+12025550123', US_CA)).resolves.toBe('+12025550123')
    await expect(checkPhoneNumber('+14165550123', US_CA)).resolves.toBe('+14165550123')
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
  ])('refuses %j with invalid_phone_number', async (value) => {
    await expect(checkPhoneNumber(value, US_CA)).rejects.toMatchObject({
      code: 'invalid_phone_number',
      message: 'The phone number is not a valid E.164 number',
    })
  })

  it('refuses a country outside the allow-list', async () => {
    await expect(checkPhoneNumber('+33612345678', US_CA)).rejects.toThrow(
      /outside the allowed countries/,
    )
    await expect(checkPhoneNumber('+33612345678', ['FR'])).resolves.toBe('+33612345678')
  })

  it.each([
    ['US premium-rate', '+19005550123', US_CA],
    ['US toll-free', '+18005550123', US_CA],
    ['US toll-free (888)', '+18885550100', US_CA],
    ['US unassigned area code', '+15555550100', US_CA],
    ['French landline', '+33123456789', ['FR']],
    ['French premium-rate', '+33891234567', ['FR']],
    ['German landline', '+4930123456', ['DE']],
    ['UK landline', '+442079460000', ['GB']],
    ['UK personal number', '+447012345678', ['GB']],
    ['UK premium-rate', '+449098790000', ['GB']],
    ['UK VoIP', '+445612345678', ['GB']],
    ['international network', '+8821234567890', US_CA],
  ])(
    'refuses a %s number: it cannot take an SMS, or costs the sender',
    async (_, value, allowed) => {
      await expect(checkPhoneNumber(value, allowed)).rejects.toMatchObject({
        code: 'invalid_phone_number',
        message: 'The phone number is not a mobile number',
      })
    },
  )

  it.each([
    ['French', '+33612345678', 'FR'],
    ['German', '+4915123456789', 'DE'],
    ['Indian', '+919812345678', 'IN'],
  ])('accepts a %s mobile number when its country is allowed', async (_, value, country) => {
    await expect(checkPhoneNumber(value, [country])).resolves.toBe(value)
  })

  it('never puts the number in the error message', async () => {
    const error: unknown = await checkPhoneNumber('+33612345678', US_CA).catch((e: unknown) => e)
    expect((error as Error).message).not.toContain('612345678')
  })
})

describe('maskPhoneNumber()', () => {
  it('keeps the country code and the last four digits', async () => {
    expect(await maskPhoneNumber('+12025550123')).toBe('+1 ••••••0123')
    expect(await maskPhoneNumber('+33612345678')).toBe('+33 •••••5678')
    expect(await maskPhoneNumber('+8821234567890')).toBe('+882 ••••••7890')
  })

  it('masks nothing it cannot read', async () => {
    expect(await maskPhoneNumber(undefined)).toBeUndefined()
    expect(await maskPhoneNumber('not a number')).toBeUndefined()
  })
})
