import { afterEach, describe, expect, it } from 'vitest'
import {
  MEMBER_ID,
  ORGANIZATION_ID,
  closeAllFakes,
  portFor,
  sendJson,
  startFakeStytch,
  stytchErrorBody,
} from './helpers.js'

afterEach(closeAllFakes)

/** A port on a Stytch that answers every call with the error `type`. */
async function portAnswering(status: number, type: string) {
  const fake = await startFakeStytch((_request, res) => {
    sendJson(res, status, stytchErrorBody(status, type))
  })
  return { fake, port: portFor(fake) }
}

const IDS = { organizationId: ORGANIZATION_ID, memberId: MEMBER_ID } as const

describe('deleteMemberFactor', () => {
  it('answers forbidden when Stytch finds no such member in the organization', async () => {
    const { port } = await portAnswering(404, 'member_not_found')
    await expect(port.deleteMemberFactor({ ...IDS, factor: 'totp' })).rejects.toMatchObject({
      name: 'MfaError',
      code: 'forbidden',
      status: 403,
      requestId: 'request-id-test-member_not_found',
    })
  })

  it('counts a factor the member does not have as removed already, not as an error', async () => {
    const { fake, port } = await portAnswering(404, 'totp_not_found')
    await expect(port.deleteMemberFactor({ ...IDS, factor: 'totp' })).resolves.toEqual({
      requestId: 'request-id-test-totp_not_found',
      deleted: false,
    })
    expect(fake.requests.map((request) => request.method)).toEqual(['DELETE'])
  })

  it('leaves any other refusal of Stytch’s a Stytch error', async () => {
    const { port } = await portAnswering(404, 'organization_not_found')
    await expect(port.deleteMemberFactor({ ...IDS, factor: 'sms' })).rejects.toMatchObject({
      code: 'stytch_error',
    })
  })
})
