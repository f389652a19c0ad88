/**
 * One address in several organizations, each relating to it differently, and an RBAC policy:
 * the seed of the emulator's discovery, organization-switching and RBAC tests.
 */
import type { EmulatorSeed } from '../../src/emulator/index.js'
import type { Harness } from './emulator.js'

/** A member of North (MFA required, admin), South and Gate, invited to East, eligible for West. */
export const ADA = { email: 'ada@multi.test', phone: '+12025550144' } as const
/** An address no organization knows. */
export const STRANGER = { email: 'stranger@elsewhere.test' } as const

/** Organization slugs of {@link discoverySeed}. */
export const ORGS = {
  north: 'north',
  south: 'south',
  east: 'east',
  west: 'west',
  gate: 'gate',
  closed: 'closed',
} as const

/** The custom resource of the seeded policy, and the roles that reach it. */
export const CONSOLE = 'admin-console'

export const discoverySeed: EmulatorSeed = {
  rbac_policy: {
    resources: [
      { resource_id: CONSOLE, description: 'The admin pages', actions: ['read', 'write'] },
    ],
    roles: [
      {
        role_id: 'console-viewer',
        description: 'Reads the admin pages',
        permissions: [{ resource_id: CONSOLE, actions: ['read'] }],
      },
      {
        role_id: 'console-editor',
        permissions: [{ resource_id: CONSOLE, actions: ['*'] }],
      },
    ],
  },
  organizations: [
    {
      organization_name: 'North',
      organization_slug: ORGS.north,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        { email_address: ADA.email, mfa_phone_number: ADA.phone, roles: ['stytch_admin'] },
        { email_address: 'plain@north.test', mfa_phone_number: '+12025550155' },
      ],
    },
    {
      organization_name: 'South',
      organization_slug: ORGS.south,
      rbac_email_implicit_role_assignments: [{ domain: 'multi.test', role_id: 'console-editor' }],
      custom_roles: [
        {
          role_id: 'south-auditor',
          description: 'Reads the admin pages of South only',
          permissions: [{ resource_id: CONSOLE, actions: ['read'] }],
        },
      ],
      members: [
        { email_address: ADA.email, roles: ['console-viewer'] },
        { email_address: 'plain@south.test' },
      ],
    },
    {
      organization_name: 'East',
      organization_slug: ORGS.east,
      members: [{ email_address: ADA.email, status: 'invited' }],
    },
    {
      organization_name: 'West',
      organization_slug: ORGS.west,
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['multi.test'],
      members: [{ email_address: 'colleague@multi.test' }],
    },
    {
      organization_name: 'Gate',
      organization_slug: ORGS.gate,
      auth_methods: 'RESTRICTED',
      allowed_auth_methods: ['sso'],
      members: [{ email_address: ADA.email }],
    },
    {
      organization_name: 'Closed',
      organization_slug: ORGS.closed,
      members: [{ email_address: 'someone@closed.test' }],
    },
  ],
}

/** Discovery send and authenticate through the SDK: the IST and the organizations found. */
export async function discoverWithSdk(harness: Harness, email: string) {
  await harness.client.otps.email.discovery.send({ email_address: email })
  const code = harness.emulator.lastCode(email)
  if (code === undefined) throw new Error(`no discovery code was sent to ${email}`)
  return harness.client.otps.email.discovery.authenticate({ email_address: email, code })
}

/** What an answer that signs in at once says besides the session. */
export const SIGNED_IN = {
  member_authenticated: true,
  intermediate_session_token: '',
  mfa_required: null,
  primary_required: null,
} as const

/** Email login to an organization through the SDK; a session where no MFA is asked. */
export async function signInByEmail(
  harness: Harness,
  organization: string,
  email: string,
  extra: Record<string, unknown> = {},
) {
  const { client, emulator } = harness
  await client.otps.email.loginOrSignup({ organization_id: organization, email_address: email })
  return client.otps.email.authenticate({
    organization_id: organization,
    email_address: email,
    code: emulator.lastCode(email) ?? '',
    ...extra,
  })
}

/** The SMS step after an exchange that answered `mfa_required`, with the code sent to Ada. */
export function smsStepWithSdk(
  harness: Harness,
  pending: {
    organization: { organization_id: string }
    member_id: string
    intermediate_session_token: string
  },
) {
  return harness.client.otps.sms.authenticate({
    organization_id: pending.organization.organization_id,
    member_id: pending.member_id,
    intermediate_session_token: pending.intermediate_session_token,
    code: harness.emulator.lastCode(ADA.phone) ?? '',
  })
}

/** Discovery, then North's SMS step: a session in North with both factors. */
export async function signInToNorth(harness: Harness) {
  const { intermediate_session_token: ist } = await discoverWithSdk(harness, ADA.email)
  const exchanged = await harness.client.discovery.intermediateSessions.exchange({
    intermediate_session_token: ist,
    organization_id: ORGS.north,
  })
  return smsStepWithSdk(harness, exchanged)
}
