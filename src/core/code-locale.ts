/**
 * @module The locale Stytch writes a code in: the app's `locale`, else the first language of
 * the browser's `Accept-Language` that Stytch supports for that channel.
 */
import type { AuthRequest } from './ports/framework.js'
import { emailLocaleFrom, smsLocaleFrom } from './locale.js'
import type { MfaConfig } from './options.js'

type LocaleConfig = Pick<MfaConfig, 'locale'>

/** The locale of an SMS code for this request, or `undefined` for Stytch's default. */
export function smsCodeLocale(config: LocaleConfig, req: AuthRequest): MfaConfig['locale'] {
  return config.locale ?? smsLocaleFrom(req.header('accept-language'))
}

/** The locale of an email code for this request: the SMS choice, when Stytch's emails have it. */
export function emailCodeLocale(config: LocaleConfig, req: AuthRequest): string | undefined {
  return emailLocaleFrom(smsCodeLocale(config, req))
}
