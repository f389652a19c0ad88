import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  ACME,
  clientError,
  signInWithSdk,
  stytchError,
  useEmulatorHarness,
} from '../helpers/emulator.js'

const harness = useEmulatorHarness()

const signInAdmin = () => signInWithSdk(harness, ACME.slug, ACME.admin.email, ACME.admin.phone)

describe('session JWTs', () => {
  it("pass the SDK's own authenticateJwtLocal with the member session inside", async () => {
    const signedIn = await signInAdmin()
    const session = await harness.client.sessions.authenticateJwtLocal({
      session_jwt: signedIn.session_jwt,
    })
    expect(session).toMatchObject({
      member_session_id: signedIn.member_session?.member_session_id,
      member_id: signedIn.member_id,
      organization_id: signedIn.organization.organization_id,
      organization_slug: ACME.slug,
      roles: ['stytch_member', 'stytch_admin'],
    })
    expect(session.authentication_factors.map((f) => `${f.type}/${f.delivery_method}`)).toEqual([
      'email_otp/email',
      'otp/sms',
    ])
  })

  it('carry Stytch’s header and registered claims, with a 5-minute lifetime', async () => {
    const { session_jwt: jwt, member_id: memberId } = await signInAdmin()
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: expect.stringMatching(/^jwk-test-/) as unknown,
    })
    const claims = decodeJwt(jwt)
    expect(claims).toMatchObject({
      sub: memberId,
      aud: [harness.emulator.projectId],
      iss: `stytch.com/${harness.emulator.projectId}`,
      'https://stytch.com/organization': { slug: ACME.slug },
      'https://stytch.com/session': { attributes: { ip_address: '', user_agent: '' } },
    })
    expect(claims.exp! - claims.iat!).toBe(300)
    expect(claims.nbf).toBe(claims.iat)
  })

  it('follow the emulator clock, so the SDK rejects them 5 minutes later', async () => {
    const { session_jwt: jwt } = await signInAdmin()
    harness.emulator.advanceClock(301)
    const error = await clientError(
      harness.client.sessions.authenticateJwtLocal({
        session_jwt: jwt,
        current_date: harness.emulator.now(),
      }),
    )
    expect(error.code).toBe('jwt_invalid')
  })

  describe('when crafted for attacks', () => {
    const cases = [
      { name: 'signed by a key the JWKS does not list', key: 'foreign' as const },
      { name: 'unsigned with alg none', key: 'none' as const, header: { alg: 'none' } },
      { name: 'typed at+jwt', header: { typ: 'at+jwt' } },
      { name: 'for another audience', claims: { aud: ['project-test-other'] } },
      { name: 'from another issuer', claims: { iss: 'stytch.com/project-test-other' } },
    ]
    for (const { name, key, header, claims } of cases) {
      it(`are rejected by the SDK when ${name}`, async () => {
        const { session_jwt: jwt } = await signInAdmin()
        const forged = harness.emulator.signSessionJwt({
          payload: { ...decodeJwt(jwt), ...claims },
          header,
          key,
        })
        const error = await clientError(
          harness.client.sessions.authenticateJwtLocal({ session_jwt: forged }),
        )
        expect(error.code).toBe('jwt_invalid')
      })
    }

    it('pass the SDK when the emulator signs an honest payload (the control case)', async () => {
      const { session_jwt: jwt } = await signInAdmin()
      const resigned = harness.emulator.signSessionJwt({ payload: decodeJwt(jwt) })
      const session = await harness.client.sessions.authenticateJwtLocal({ session_jwt: resigned })
      expect(session.member_id).toBe(decodeJwt(jwt).sub)
    })
  })
})

describe('POST /v1/b2b/sessions/authenticate', () => {
  describe('with a session token', () => {
    it('returns the session, a fresh JWT, the member and the organization', async () => {
      const signedIn = await signInAdmin()
      const response = await harness.client.sessions.authenticate({
        session_token: signedIn.session_token,
      })
      expect(response).toMatchObject({
        status_code: 200,
        session_token: signedIn.session_token,
        member_session: { member_session_id: signedIn.member_session?.member_session_id },
        member: { member_id: signedIn.member_id },
        organization: { organization_slug: ACME.slug },
      })
      expect(response.session_jwt.split('.')).toHaveLength(3)
    })

    it('does not extend the session without session_duration_minutes', async () => {
      const signedIn = await signInAdmin()
      harness.emulator.advanceClock(600)
      const response = await harness.client.sessions.authenticate({
        session_token: signedIn.session_token,
      })
      expect(response.member_session.expires_at).toBe(signedIn.member_session?.expires_at)
      expect(response.member_session.last_accessed_at).not.toBe(
        signedIn.member_session?.last_accessed_at,
      )
    })

    it('extends the session by session_duration_minutes from now', async () => {
      const signedIn = await signInAdmin()
      harness.emulator.advanceClock(600)
      const response = await harness.client.sessions.authenticate({
        session_token: signedIn.session_token,
        session_duration_minutes: 120,
      })
      const expiresAt = Date.parse(response.member_session.expires_at)
      expect(expiresAt - harness.emulator.now().getTime()).toBeGreaterThan(119 * 60_000)
    })
  })

  describe('with a JWT whose exp has passed while the session lives', () => {
    it('accepts it and returns a new JWT the SDK verifies', async () => {
      const signedIn = await signInAdmin()
      harness.emulator.advanceClock(400)
      const response = await harness.client.sessions.authenticate({
        session_jwt: signedIn.session_jwt,
      })
      expect(response.session_jwt).not.toBe(signedIn.session_jwt)
      expect(decodeJwt(response.session_jwt).exp).toBeGreaterThan(
        decodeJwt(signedIn.session_jwt).exp!,
      )
      const local = await harness.client.sessions.authenticateJwtLocal({
        session_jwt: response.session_jwt,
        current_date: harness.emulator.now(),
      })
      expect(local.member_session_id).toBe(signedIn.member_session?.member_session_id)
    })
  })

  describe('when the session has expired', () => {
    it('answers 404 session_not_found', async () => {
      const signedIn = await signInAdmin()
      harness.emulator.advanceClock(60 * 60)
      const error = await stytchError(
        harness.client.sessions.authenticate({ session_token: signedIn.session_token }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
    })
  })

  describe('when the token is unknown', () => {
    it('answers 404 session_not_found', async () => {
      const error = await stytchError(
        harness.client.sessions.authenticate({ session_token: 'no-such-token' }),
      )
      expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
    })
  })

  describe('when the JWT is signed by a foreign key', () => {
    it('answers 404 session_not_found', async () => {
      const { session_jwt: jwt } = await signInAdmin()
      const forged = harness.emulator.signSessionJwt({ payload: decodeJwt(jwt), key: 'foreign' })
      const error = await stytchError(harness.client.sessions.authenticate({ session_jwt: forged }))
      expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
    })
  })

  describe('when the JWT is not a JWT', () => {
    it('answers 400 unable_to_parse_session_jwt', async () => {
      const error = await stytchError(harness.client.sessions.authenticate({ session_jwt: 'nope' }))
      expect(error).toMatchObject({ status_code: 400, error_type: 'unable_to_parse_session_jwt' })
    })
  })

  describe('when both a token and a JWT are passed', () => {
    it('answers 400 too_many_session_arguments', async () => {
      const signedIn = await signInAdmin()
      const error = await stytchError(
        harness.client.sessions.authenticate({
          session_token: signedIn.session_token,
          session_jwt: signedIn.session_jwt,
        }),
      )
      expect(error).toMatchObject({ status_code: 400, error_type: 'too_many_session_arguments' })
    })
  })

  describe('when neither is passed', () => {
    it('answers 400 no_session_arguments', async () => {
      const error = await stytchError(harness.client.sessions.authenticate({}))
      expect(error).toMatchObject({ status_code: 400, error_type: 'no_session_arguments' })
    })
  })
})

describe('POST /v1/b2b/sessions/revoke', () => {
  const revokers = [
    [
      'session_token',
      (s: Awaited<ReturnType<typeof signInAdmin>>) => ({ session_token: s.session_token }),
    ],
    [
      'session_jwt',
      (s: Awaited<ReturnType<typeof signInAdmin>>) => ({ session_jwt: s.session_jwt }),
    ],
    [
      'member_session_id',
      (s: Awaited<ReturnType<typeof signInAdmin>>) => ({
        member_session_id: s.member_session?.member_session_id ?? '',
      }),
    ],
  ] as const
  for (const [field, select] of revokers) {
    it(`revokes the session named by ${field}`, async () => {
      const signedIn = await signInAdmin()
      const response = await harness.client.sessions.revoke(select(signedIn))
      expect(response.status_code).toBe(200)
      expect(response.request_id).toMatch(/^request-id-test-/)
      const error = await stytchError(
        harness.client.sessions.authenticate({ session_token: signedIn.session_token }),
      )
      expect(error.error_type).toBe('session_not_found')
    })
  }

  it('revokes every session of a member_id', async () => {
    const first = await signInAdmin()
    const second = await signInAdmin()
    await harness.client.sessions.revoke({ member_id: first.member_id })
    for (const { session_token: token } of [first, second]) {
      const error = await stytchError(
        harness.client.sessions.authenticate({ session_token: token }),
      )
      expect(error.error_type).toBe('session_not_found')
    }
  })

  it('answers 404 session_not_found for an unknown session', async () => {
    const error = await stytchError(harness.client.sessions.revoke({ session_token: 'nope' }))
    expect(error).toMatchObject({ status_code: 404, error_type: 'session_not_found' })
  })

  it('answers 400 no_session_revoke_arguments without arguments', async () => {
    const error = await stytchError(harness.client.sessions.revoke({}))
    expect(error).toMatchObject({ status_code: 400, error_type: 'no_session_revoke_arguments' })
  })

  it('answers 400 too_many_session_revoke_arguments with two', async () => {
    const signedIn = await signInAdmin()
    const error = await stytchError(
      harness.client.sessions.revoke({
        session_token: signedIn.session_token,
        member_id: signedIn.member_id,
      }),
    )
    expect(error).toMatchObject({
      status_code: 400,
      error_type: 'too_many_session_revoke_arguments',
    })
  })
})

describe('GET /v1/b2b/sessions/jwks/{project_id}', () => {
  it("lists the RSA key that signs the JWTs, in the SDK's JWK shape", async () => {
    const { session_jwt: jwt } = await signInAdmin()
    const response = await harness.client.sessions.getJWKS({
      project_id: harness.emulator.projectId,
    })
    expect(response.status_code).toBe(200)
    expect(response.keys).toEqual([
      {
        kty: 'RSA',
        use: 'sig',
        key_ops: ['verify'],
        alg: 'RS256',
        kid: decodeProtectedHeader(jwt).kid,
        n: expect.stringMatching(/^[\w-]{300,}$/) as unknown,
        e: 'AQAB',
        x5c: [],
        x5tS256: '',
      },
    ])
  })

  it('answers without Basic auth, as jose fetches it without', async () => {
    const path = `/v1/b2b/sessions/jwks/${harness.emulator.projectId}`
    const response = await fetch(new URL(path, harness.emulator.url))
    expect(response.status).toBe(200)
    expect(harness.emulator.calls(path)).toBe(1)
  })

  it('answers 404 for another project id', async () => {
    const response = await fetch(
      new URL('/v1/b2b/sessions/jwks/project-test-other', harness.emulator.url),
    )
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({
      status_code: 404,
      error_type: 'project_not_found',
    })
  })
})
