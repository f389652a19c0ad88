/**
 * The people every test signs in as, and the seeds built from them: {@link seed} for the
 * library's tests (the security suite adds fixed ids and one more organization to it, in
 * security/harness/seed.ts), {@link emulatorSeed} for the emulator's own tests, which need
 * member states the library's tests never meet (verified phones, just-in-time sign-up).
 */
import type { EmulatorSeed } from '../../src/emulator/index.js'

export const ADMIN = { email: 'admin@acme.test', phone: '+12025550100' } as const
export const NEWCOMER = { email: 'new@acme.test' } as const
export const OTHER_ADMIN = { email: 'boss@acme.test', phone: '+12025550111' } as const
export const PLAIN = { email: 'plain@beta.test' } as const
/** Acme's member whose phone is verified and enrolled (emulator tests). */
export const VERIFIED = { email: 'verified@acme.test', phone: '+12025550101' } as const
/** Beta's member whose phone is verified and enrolled (emulator tests). */
export const ENROLLED = { email: 'enrolled@beta.test', phone: '+12025550102' } as const

/** Acme requires MFA; Beta leaves it optional. */
export const seed: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'Acme',
      organization_slug: 'acme',
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        { email_address: ADMIN.email, mfa_phone_number: ADMIN.phone, roles: ['stytch_admin'] },
        { email_address: NEWCOMER.email },
        { email_address: OTHER_ADMIN.email, mfa_phone_number: OTHER_ADMIN.phone },
      ],
    },
    {
      organization_name: 'Beta',
      organization_slug: 'beta',
      mfa_policy: 'OPTIONAL',
      members: [{ email_address: PLAIN.email }],
    },
  ],
}

/** Acme requires MFA and provisions `@acme.test` just in time; Beta leaves MFA optional. */
export const emulatorSeed: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'Acme',
      organization_slug: 'acme',
      mfa_policy: 'REQUIRED_FOR_ALL',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['acme.test'],
      members: [
        {
          email_address: ADMIN.email,
          name: 'Ada Admin',
          mfa_phone_number: ADMIN.phone,
          roles: ['stytch_admin'],
        },
        {
          email_address: VERIFIED.email,
          mfa_phone_number: VERIFIED.phone,
          mfa_phone_number_verified: true,
          mfa_enrolled: true,
        },
        { email_address: NEWCOMER.email },
      ],
    },
    {
      organization_name: 'Beta',
      organization_slug: 'beta',
      members: [
        { email_address: PLAIN.email },
        {
          email_address: ENROLLED.email,
          mfa_phone_number: ENROLLED.phone,
          mfa_phone_number_verified: true,
          mfa_enrolled: true,
        },
      ],
    },
  ],
}
