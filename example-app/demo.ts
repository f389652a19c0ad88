/** The demo data `npm start` seeds the embedded emulator with (the tests use the same). */
import type { EmulatorSeed } from 'stytch-b2b-mfa/emulator'

export const DEMO_ORGANIZATION = 'acme'

/**
 * The authenticator app of `app@acme.test`: add it to any authenticator app by hand (a key of
 * type "time-based"). Demo data only: a real member's secret comes from Stytch at enrolment.
 */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

/** The recovery codes of `app@acme.test`, each usable once until the emulator restarts. */
export const DEMO_RECOVERY_CODES = ['demo-code-0001', 'demo-code-0002', 'demo-code-0003'] as const

/** Members of the demo organization, as printed at startup. */
export const DEMO_MEMBERS = [
  {
    email: 'admin@acme.test',
    phone: '+15555550100',
    note: 'admin (members page), has a phone: the SMS code is sent right after the email code',
  },
  {
    email: 'new@acme.test',
    phone: undefined,
    note: 'no factor yet: enrols a phone or an authenticator app at /mfa (a real-format number like +12025550123)',
  },
  {
    email: 'app@acme.test',
    phone: undefined,
    note: `has an authenticator app (secret ${DEMO_TOTP_SECRET}) and recovery codes ${DEMO_RECOVERY_CODES.join(', ')}`,
  },
] as const

/** Organization `acme` requires MFA of every member and allows SMS and authenticator apps. */
export const demoSeed: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'Acme',
      organization_slug: DEMO_ORGANIZATION,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: DEMO_MEMBERS.map(({ email, phone }) => ({
        email_address: email,
        ...(phone === undefined ? {} : { mfa_phone_number: phone }),
        ...(email === 'admin@acme.test' ? { roles: ['stytch_admin'] } : {}),
        ...(email === 'app@acme.test'
          ? {
              totp_secret: DEMO_TOTP_SECRET,
              recovery_codes: [...DEMO_RECOVERY_CODES],
              default_mfa_method: 'totp' as const,
            }
          : {}),
      })),
    },
  ],
}
