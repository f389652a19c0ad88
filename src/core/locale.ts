/** @module Which locale Stytch should write codes in: the app's choice, else the browser's. */
import { STYTCH_EMAIL_LOCALES, STYTCH_SMS_LOCALES, type StytchSmsLocale } from './ports/stytch.js'

const EMAIL_LOCALES = new Set<string>(STYTCH_EMAIL_LOCALES)

// Stytch's SMS locale values, keyed by lower-case tag and by bare language.
const SMS_BY_TAG = new Map<string, StytchSmsLocale>()
for (const locale of STYTCH_SMS_LOCALES) {
  SMS_BY_TAG.set(locale.toLowerCase(), locale)
  const language = locale.split('-')[0]
  if (language !== undefined && !SMS_BY_TAG.has(language)) SMS_BY_TAG.set(language, locale)
}

/** The first `Accept-Language` entry Stytch supports for SMS, by quality, or `undefined`. */
export function smsLocaleFrom(acceptLanguage: string | undefined): StytchSmsLocale | undefined {
  if (acceptLanguage === undefined || acceptLanguage.length > 512) return undefined
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)), index }
    })
    .filter((entry) => entry.tag !== '' && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    const match = SMS_BY_TAG.get(tag) ?? SMS_BY_TAG.get(tag.split('-')[0] ?? '')
    if (match !== undefined) return match
  }
  return undefined
}

/** The locale for an email code, when Stytch's email templates support it. */
export function emailLocaleFrom(locale: StytchSmsLocale | undefined): string | undefined {
  return locale !== undefined && EMAIL_LOCALES.has(locale) ? locale : undefined
}
