import { describe, expect, it } from 'vitest'
import { emailLocaleFrom, smsLocaleFrom } from '../../src/core/locale.js'

describe('smsLocaleFrom()', () => {
  it('picks the best supported language by quality', () => {
    expect(smsLocaleFrom('xx-YY, fr;q=0.8, es;q=0.9')).toBe('es')
  })

  it('maps regional tags to Stytch values', () => {
    expect(smsLocaleFrom('pt-BR')).toBe('pt-br')
    expect(smsLocaleFrom('de-AT')).toBe('de-DE')
    expect(smsLocaleFrom('zh-Hans-CN')).toBe('zh-Hans')
  })

  it('returns undefined for unsupported, empty or absurd headers', () => {
    expect(smsLocaleFrom('xx')).toBeUndefined()
    expect(smsLocaleFrom(undefined)).toBeUndefined()
    expect(smsLocaleFrom('en;q=0')).toBeUndefined()
    expect(smsLocaleFrom('en,'.repeat(300))).toBeUndefined()
  })
})

describe('emailLocaleFrom()', () => {
  it('keeps only the locales of Stytch email templates', () => {
    expect(emailLocaleFrom('fr')).toBe('fr')
    expect(emailLocaleFrom('ja')).toBeUndefined()
  })
})
