/** @module `organizations.members.search`: members of some organizations, filtered and paged. */
import { badRequest } from './errors.js'
import type { MemberRecord, OrganizationRecord } from './records.js'
import type { EmulatorContext, Route } from './router.js'
import { parseBody } from './schemas.js'
import { membersSearchBody } from './schemas-mfa.js'
import { memberJsonIn, organizationJson, roleIds } from './serialize.js'

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000
/** Stytch's minimum for every fuzzy filter. */
const FUZZY_MIN_LENGTH = 3

type Operand = { readonly filter_name: string; readonly filter_value: unknown }
type Predicate = (member: MemberRecord) => boolean

// inferred below: the 400 status of every member_search_* type (the types exist).
function strings(operand: Operand): string[] {
  const value = operand.filter_value
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw badRequest(
      'member_search_expected_array_of_strings',
      `((${operand.filter_name} takes an array of strings.))`,
    )
  }
  return value
}

function boolean(operand: Operand): boolean {
  if (typeof operand.filter_value !== 'boolean') {
    throw badRequest(
      'member_search_expected_boolean',
      `((${operand.filter_name} takes a boolean.))`,
    )
  }
  return operand.filter_value
}

function fuzzy(operand: Operand, tooShort: string): string {
  if (typeof operand.filter_value !== 'string') {
    throw badRequest('member_search_expected_string', `((${operand.filter_name} takes a string.))`)
  }
  if (operand.filter_value.length < FUZZY_MIN_LENGTH) {
    throw badRequest(tooShort, `((${operand.filter_name} needs at least 3 characters.))`)
  }
  return operand.filter_value.toLowerCase()
}

/** One operand as a test on a member; roles include those its organization grants. */
function predicate(
  operand: Operand,
  organizationOf: (member: MemberRecord) => OrganizationRecord,
): Predicate {
  switch (operand.filter_name) {
    case 'member_ids': {
      const ids = new Set(strings(operand))
      return (member) => ids.has(member.member_id)
    }
    case 'member_emails': {
      const emails = new Set(strings(operand).map((email) => email.toLowerCase()))
      return (member) => emails.has(member.email_address)
    }
    case 'member_email_fuzzy': {
      const part = fuzzy(operand, 'member_search_member_email_fuzzy_too_short')
      return (member) => member.email_address.includes(part)
    }
    case 'member_phone_numbers': {
      const phones = new Set(strings(operand))
      return (member) => phones.has(member.mfa_phone_number)
    }
    case 'member_phone_number_fuzzy': {
      const part = fuzzy(operand, 'member_search_member_mfa_phone_number_fuzzy_too_short')
      return (member) => member.mfa_phone_number !== '' && member.mfa_phone_number.includes(part)
    }
    case 'statuses': {
      const statuses = new Set(strings(operand))
      return (member) => statuses.has(member.status)
    }
    case 'member_is_breakglass': {
      const wanted = boolean(operand)
      return (member) => member.is_breakglass === wanted
    }
    case 'member_roles': {
      const roles = new Set(strings(operand))
      return (member) => roleIds(member, organizationOf(member)).some((role) => roles.has(role))
    }
    case 'totp_exists': {
      const wanted = boolean(operand)
      return (member) => (member.totp_registration_id !== '') === wanted
    }
    default:
      throw badRequest(
        'member_search_filter_name_not_recognized',
        `((Unknown filter_name ${operand.filter_name}.))`,
      )
  }
}

/** The page offset a cursor stands for; cursors are the emulator's own. */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0
  const offset = Number(Buffer.from(cursor, 'base64url').toString('utf8'))
  // inferred: 400 bad_request for a cursor the emulator did not hand out.
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('bad_request', '((Bad cursor.))')
  return offset
}

/** `POST /v1/b2b/organizations/members/search`. */
export function memberSearchRoutes({ state }: EmulatorContext): Route[] {
  const { directory } = state
  return [
    {
      method: 'POST',
      path: '/v1/b2b/organizations/members/search',
      access: 'api',
      handle: ({ body }) => {
        const input = parseBody(membersSearchBody, body)
        if (input.organization_ids.length === 0) {
          throw badRequest(
            'member_search_organization_ids_empty',
            '((organization_ids needs at least one organization.))',
          )
        }
        const limit = input.limit ?? DEFAULT_LIMIT
        if (limit < 1 || limit > MAX_LIMIT) {
          throw badRequest('bad_request', '((limit must be between 1 and 1000.))')
        }
        // inferred: an unknown organization id is 404 organization_not_found, not skipped.
        const organizations = input.organization_ids.map((id) => directory.organization(id))
        const inScope = new Set(organizations.map((organization) => organization.organization_id))
        const organizationOf = (member: MemberRecord) =>
          directory.organization(member.organization_id)
        const tests = (input.query?.operands ?? []).map((operand) =>
          predicate(operand, organizationOf),
        )
        const operator = input.query?.operator ?? 'AND'
        if (operator !== 'AND' && operator !== 'OR') {
          throw badRequest('bad_request', '((operator must be AND or OR.))')
        }
        const matches = directory
          .allMembers()
          .filter((member) => inScope.has(member.organization_id))
          .filter((member) =>
            tests.length === 0
              ? true
              : operator === 'AND'
                ? tests.every((test) => test(member))
                : tests.some((test) => test(member)),
          )
        const offset = offsetOf(input.cursor)
        const page = matches.slice(offset, offset + limit)
        const next = offset + limit < matches.length ? offset + limit : undefined
        const owners = organizations.filter((organization) =>
          page.some((member) => member.organization_id === organization.organization_id),
        )
        return {
          members: page.map((member) => memberJsonIn(organizationOf(member), member)),
          results_metadata: {
            total: matches.length,
            next_cursor:
              next === undefined ? null : Buffer.from(String(next)).toString('base64url'),
          },
          organizations: Object.fromEntries(
            owners.map((organization) => [
              organization.organization_id,
              organizationJson(organization),
            ]),
          ),
        }
      },
    },
  ]
}
