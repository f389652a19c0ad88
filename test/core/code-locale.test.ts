import { describe, expect, it } from 'vitest'
import { emailCodeLocale, smsCodeLocale } from '../../src/core/code-locale.js'
import { authRequest } from '../helpers/auth-request.js'

const browser = (acceptLanguage: string) =>
  authRequest({ method: 'POST', headers: { 'accept-language': acceptLanguage } })

describe('smsCodeLocale()', () => {
  it("uses the app's locale whatever the browser asks for", () => {
    expect(smsCodeLocale({ locale: 'es' }, browser('fr'))).toBe('es')
  })

  it("uses the browser's first supported language when the app names none", () => {
    expect(smsCodeLocale({ locale: undefined }, browser('xx, pt-BR;q=0.9'))).toBe('pt-br')
    expect(smsCodeLocale({ locale: undefined }, authRequest())).toBeUndefined()
  })
})

describe('emailCodeLocale()', () => {
  it('takes the same choice when Stytch has email templates in it', () => {
    expect(emailCodeLocale({ locale: undefined }, browser('fr'))).toBe('fr')
    expect(emailCodeLocale({ locale: 'es' }, browser('fr'))).toBe('es')
  })

  it("leaves the locale to Stytch's default when its emails lack the language", () => {
    expect(emailCodeLocale({ locale: 'ja' }, browser('fr'))).toBeUndefined()
  })
})
