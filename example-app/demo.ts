/** The demo data `npm start` seeds the embedded emulator with (the tests use the same). */
import type { EmulatorSeed } from 'stytch-b2b-mfa/emulator'

export const DEMO_ORGANIZATION = 'acme'

/** Members of the demo organization, as printed at startup. */
export const DEMO_MEMBERS = [
  {
    email: 'admin@acme.test',
    phone: '+15555550100',
    note: 'has a phone: the SMS code is sent right after the email code',
  },
  {
    email: 'new@acme.test',
    phone: undefined,
    note: 'no phone yet: enrols one at /mfa (use a real-format number like +12025550123)',
  },
] as const

/** Organization `acme` requires MFA of every member. */
export const demoSeed: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'Acme',
      organization_slug: DEMO_ORGANIZATION,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: DEMO_MEMBERS.map(({ email, phone }) => ({
        email_address: email,
        ...(phone === undefined ? {} : { mfa_phone_number: phone }),
      })),
    },
  ],
}
