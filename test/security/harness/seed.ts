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

/** Zeta requires MFA by authenticator app only; Eta holds the same person with an app of its own. */
export const ZETA = 'zeta'
export const ETA = 'eta'
/** Has an authenticator app and recovery codes in Zeta, and another app in Eta. */
export const APP = { email: 'app@zeta.test' } as const
/** Another member of Zeta with an app. */
export const APP_PEER = {
  email: 'peer@zeta.test',
  memberId: 'member-test-zeta-peer-00000-0000-4000-8000-000000000006',
} as const
/** A member of Zeta without any second factor. */
export const NO_FACTOR = { email: 'none@zeta.test' } as const
export const APP_RECOVERY_CODES = ['zeta-code-0001', 'zeta-code-0002', 'zeta-code-0003'] as const

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
    {
      organization_name: 'Zeta',
      organization_slug: ZETA,
      mfa_policy: 'REQUIRED_FOR_ALL',
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
      members: [
        {
          email_address: APP.email,
          totp_secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
          recovery_codes: [...APP_RECOVERY_CODES],
          mfa_enrolled: true,
        },
        {
          member_id: APP_PEER.memberId,
          email_address: APP_PEER.email,
          totp_secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          mfa_enrolled: true,
        },
        { email_address: NO_FACTOR.email },
      ],
    },
    {
      organization_name: 'Eta',
      organization_slug: ETA,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        {
          email_address: APP.email,
          totp_secret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
          mfa_enrolled: true,
        },
      ],
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
  APP.email,
  APP_PEER.email,
  NO_FACTOR.email,
]
