/**
 * @module Phone numbers: strict E.164, mobile only, in an allow-list of countries; and the
 * masked form shown to users. libphonenumber-js loads on the first number, not at startup: a
 * process that only guards routes never reads its metadata.
 */
import type * as PhoneLibrary from 'libphonenumber-js/mobile'
import { MfaError } from './errors.js'

const E164 = /^\+[1-9]\d{7,14}$/

/**
 * The metadata of mobile ranges only: an SMS needs a mobile, and with it landlines and the
 * ranges of toll fraud (premium-rate, shared-cost, toll-free, personal, VoIP) are all invalid.
 * A module, the same for every instance, as `import()` would share it anyway.
 */
let library: Promise<typeof PhoneLibrary> | undefined
function phoneLibrary(): Promise<typeof PhoneLibrary> {
  library ??= import('libphonenumber-js/mobile')
  return library
}

/** Resolves to the number if it may receive codes, else rejects with `invalid_phone_number`. */
export async function checkPhoneNumber(
  value: string,
  allowedCountries: readonly string[],
): Promise<string> {
  const parsed = E164.test(value)
    ? (await phoneLibrary()).parsePhoneNumberFromString(value)
    : undefined
  if (parsed?.isPossible() !== true || parsed.number !== value) {
    throw new MfaError('invalid_phone_number', 'The phone number is not a valid E.164 number')
  }
  if (!parsed.isValid()) {
    throw new MfaError('invalid_phone_number', 'The phone number is not a mobile number')
  }
  if (parsed.country === undefined || !allowedCountries.includes(parsed.country)) {
    throw new MfaError('invalid_phone_number', 'The phone number is outside the allowed countries')
  }
  return value
}

/** `+12025550123` → `+1 ••••••0123`: enough to recognise, not enough to use. */
export async function maskPhoneNumber(value: string | undefined): Promise<string | undefined> {
  if (value === undefined || !E164.test(value)) return undefined
  const parsed = (await phoneLibrary()).parsePhoneNumberFromString(value)
  const countryCode = parsed?.countryCallingCode ?? value.slice(1, 2)
  const national = value.slice(1 + countryCode.length)
  const shown = national.slice(-4)
  return `+${countryCode} ${'•'.repeat(Math.max(0, national.length - shown.length))}${shown}`
}
