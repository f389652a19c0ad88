/**
 * @module Recovery codes, the stand-in for a lost authenticator app: get, recover (single use)
 * and rotate.
 */
import { EmulatorApiError, badRequest } from './errors.js'
import { beginAttempt, completeSecondFactor } from './mfa-session.js'
import type { MemberRecord, OrganizationRecord } from './records.js'
import type { EmulatorContext, Route } from './router.js'
import { parseBody } from './schemas.js'
import { recoveryCodesRecoverBody, recoveryCodesRotateBody } from './schemas-mfa.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import {
  TOTP_CODE_SHAPE,
  activeRecoveryCodes,
  rotateRecoveryCodes,
  type TotpRegistrationRecord,
} from './state-totps.js'

/** The answer of `get` and `rotate`: the member and its unused codes. */
function codesAnswer(
  organization: OrganizationRecord,
  member: MemberRecord,
  registration: TotpRegistrationRecord,
) {
  return {
    member_id: member.member_id,
    member: memberJsonIn(organization, member),
    organization: organizationJson(organization),
    recovery_codes: activeRecoveryCodes(registration),
  }
}

/** Routes of `recoveryCodes.get`, `.recover` and `.rotate`; codes belong to the verified TOTP. */
export function recoveryCodeRoutes(ctx: EmulatorContext): Route[] {
  const { state } = ctx
  const { directory, totps, locks } = state

  function memberAndOrganization(organizationId: string, memberId: string) {
    const organization = directory.organization(organizationId)
    return { organization, member: directory.member(organization, memberId) }
  }

  return [
    {
      method: 'GET',
      path: '/v1/b2b/recovery_codes/:organization_id/:member_id',
      access: 'api',
      handle: ({ params }) => {
        const { organization, member } = memberAndOrganization(
          params.organization_id ?? '',
          params.member_id ?? '',
        )
        return codesAnswer(organization, member, totps.verified(member.member_id, state.now()))
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/recovery_codes/rotate',
      access: 'api',
      handle: ({ body }) => {
        const input = parseBody(recoveryCodesRotateBody, body)
        const { organization, member } = memberAndOrganization(
          input.organization_id,
          input.member_id,
        )
        const registration = totps.verified(member.member_id, state.now())
        rotateRecoveryCodes(registration)
        return codesAnswer(organization, member, registration)
      },
    },
    {
      method: 'POST',
      path: '/v1/b2b/recovery_codes/recover',
      access: 'api',
      handle: async ({ body }) => {
        const input = parseBody(recoveryCodesRecoverBody, body)
        // inferred: recovery codes stand in for the authenticator app, so they follow its rule.
        const { minutes, organization, member, credential, customClaims } = await beginAttempt(
          ctx,
          input,
          'totp',
        )
        if (TOTP_CODE_SHAPE.test(input.recovery_code)) {
          // inferred: 400 (the type exists and names this mistake).
          throw badRequest(
            'totp_code_used_as_recovery_code',
            '((This is a TOTP code: use the TOTP endpoint.))',
          )
        }
        const registration = totps.verified(member.member_id, state.now())
        const record = registration.recovery_codes.find(
          (candidate) => candidate.code === input.recovery_code,
        )
        if (!record || record.used) {
          locks.failed(member, state.now())
          // inferred: 401 unable_to_authenticate_recovery_code for a wrong or spent code.
          throw new EmulatorApiError(
            401,
            'unable_to_authenticate_recovery_code',
            '((The recovery code is wrong or was already used.))',
          )
        }
        record.used = true
        locks.succeeded(member)
        const now = state.now()
        const fields = await completeSecondFactor(
          ctx,
          credential,
          organization,
          member,
          {
            kind: 'recovery_code',
            totp_recovery_code_id: record.totp_recovery_code_id,
            created_at: now,
            last_authenticated_at: now,
          },
          minutes,
          customClaims,
        )
        return {
          member_id: member.member_id,
          member: memberJsonIn(organization, member),
          organization: organizationJson(organization),
          ...fields,
          recovery_codes_remaining: activeRecoveryCodes(registration).length,
        }
      },
    },
  ]
}
