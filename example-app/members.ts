/**
 * The members page's data: the members of the admin's organization, and the factors of the
 * signed-in member for the security page, read through the official `stytch` SDK as an app would
 * (the library signs members in; listing them is the app's own business), and the reset form's
 * body. Shared by both consoles.
 */
import type { IncomingMessage } from 'node:http'
import { B2BClient } from 'stytch'
import type { ConsoleOptions } from './console.js'

/** The role Stytch gives an organization's admins; the library's `adminReset.roles` default. */
export const ADMIN_ROLE = 'stytch_admin'

/** A member as the members page lists them. */
export interface MemberRow {
  readonly memberId: string
  readonly email: string
  readonly hasPhone: boolean
  readonly hasApp: boolean
  readonly roles: readonly string[]
}

export type ListMembers = (organizationId: string) => Promise<readonly MemberRow[]>

/** A client for the console's Stytch settings; an http `baseUrl` (the emulator) goes in `env`. */
function clientOf(stytch: ConsoleOptions<unknown>['stytch']): B2BClient {
  const common = { project_id: stytch.projectId, secret: stytch.secret }
  const { baseUrl } = stytch
  if (baseUrl === undefined) return new B2BClient(common)
  return baseUrl.startsWith('https://')
    ? new B2BClient({ ...common, custom_base_url: baseUrl })
    : new B2BClient({ ...common, env: baseUrl })
}

export type GetMember = (organizationId: string, memberId: string) => Promise<MemberRow>

type StytchMember = Awaited<ReturnType<B2BClient['organizations']['members']['get']>>['member']

function rowOf(member: StytchMember): MemberRow {
  return {
    memberId: member.member_id,
    email: member.email_address,
    hasPhone: member.mfa_phone_number !== '',
    hasApp: member.totp_registration_id !== '',
    roles: member.roles.map((role) => role.role_id),
  }
}

/** Reads members of the console's Stytch project; the client is made on first use. */
export function memberDirectory(stytch: ConsoleOptions<unknown>['stytch']): {
  readonly list: ListMembers
  readonly get: GetMember
} {
  let client: B2BClient | undefined
  const clientNow = () => (client ??= clientOf(stytch))
  return {
    // The first 100 members of the organization: enough for a demo, no paging.
    list: async (organizationId) => {
      const { members } = await clientNow().organizations.members.search({
        organization_ids: [organizationId],
        limit: 100,
      })
      return members.map(rowOf)
    },
    get: async (organizationId, memberId) => {
      const { member } = await clientNow().organizations.members.get({
        organization_id: organizationId,
        member_id: memberId,
      })
      return rowOf(member)
    },
  }
}

/** The most a reset form's body may hold: one member id. */
const FORM_LIMIT_BYTES = 1024

/**
 * The `memberId` field of a reset form. No body parser is mounted (the library reads its own
 * steps' bodies), so the form is read here, bounded.
 */
export async function readMemberId(req: IncomingMessage): Promise<string | undefined> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
    return undefined
  }
  let body = ''
  for await (const chunk of req as AsyncIterable<Buffer>) {
    body += chunk.toString('utf8')
    if (body.length > FORM_LIMIT_BYTES) return undefined
  }
  const memberId = new URLSearchParams(body).get('memberId')
  return memberId === null || memberId === '' ? undefined : memberId
}
