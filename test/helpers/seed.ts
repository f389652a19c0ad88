/** The organizations and members every integration test starts from. */
import type { EmulatorSeed } from '../../src/emulator/index.js'

export const ADMIN = { email: 'admin@acme.test', phone: '+12025550100' } as const
export const NEWCOMER = { email: 'new@acme.test' } as const
export const OTHER_ADMIN = { email: 'boss@acme.test', phone: '+12025550111' } as const
export const PLAIN = { email: 'plain@beta.test' } as const

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
