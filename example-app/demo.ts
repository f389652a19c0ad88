/** The demo data `npm start` seeds the embedded emulator with (the tests use the same). */
import type { EmulatorSeed } from 'stytch-b2b-mfa/emulator'
import { REPORTS_PERMISSION } from './reports.js'

/** MFA required of every member, by SMS or authenticator app. */
export const DEMO_ORGANIZATION = 'acme'
/** MFA optional: Stytch signs its members in with the email code alone. */
export const SECOND_ORGANIZATION = 'globex'

/** The demo's own RBAC role: may read the reports (`/admin/reports`). Given to the admin only. */
export const REPORTS_ROLE = 'reports_reader'

/**
 * The authenticator app of `app@acme.test`: add it to any authenticator app by hand (a key of
 * type "time-based"). Demo data only: a real member's secret comes from Stytch at enrolment.
 */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

/** The recovery codes of `app@acme.test`, each usable once until the emulator restarts. */
export const DEMO_RECOVERY_CODES = ['demo-code-0001', 'demo-code-0002', 'demo-code-0003'] as const

/** The demo's members, as printed at startup; each is in `acme`, and Pat in `globex` too. */
export const DEMO_MEMBERS = [
  {
    email: 'admin@acme.test',
    phone: '+15555550100',
    note: 'admin (members and reports pages), has a phone: the SMS code is sent right after the email code',
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
  {
    email: 'pat@consult.test',
    phone: '+15555550101',
    note: `in ${DEMO_ORGANIZATION} and ${SECOND_ORGANIZATION}, with a phone in both: picks one after the email code, switches between them`,
  },
] as const

const [admin, newcomer, appMember, pat] = DEMO_MEMBERS

/** Organization `acme` requires MFA of every member; `globex` leaves it to them (none has). */
export const demoSeed: EmulatorSeed = {
  rbac_policy: {
    resources: [
      {
        resource_id: REPORTS_PERMISSION.resource,
        description: "The console's reports page",
        actions: [REPORTS_PERMISSION.action],
      },
    ],
    roles: [
      {
        role_id: REPORTS_ROLE,
        description: 'Reads the reports',
        permissions: [
          { resource_id: REPORTS_PERMISSION.resource, actions: [REPORTS_PERMISSION.action] },
        ],
      },
    ],
  },
  organizations: [
    {
      organization_name: 'Acme',
      organization_slug: DEMO_ORGANIZATION,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        {
          email_address: admin.email,
          mfa_phone_number: admin.phone,
          roles: ['stytch_admin', REPORTS_ROLE],
        },
        { email_address: newcomer.email },
        {
          email_address: appMember.email,
          totp_secret: DEMO_TOTP_SECRET,
          recovery_codes: [...DEMO_RECOVERY_CODES],
          default_mfa_method: 'totp',
        },
        { email_address: pat.email, mfa_phone_number: pat.phone },
      ],
    },
    {
      organization_name: 'Globex',
      organization_slug: SECOND_ORGANIZATION,
      mfa_policy: 'OPTIONAL',
      members: [{ email_address: pat.email, mfa_phone_number: pat.phone }],
    },
  ],
}
