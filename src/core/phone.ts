/**
 * @module Phone numbers: strict E.164 with libphonenumber-js, an allow-list of countries and
 * no premium or shared-cost ranges (toll fraud), and the masked form shown to users.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import { MfaError } from './errors.js'

const E164 = /^\+[1-9]\d{7,14}$/
const COSTLY_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST', 'TOLL_FREE', 'UAN', 'VOICEMAIL'])

/** Returns the number if it may receive codes, else throws `invalid_phone_number`. */
export function checkPhoneNumber(value: string, allowedCountries: readonly string[]): string {
  const parsed = E164.test(value) ? parsePhoneNumberFromString(value) : undefined
  if (parsed?.isValid() !== true || parsed.number !== value) {
    throw new MfaError('invalid_phone_number', 'The phone number is not a valid E.164 number')
  }
  if (parsed.country === undefined || !allowedCountries.includes(parsed.country)) {
    throw new MfaError('invalid_phone_number', 'The phone number is outside the allowed countries')
  }
  const type = parsed.getType()
  if (type !== undefined && COSTLY_TYPES.has(type)) {
    throw new MfaError('invalid_phone_number', `The phone number is a ${type} number`)
  }
  return value
}

/** `+12025550123` → `+1 ••••••0123`: enough to recognise, not enough to use. */
export function maskPhoneNumber(value: string | undefined): string | undefined {
  if (value === undefined || !E164.test(value)) return undefined
  const parsed = parsePhoneNumberFromString(value)
  const countryCode = parsed?.countryCallingCode ?? value.slice(1, 2)
  const national = value.slice(1 + countryCode.length)
  const shown = national.slice(-4)
  return `+${countryCode} ${'•'.repeat(Math.max(0, national.length - shown.length))}${shown}`
}
