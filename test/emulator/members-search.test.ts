import { describe, expect, it } from 'vitest'
import { stytchError, useEmulatorHarness } from '../helpers/emulator.js'
import { DELTA, GAMMA, mfaSeed } from '../helpers/mfa-seed.js'

const harness = useEmulatorHarness(mfaSeed)

async function organizationId(slug: string) {
  return (await harness.client.organizations.get({ organization_id: slug })).organization
    .organization_id
}

async function emailsOf(query: Parameters<typeof harness.client.organizations.members.search>[0]) {
  const { members } = await harness.client.organizations.members.search(query)
  return members.map((member) => member.email_address)
}

describe('POST /v1/b2b/organizations/members/search (organizations.members.search)', () => {
  it('returns every member of the organizations without a query, with those organizations', async () => {
    const gamma = await organizationId(GAMMA.slug)
    const response = await harness.client.organizations.members.search({
      organization_ids: [gamma],
    })
    expect(response.members.map((member) => member.email_address)).toEqual([
      GAMMA.app.email,
      GAMMA.both.email,
      GAMMA.phone.email,
      GAMMA.fresh.email,
      GAMMA.pending.email,
    ])
    expect(response.results_metadata).toMatchObject({ total: 5 })
    expect(Object.keys(response.organizations)).toEqual([gamma])
    expect(response.organizations[gamma]?.organization_slug).toBe(GAMMA.slug)
  })

  it('finds members by id and by email (any case), ANDing the operands', async () => {
    const gamma = await organizationId(GAMMA.slug)
    const app = await harness.client.organizations.members.get({
      organization_id: gamma,
      email_address: GAMMA.app.email,
    })
    expect(
      await emailsOf({
        organization_ids: [gamma],
        query: {
          operator: 'AND',
          operands: [
            { filter_name: 'member_ids', filter_value: [app.member_id] },
            { filter_name: 'member_emails', filter_value: ['APP@gamma.test', 'both@gamma.test'] },
          ],
        },
      }),
    ).toEqual([GAMMA.app.email])
  })

  it('ORs the operands when asked', async () => {
    const gamma = await organizationId(GAMMA.slug)
    expect(
      await emailsOf({
        organization_ids: [gamma],
        query: {
          operator: 'OR',
          operands: [
            { filter_name: 'member_emails', filter_value: [GAMMA.fresh.email] },
            { filter_name: 'member_phone_numbers', filter_value: [GAMMA.phone.phone] },
          ],
        },
      }),
    ).toEqual([GAMMA.phone.email, GAMMA.fresh.email])
  })

  it('filters by authenticator app, status and fuzzy email', async () => {
    const gamma = await organizationId(GAMMA.slug)
    const search = (filter_name: string, filter_value: unknown) =>
      emailsOf({
        organization_ids: [gamma],
        query: { operator: 'AND', operands: [{ filter_name, filter_value }] },
      })
    expect(await search('totp_exists', true)).toEqual([GAMMA.app.email, GAMMA.both.email])
    expect(await search('statuses', ['pending'])).toEqual([GAMMA.pending.email])
    expect(await search('member_email_fuzzy', 'fres')).toEqual([GAMMA.fresh.email])
  })

  it('never returns members of organizations it was not asked about', async () => {
    const gamma = await organizationId(GAMMA.slug)
    expect(
      await emailsOf({
        organization_ids: [gamma],
        query: {
          operator: 'AND',
          operands: [{ filter_name: 'member_emails', filter_value: [DELTA.app.email] }],
        },
      }),
    ).toEqual([])
  })

  it('pages with limit and next_cursor', async () => {
    const ids = [await organizationId(GAMMA.slug), await organizationId(DELTA.slug)]
    const first = await harness.client.organizations.members.search({
      organization_ids: ids,
      limit: 6,
    })
    expect(first.members).toHaveLength(6)
    expect(first.results_metadata.total).toBe(8)
    expect(first.results_metadata.next_cursor).toEqual(expect.any(String))
    const second = await harness.client.organizations.members.search({
      organization_ids: ids,
      limit: 6,
      cursor: first.results_metadata.next_cursor!,
    })
    expect(second.members.map((member) => member.email_address)).toEqual([
      DELTA.phone.email,
      DELTA.glass.email,
    ])
    expect(second.results_metadata.next_cursor).toBeNull()
    expect(Object.keys(second.organizations)).toEqual([ids[1]])
  })

  describe('refuses', () => {
    it('an empty organization_ids: 400 member_search_organization_ids_empty', async () => {
      const error = await stytchError(
        harness.client.organizations.members.search({ organization_ids: [] }),
      )
      expect(error).toMatchObject({
        status_code: 400,
        error_type: 'member_search_organization_ids_empty',
      })
    })

    it('an unknown filter: 400 member_search_filter_name_not_recognized', async () => {
      const error = await stytchError(
        harness.client.organizations.members.search({
          organization_ids: [await organizationId(GAMMA.slug)],
          query: {
            operator: 'AND',
            operands: [{ filter_name: 'favourite_colour', filter_value: 1 }],
          },
        }),
      )
      expect(error.error_type).toBe('member_search_filter_name_not_recognized')
    })

    it('a filter value of the wrong type, and a fuzzy filter under 3 characters', async () => {
      const organization_ids = [await organizationId(GAMMA.slug)]
      const wrongType = await stytchError(
        harness.client.organizations.members.search({
          organization_ids,
          query: { operator: 'AND', operands: [{ filter_name: 'member_ids', filter_value: 'x' }] },
        }),
      )
      expect(wrongType.error_type).toBe('member_search_expected_array_of_strings')
      const short = await stytchError(
        harness.client.organizations.members.search({
          organization_ids,
          query: {
            operator: 'AND',
            operands: [{ filter_name: 'member_email_fuzzy', filter_value: 'ap' }],
          },
        }),
      )
      expect(short.error_type).toBe('member_search_member_email_fuzzy_too_short')
    })

    it('an unknown organization: 404 organization_not_found', async () => {
      const error = await stytchError(
        harness.client.organizations.members.search({ organization_ids: ['organization-nope'] }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'organization_not_found' })
    })
  })
})
