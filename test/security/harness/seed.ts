/**
 * The members the security suite starts from: the integration seed (same emails and phones)
 * with fixed ids, so crafted JWTs and Stytch answers can name real members, plus a third
 * organization for the enumeration cases.
 */
import type { EmulatorSeed } from '../../../src/emulator/index.js'
import { ADMIN, NEWCOMER, OTHER_ADMIN, PLAIN, seed } from '../../helpers/seed.js'

export { ADMIN, NEWCOMER, OTHER_ADMIN, PLAIN }

export const ORG = {
  acme: 'organization-test-acme-00000000-0000-4000-8000-000000000001',
  beta: 'organization-test-beta-00000000-0000-4000-8000-000000000002',
  gamma: 'organization-test-gamma-0000000-0000-4000-8000-000000000003',
} as const

export const MEMBER = {
  admin: 'member-test-admin-000000000-0000-4000-8000-000000000001',
  newcomer: 'member-test-newcomer-000000-0000-4000-8000-000000000002',
  otherAdmin: 'member-test-other-admin-000-0000-4000-8000-000000000003',
  plain: 'member-test-plain-000000000-0000-4000-8000-000000000004',
  invited: 'member-test-invited-0000000-0000-4000-8000-000000000005',
} as const

export const INVITED = { email: 'invited@gamma.test' } as const

const ORG_IDS: Readonly<Record<string, string>> = { acme: ORG.acme, beta: ORG.beta }
const MEMBER_IDS: Readonly<Record<string, string>> = {
  [ADMIN.email]: MEMBER.admin,
  [NEWCOMER.email]: MEMBER.newcomer,
  [OTHER_ADMIN.email]: MEMBER.otherAdmin,
  [PLAIN.email]: MEMBER.plain,
}

/** The id a seed entry is given; every entry of the shared seed has one here. */
function idOf(ids: Readonly<Record<string, string>>, key: string): string {
  const id = ids[key]
  if (id === undefined)
    throw new Error(`no fixed id for ${key}: add it to security/harness/seed.ts`)
  return id
}

export const securitySeed: EmulatorSeed = {
  organizations: [
    ...seed.organizations.map((organization) => ({
      ...organization,
      organization_id: idOf(ORG_IDS, organization.organization_slug),
      members: (organization.members ?? []).map((member) => ({
        ...member,
        member_id: idOf(MEMBER_IDS, member.email_address),
      })),
    })),
    {
      organization_id: ORG.gamma,
      organization_name: 'Gamma',
      organization_slug: 'gamma',
      mfa_policy: 'REQUIRED_FOR_ALL',
      email_jit_provisioning: 'RESTRICTED',
      email_allowed_domains: ['gamma.test'],
      members: [{ member_id: MEMBER.invited, email_address: INVITED.email, status: 'invited' }],
    },
  ],
}

/** Every phone number and email of the seed: never to be logged in full. */
export const SEED_PHONES: readonly string[] = [ADMIN.phone, OTHER_ADMIN.phone]
export const SEED_EMAILS: readonly string[] = [
  ADMIN.email,
  NEWCOMER.email,
  OTHER_ADMIN.email,
  PLAIN.email,
  INVITED.email,
]
