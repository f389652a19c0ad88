/**
 * The QR code of an authenticator app being enrolled, drawn on the server from the secret
 * `loginState()` hands the page: an inline SVG, so the page needs no script and the CSP no
 * image source.
 */
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

/** What authenticator apps list the account under. */
const ISSUER = 'Admin console'

/** The `otpauth://` URI apps scan: Stytch's parameters (SHA-1, 6 digits, 30 s). */
export function otpauthUri(secret: string): string {
  return new TOTP({
    issuer: ISSUER,
    label: 'sign-in',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  }).toString()
}

/** The QR code of `uri`, as an `<svg>` element to inline. */
export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}
