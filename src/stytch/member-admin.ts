/**
 * @module The admin calls on another member: removing a second factor and ending every session.
 * Each answer is checked to be about the member asked for; the phone number in a delete answer
 * is read only to learn that it is gone. A delete names the organization, so Stytch finding no
 * such member there is the admin's refusal (`forbidden`), not a fault of Stytch's, and changes
 * nothing.
 */
import { z } from 'zod'
import type { B2BClient } from 'stytch'
import { MfaError } from '../core/errors.js'
import type { StytchPort } from '../core/ports/stytch.js'
import { dateSchema, id, parseResponse, requestId } from './schemas.js'

type Call = <T>(what: string, request: () => Promise<T>) => Promise<T>

/** `deleteMFAPhoneNumber` / `deleteTOTP`: the member as it is after the delete. */
const deletedFactorSchema = z.object({
  request_id: requestId,
  member: z.object({
    member_id: id,
    organization_id: id,
    mfa_phone_number: z.string().nullish(),
    totp_registration_id: z.string().nullish(),
  }),
})

/** `sessions.get`: only what a revocation needs of each session. */
const memberSessionsSchema = z.object({
  request_id: requestId,
  member_sessions: z
    .array(
      z.object({
        member_session_id: id,
        member_id: id,
        organization_id: id,
        expires_at: dateSchema,
      }),
    )
    .max(10_000),
})

/** Stytch's answer to removing a factor the member does not have: the goal is reached. */
const ABSENT_FACTOR = new Set(['member_phone_number_not_found', 'totp_not_found'])

/** Stytch's answer for a member id that is not in the organization named by the call. */
const NOT_IN_ORGANIZATION = new Set(['member_not_found'])

interface Ids {
  readonly memberId: string
  readonly organizationId: string
}

function assertSameMember(asked: Ids, answered: Ids, what: string, request: string): void {
  if (answered.memberId !== asked.memberId || answered.organizationId !== asked.organizationId) {
    throw new MfaError(
      'stytch_bad_response',
      `Stytch's ${what} answered about another member or organization`,
      { requestId: request },
    )
  }
}

/** The port's member-admin methods over `client`, each call made through `call`. */
export function memberAdminCalls(
  client: B2BClient,
  call: Call,
): Pick<StytchPort, 'deleteMemberFactor' | 'revokeMemberSessions'> {
  return {
    async deleteMemberFactor(input) {
      const ids = { organization_id: input.organizationId, member_id: input.memberId }
      const what =
        input.factor === 'sms'
          ? 'organizations.members.deleteMFAPhoneNumber'
          : 'organizations.members.deleteTOTP'
      let body: unknown
      try {
        body = await call(what, () =>
          input.factor === 'sms'
            ? client.organizations.members.deleteMFAPhoneNumber(ids)
            : client.organizations.members.deleteTOTP(ids),
        )
      } catch (error) {
        if (!(error instanceof MfaError)) throw error
        const type = error.stytchErrorType ?? ''
        if (ABSENT_FACTOR.has(type)) return { requestId: error.requestId ?? '', deleted: false }
        if (NOT_IN_ORGANIZATION.has(type)) {
          throw new MfaError('forbidden', 'The member is not in the organization', {
            requestId: error.requestId,
          })
        }
        throw error
      }
      const { request_id, member } = parseResponse(deletedFactorSchema, body, what)
      const answered = { memberId: member.member_id, organizationId: member.organization_id }
      assertSameMember(input, answered, what, request_id)
      const left = input.factor === 'sms' ? member.mfa_phone_number : member.totp_registration_id
      if (left !== undefined && left !== null && left !== '') {
        throw new MfaError('stytch_bad_response', `Stytch's ${what} left the factor in place`, {
          requestId: request_id,
        })
      }
      return { requestId: request_id, deleted: true }
    },

    async revokeMemberSessions(input) {
      const ids = { organization_id: input.organizationId, member_id: input.memberId }
      const listed = parseResponse(
        memberSessionsSchema,
        await call('sessions.get', () => client.sessions.get(ids)),
        'sessions.get',
      )
      const sessions = listed.member_sessions.map((session) => {
        const answered = { memberId: session.member_id, organizationId: session.organization_id }
        assertSameMember(input, answered, 'sessions.get', listed.request_id)
        return { memberSessionId: session.member_session_id, expiresAt: session.expires_at }
      })
      // By member, not by the ids listed: a session started since the list ends too.
      await call('sessions.revoke', () => client.sessions.revoke({ member_id: input.memberId }))
      return { requestId: listed.request_id, sessions }
    },
  }
}
