/** @module The locales Stytch accepts for codes (reference §5.2): facts about Stytch, shared. */

/** SMS locales in the `stytch` 14.2 SDK types (the docs still name only en, es, fr, pt-br). */
export const STYTCH_SMS_LOCALES = [
  'en',
  'es',
  'fr',
  'pt-br',
  'it',
  'de-DE',
  'zh-Hans',
  'ca-ES',
  'ja',
  'ru',
  'nl',
  'pl',
  'tr',
  'fa',
  'vi',
  'cs',
] as const

export type StytchSmsLocale = (typeof STYTCH_SMS_LOCALES)[number]

/** Locales of Stytch's email OTP templates. */
export const STYTCH_EMAIL_LOCALES = ['en', 'es', 'pt-br', 'fr'] as const
