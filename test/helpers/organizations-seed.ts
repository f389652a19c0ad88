/**
 * People in several organizations, for discovery login and organization switching: each
 * organization asks for a second factor differently.
 */
import type { EmulatorSeed } from '../../src/emulator/index.js'

/** MFA for everyone, SMS or an authenticator app. */
export const HARBOR = 'harbor'
/** MFA optional. */
export const MEADOW = 'meadow'
/** MFA for everyone, by authenticator app only. */
export const SUMMIT = 'summit'

/** In Harbor (with a phone, an admin there) and in Meadow. */
export const KIT = { email: 'kit@two.test', phone: '+12025550160' } as const
/** In Summit (with an authenticator app) and in Meadow. */
export const TESS = { email: 'tess@two.test' } as const
/** In Harbor only. */
export const SOLO = { email: 'solo@one.test', phone: '+12025550161' } as const

/** Tess's authenticator secret in Summit (base32). */
const TESS_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

export const organizationsSeed: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'Harbor',
      organization_slug: HARBOR,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        { email_address: KIT.email, mfa_phone_number: KIT.phone, roles: ['stytch_admin'] },
        { email_address: SOLO.email, mfa_phone_number: SOLO.phone },
      ],
    },
    {
      organization_name: 'Meadow',
      organization_slug: MEADOW,
      mfa_policy: 'OPTIONAL',
      members: [{ email_address: KIT.email }, { email_address: TESS.email }],
    },
    {
      organization_name: 'Summit',
      organization_slug: SUMMIT,
      mfa_policy: 'REQUIRED_FOR_ALL',
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
      members: [{ email_address: TESS.email, totp_secret: TESS_SECRET, mfa_enrolled: true }],
    },
  ],
}
