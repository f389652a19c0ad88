import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import {
  DEFAULT_IST_LIFETIME_MS,
  getMemberSchema,
  memberSessionSchema,
  parsePrimaryAuth,
  parseResponse,
  recoveryCodesSchema,
  recoveryGrantSchema,
  sendEmailOtpSchema,
  sendSmsOtpSchema,
  sessionGrantSchema,
  totpRegistrationSchema,
} from '../../src/stytch/schemas.js'
import {
  authenticatedJson,
  FAKE_JWT,
  IST,
  MEMBER_ID,
  memberJson,
  memberSessionJson,
  mfaRequiredJson,
  ORGANIZATION_ID,
  SESSION_TOKEN,
  sessionGrantJson,
} from './helpers.js'

const NOW = new Date('2030-01-01T00:00:00Z')

/** Parses and returns the `MfaError` it must throw. */
function badResponse(parse: () => unknown): MfaError {
  try {
    parse()
  } catch (error) {
    expect(error).toBeInstanceOf(MfaError)
    expect((error as MfaError).code).toBe('stytch_bad_response')
    return error as MfaError
  }
  throw new Error('expected a stytch_bad_response')
}

const grant = (body: unknown) => parseResponse(sessionGrantSchema, body, 'otps.sms.authenticate')

describe('sessionGrantSchema', () => {
  describe('when the response is complete', () => {
    it('reads the tokens and the member session into camelCase', () => {
      expect(grant(sessionGrantJson())).toEqual({
        requestId: 'request-id-test-grant',
        sessionToken: SESSION_TOKEN,
        sessionJwt: FAKE_JWT,
        memberSession: {
          memberSessionId: 'member-session-test-11111111-0000-0000-0000-000000000001',
          memberId: MEMBER_ID,
          organizationId: ORGANIZATION_ID,
          organizationSlug: 'acme',
          startedAt: new Date('2024-01-09T07:41:52Z'),
          expiresAt: new Date('2030-01-09T08:41:52Z'),
          authenticationFactors: [
            {
              type: 'email_otp',
              deliveryMethod: 'email',
              lastAuthenticatedAt: new Date('2024-01-09T07:41:00Z'),
              phoneNumber: undefined,
              emailAddress: 'alice@example.com',
            },
            {
              type: 'otp',
              deliveryMethod: 'sms',
              lastAuthenticatedAt: new Date('2024-01-09T07:41:52Z'),
              phoneNumber: '+15555550100',
            },
          ],
          roles: ['stytch_member'],
        },
      })
    })

    it('accepts offsets and fractional seconds in dates', () => {
      const session = memberSessionJson({ expires_at: '2030-01-09T09:41:52.123+01:00' })
      const parsed = grant(sessionGrantJson({ member_session: session }))
      expect(parsed.memberSession.expiresAt).toEqual(new Date('2030-01-09T08:41:52.123Z'))
    })

    it('reads a missing last_authenticated_at, roles or slug as absent', () => {
      const session = memberSessionJson({
        organization_slug: '',
        roles: null,
        authentication_factors: [
          { type: 'otp', delivery_method: 'sms', last_authenticated_at: null },
        ],
      })
      const parsed = grant(sessionGrantJson({ member_session: session })).memberSession
      expect(parsed.organizationSlug).toBeUndefined()
      expect(parsed.roles).toEqual([])
      expect(parsed.authenticationFactors[0]?.lastAuthenticatedAt).toBeUndefined()
    })
  })

  describe('when a token is not safe to put in a cookie', () => {
    it.each([
      ['contains ";"', 'session_token', 'abc;Domain=evil.example'],
      ['contains CR LF', 'session_token', 'abc\r\nSet-Cookie: x=y'],
      ['contains a space', 'session_token', 'abc def'],
      ['contains a comma', 'session_jwt', 'a.b,c'],
      ['contains a quote', 'session_jwt', 'a."b".c'],
      ['contains a backslash', 'session_jwt', 'a.b\\c'],
      ['is empty', 'session_token', ''],
      ['is empty', 'session_jwt', ''],
      ['is over 200 characters', 'session_token', 'a'.repeat(201)],
      ['is over 4000 characters', 'session_jwt', 'a'.repeat(4001)],
      ['is not a string', 'session_token', 42],
    ])('fails closed when %s (%s)', (_what, field, value) => {
      const error = badResponse(() => grant(sessionGrantJson({ [field]: value })))
      expect(error.message).toContain(field)
      expect(error.requestId).toBe('request-id-test-grant')
      if (typeof value === 'string' && value.length > 3) expect(error.message).not.toContain(value)
    })
  })

  describe('when the member session is missing or malformed', () => {
    it.each([
      ['member_session is null', { member_session: null }],
      [
        'expires_at is not RFC 3339',
        { member_session: memberSessionJson({ expires_at: 'tomorrow' }) },
      ],
      [
        'expires_at has no zone',
        { member_session: memberSessionJson({ expires_at: '2030-01-09T08:41:52' }) },
      ],
      ['member_id is empty', { member_session: memberSessionJson({ member_id: '' }) }],
      [
        'a factor has no type',
        { member_session: memberSessionJson({ authentication_factors: [{}] }) },
      ],
      [
        'a factor date is garbage',
        {
          member_session: memberSessionJson({
            authentication_factors: [
              { type: 'otp', delivery_method: 'sms', last_authenticated_at: 'yesterday' },
            ],
          }),
        },
      ],
    ])('fails closed when %s', (_what, overrides) => {
      badResponse(() => grant(sessionGrantJson(overrides)))
    })

    it.each([
      ['null', null],
      ['a string', 'ok'],
      ['an array', []],
    ])('fails closed when the body is %s', (_what, body) => {
      badResponse(() => grant(body))
    })
  })
})

describe('parsePrimaryAuth()', () => {
  describe('when the member is fully signed in', () => {
    it('returns the authenticated variant with the session grant', () => {
      const result = parsePrimaryAuth(authenticatedJson(), NOW)
      expect(result).toMatchObject({
        kind: 'authenticated',
        sessionToken: SESSION_TOKEN,
        sessionJwt: FAKE_JWT,
        memberSession: { memberId: MEMBER_ID },
      })
    })

    it.each([
      ['the tokens are empty', { session_token: '', session_jwt: '' }],
      ['the member session is null', { member_session: null }],
    ])('fails closed when %s', (_what, overrides) => {
      badResponse(() => parsePrimaryAuth(authenticatedJson(overrides), NOW))
    })
  })

  describe('when Stytch requires MFA', () => {
    it('returns the mfa_required variant', () => {
      expect(parsePrimaryAuth(mfaRequiredJson(), NOW)).toEqual({
        kind: 'mfa_required',
        requestId: 'request-id-test-mfa',
        memberId: MEMBER_ID,
        organizationId: ORGANIZATION_ID,
        intermediateSessionToken: IST,
        intermediateSessionExpiresAt: new Date('2030-01-09T07:51:52Z'),
        smsSent: true,
        memberPhoneNumber: '+15555550100',
        mfa: { allowedMethods: ['sms_otp', 'totp'], hasTotp: false, defaultMethod: undefined },
      })
    })

    it("reads the organization's restricted methods and the member's app and default", () => {
      const body = mfaRequiredJson({
        member: {
          member_id: MEMBER_ID,
          mfa_phone_number: '+15555550100',
          totp_registration_id: 'member-totp-test-1',
          default_mfa_method: 'totp',
          is_breakglass: false,
        },
        organization: {
          organization_id: ORGANIZATION_ID,
          mfa_methods: 'RESTRICTED',
          allowed_mfa_methods: ['totp'],
        },
      })
      expect(parsePrimaryAuth(body, NOW)).toMatchObject({
        // A phone the organization does not let count is not offered.
        memberPhoneNumber: undefined,
        mfa: { allowedMethods: ['totp'], hasTotp: true, defaultMethod: 'totp' },
      })
    })

    it('exempts a breakglass member from the restriction, as Stytch does', () => {
      const body = mfaRequiredJson({
        member: { member_id: MEMBER_ID, mfa_phone_number: '+15555550100', is_breakglass: true },
        organization: { mfa_methods: 'RESTRICTED', allowed_mfa_methods: ['totp'] },
      })
      expect(parsePrimaryAuth(body, NOW)).toMatchObject({
        memberPhoneNumber: '+15555550100',
        mfa: { allowedMethods: ['sms_otp', 'totp'] },
      })
    })

    it('defaults the intermediate session expiry to now + 10 minutes', () => {
      const body = mfaRequiredJson({ intermediate_session_token_expires_at: undefined })
      const result = parsePrimaryAuth(body, NOW)
      expect(result).toMatchObject({
        intermediateSessionExpiresAt: new Date(NOW.getTime() + DEFAULT_IST_LIFETIME_MS),
      })
      expect(DEFAULT_IST_LIFETIME_MS).toBe(600_000)
    })

    it('reports smsSent false when Stytch did not send the SMS', () => {
      const body = mfaRequiredJson({
        mfa_required: { member_options: null, secondary_auth_initiated: null },
        member: { mfa_phone_number: '' },
      })
      expect(parsePrimaryAuth(body, NOW)).toMatchObject({
        smsSent: false,
        memberPhoneNumber: undefined,
      })
    })

    it("falls back to the member's phone number when member_options is absent", () => {
      const body = mfaRequiredJson({ mfa_required: { secondary_auth_initiated: null } })
      expect(parsePrimaryAuth(body, NOW)).toMatchObject({ memberPhoneNumber: '+15555550100' })
    })

    it.each([
      ['the IST is empty', { intermediate_session_token: '' }],
      ['the IST is null', { intermediate_session_token: null }],
      ['the IST is not cookie-safe', { intermediate_session_token: 'a;b' }],
      ['the IST expiry is garbage', { intermediate_session_token_expires_at: 'soon' }],
      ['member_id is missing', { member_id: undefined }],
      ['there is neither mfa_required nor primary_required', { mfa_required: null }],
    ])('fails closed when %s', (_what, overrides) => {
      badResponse(() => parsePrimaryAuth(mfaRequiredJson(overrides), NOW))
    })
  })

  describe('when Stytch requires another primary method', () => {
    it('returns the primary_required variant', () => {
      const body = mfaRequiredJson({ primary_required: { allowed_auth_methods: ['sso'] } })
      expect(parsePrimaryAuth(body, NOW)).toEqual({
        kind: 'primary_required',
        requestId: 'request-id-test-mfa',
        allowedAuthMethods: ['sso'],
      })
    })
  })

  describe('when member_authenticated is not a boolean', () => {
    it.each([
      ['missing', undefined],
      ['a string', 'false'],
    ])('fails closed when it is %s', (_w, value) => {
      badResponse(() => parsePrimaryAuth(mfaRequiredJson({ member_authenticated: value }), NOW))
    })
  })
})

describe('sendEmailOtpSchema', () => {
  it('reads the member and organization ids', () => {
    const body = {
      request_id: 'request-id-test-email',
      member_id: MEMBER_ID,
      member_created: false,
      member: { member_id: MEMBER_ID, organization_id: ORGANIZATION_ID },
      organization: { organization_id: ORGANIZATION_ID },
    }
    expect(parseResponse(sendEmailOtpSchema, body, 'x')).toEqual({
      requestId: 'request-id-test-email',
      memberId: MEMBER_ID,
      organizationId: ORGANIZATION_ID,
    })
  })

  it('fails closed without an organization id', () => {
    badResponse(() => parseResponse(sendEmailOtpSchema, { member_id: MEMBER_ID }, 'x'))
  })
})

describe('sendSmsOtpSchema', () => {
  it("reads the member's phone number", () => {
    const body = {
      request_id: 'r',
      member_id: MEMBER_ID,
      member: { mfa_phone_number: '+15555550100' },
    }
    expect(parseResponse(sendSmsOtpSchema, body, 'x')).toEqual({
      requestId: 'r',
      phoneNumber: '+15555550100',
    })
  })

  it('reads an empty phone number as absent', () => {
    const body = { request_id: 'r', member_id: MEMBER_ID, member: { mfa_phone_number: '' } }
    expect(parseResponse(sendSmsOtpSchema, body, 'x').phoneNumber).toBeUndefined()
  })

  it('fails closed without a member id', () => {
    badResponse(() => parseResponse(sendSmsOtpSchema, { request_id: 'r' }, 'x'))
  })
})

describe('getMemberSchema', () => {
  const read = (body: unknown) => parseResponse(getMemberSchema, body, 'organizations.members.get')

  it('says the member has a phone, and whether it is verified, without keeping the number', () => {
    const member = read(memberJson())
    expect(member).toEqual({
      requestId: 'request-id-test-member',
      memberId: MEMBER_ID,
      organizationId: ORGANIZATION_ID,
      hasMfaPhoneNumber: true,
      mfaPhoneNumberVerified: false,
    })
    expect(JSON.stringify(member)).not.toContain('5555550100')
  })

  it.each([[''], [null]])('reads a phone number of %j as no phone', (phone) => {
    expect(read(memberJson({ mfa_phone_number: phone })).hasMfaPhoneNumber).toBe(false)
  })

  it('fails closed without mfa_phone_number_verified, naming the field but not the number', () => {
    const error = badResponse(() => read(memberJson({ mfa_phone_number_verified: undefined })))
    expect(error.message).toContain('member.mfa_phone_number_verified')
    expect(error.message).not.toContain('5555550100')
    expect(error.requestId).toBe('request-id-test-member')
  })

  it('fails closed when the phone number is not a string, without echoing it', () => {
    const error = badResponse(() => read(memberJson({ mfa_phone_number: 15555550100 })))
    expect(error.message).not.toContain('5555550100')
  })

  it('fails closed without the member', () => {
    badResponse(() => read({ request_id: 'r', member_id: MEMBER_ID }))
  })
})

describe('memberSessionSchema', () => {
  it('reads the shape authenticateJwtLocal returns (re-serialised dates, custom claims)', () => {
    const local = {
      member_session_id: 'member-session-test-1',
      member_id: MEMBER_ID,
      organization_id: ORGANIZATION_ID,
      authentication_factors: memberSessionJson().authentication_factors,
      started_at: '2024-01-09T07:41:52Z',
      last_accessed_at: '2024-01-09T07:41:52Z',
      expires_at: '2024-01-09T08:41:52.000Z',
      custom_claims: { a: 1 },
      roles: undefined,
      organization_slug: 'acme',
    }
    expect(memberSessionSchema.parse(local)).toMatchObject({
      memberSessionId: 'member-session-test-1',
      expiresAt: new Date('2024-01-09T08:41:52Z'),
      roles: [],
    })
  })
})

describe('totpRegistrationSchema', () => {
  const body = {
    request_id: 'request-id-test-totp',
    totp_registration_id: 'member-totp-test-1',
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    qr_code: 'data:image/png;base64,iVBORw0KGgo=',
    recovery_codes: ['aaaa-bbbb-cccc'],
  }

  it('reads the registration into the port type', () => {
    expect(parseResponse(totpRegistrationSchema, body, 'totps.create')).toEqual({
      requestId: 'request-id-test-totp',
      totpRegistrationId: 'member-totp-test-1',
      secret: body.secret,
      qrCode: body.qr_code,
      recoveryCodes: ['aaaa-bbbb-cccc'],
    })
  })

  it.each([
    ['a QR code that is not a PNG data URL', { qr_code: 'javascript:alert(1)' }],
    ['a secret that is not base32', { secret: 'not a secret at all!' }],
    ['no recovery codes', { recovery_codes: [] }],
  ])('fails closed on %s', (_what, overrides) => {
    badResponse(() =>
      parseResponse(totpRegistrationSchema, { ...body, ...overrides }, 'totps.create'),
    )
  })
})

describe('recoveryGrantSchema', () => {
  it('reads the session and the count of codes left', () => {
    const grant = parseResponse(
      recoveryGrantSchema,
      { ...sessionGrantJson(), recovery_codes_remaining: 7 },
      'recovery_codes.recover',
    )
    expect(grant.recoveryCodesRemaining).toBe(7)
    expect(grant.memberSession.memberId).toBe(MEMBER_ID)
  })

  it('fails closed without the count', () => {
    badResponse(() =>
      parseResponse(recoveryGrantSchema, sessionGrantJson(), 'recovery_codes.recover'),
    )
  })
})

describe('recoveryCodesSchema', () => {
  it('fails closed on an empty list: a rotation that hands out nothing is no rotation', () => {
    badResponse(() =>
      parseResponse(recoveryCodesSchema, { recovery_codes: [] }, 'recovery_codes.rotate'),
    )
  })
})
