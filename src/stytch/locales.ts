/** @module The locales Stytch writes codes in, for the emulator; the core's Stytch port owns them. */
export { STYTCH_EMAIL_LOCALES, STYTCH_SMS_LOCALES } from '../core/ports/stytch.js'
