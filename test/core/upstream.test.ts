import { describe, expect, it } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import type { MfaEvent } from '../../src/core/events.js'
import { createOperatorLog } from '../../src/core/logger.js'
import {
  describeFailure,
  observePort,
  startSelfCheck,
  upstreamFailure,
  type UpstreamFailure,
} from '../../src/core/upstream.js'
import type { StytchPort } from '../../src/core/ports/stytch.js'

const unauthorized = () =>
  new MfaError('stytch_error', 'Stytch refused the project id and secret', {
    stytchStatus: 401,
    stytchErrorType: 'unauthorized_credentials',
    requestId: 'request-id-test-1',
  })

/** A port whose every call fails with `error`. */
function portFailingWith(error: Error): StytchPort {
  return portOf(() => Promise.reject(error))
}

/** A port whose every call ends as `call` says. */
function portOf(call: () => Promise<unknown>): StytchPort {
  return {
    sendEmailOtp: call,
    authenticateEmailOtp: call,
    sendSmsOtp: call,
    getMember: call,
    authenticateSmsOtp: call,
    authenticateSession: call,
    verifySessionJwt: call,
    revokeSession: call,
  } as unknown as StytchPort
}

function recorder() {
  const events: MfaEvent[] = []
  const lines: { level: string; message: string }[] = []
  const log = createOperatorLog(
    {
      warn: (message) => lines.push({ level: 'warn', message }),
      error: (message) => lines.push({ level: 'error', message }),
    },
    () => 0,
  )
  return { events, lines, log, emit: (event: MfaEvent) => events.push(event) }
}

describe('observePort()', () => {
  it('reports a Stytch outage on the SMS step with the ids it was given, and passes the error on unchanged', async () => {
    const outage = new MfaError('stytch_unavailable', 'Stytch answered 503', {
      stytchStatus: 503,
      requestId: 'request-id-test-2',
    })
    const seen: UpstreamFailure[] = []
    const port = observePort(portFailingWith(outage), (failure) => seen.push(failure))
    const sending = port.sendSmsOtp({
      organizationId: 'organization-test-1',
      memberId: 'member-test-1',
      credential: { kind: 'intermediate_session_token', token: 'ist-secret-value' },
    })
    await expect(sending).rejects.toBe(outage)
    expect(seen).toEqual([
      {
        operation: 'otps.sms.send',
        code: 'stytch_unavailable',
        stytchErrorType: undefined,
        stytchStatus: 503,
        requestId: 'request-id-test-2',
        memberId: 'member-test-1',
        organizationId: 'organization-test-1',
      },
    ])
    expect(JSON.stringify(seen)).not.toContain('ist-secret-value')
  })

  it('reports nothing for what the user did: a wrong code, an unknown session, an organization typed wrong', async () => {
    const seen: UpstreamFailure[] = []
    const wrongCode = observePort(portFailingWith(new MfaError('otp_invalid')), (f) => seen.push(f))
    await expect(
      wrongCode.authenticateSmsOtp({
        organizationId: 'o',
        memberId: 'm',
        code: '000000',
        credential: { kind: 'intermediate_session_token', token: 't' },
        sessionDurationMinutes: 60,
      }),
    ).rejects.toThrow()
    const gone = observePort(portFailingWith(new MfaError('not_signed_in')), (f) => seen.push(f))
    await expect(gone.authenticateSession({ sessionToken: 't' })).rejects.toThrow()
    const typo = new MfaError('stytch_error', 'Stytch answered 404 organization_not_found', {
      stytchStatus: 404,
      stytchErrorType: 'organization_not_found',
    })
    const email = observePort(portFailingWith(typo), (f) => seen.push(f))
    await expect(
      email.sendEmailOtp({ organizationId: 'acme-typo', emailAddress: 'a@acme.test' }),
    ).rejects.toBe(typo)
    expect(seen).toEqual([])
  })

  it('reports a refused secret at the email step, which no typist causes', async () => {
    const seen: UpstreamFailure[] = []
    const port = observePort(portFailingWith(unauthorized()), (f) => seen.push(f))
    await expect(
      port.sendEmailOtp({ organizationId: 'acme', emailAddress: 'admin@acme.test' }),
    ).rejects.toThrow()
    expect(seen).toMatchObject([
      { operation: 'otps.email.login_or_signup', stytchErrorType: 'unauthorized_credentials' },
    ])
    expect(JSON.stringify(seen)).not.toMatch(/admin@acme\.test|"acme"/)
  })

  it('counts anything but an MfaError from a port of the app’s own as an outage', async () => {
    const seen: UpstreamFailure[] = []
    const port = observePort(portFailingWith(new TypeError('boom')), (f) => seen.push(f))
    await expect(port.revokeSession({ memberSessionId: 'x' })).rejects.toThrow('boom')
    expect(seen).toMatchObject([{ operation: 'sessions.revoke', code: 'stytch_unavailable' }])
  })
})

describe('describeFailure()', () => {
  it('says a refused project id and secret in one line with the request id and what to check', () => {
    const failure = upstreamFailure('otps.sms.send', unauthorized())
    expect(failure).toBeDefined()
    expect(describeFailure(failure as UpstreamFailure)).toBe(
      "stytch-b2b-mfa: Stytch refused the project id and secret during a request (401, unauthorized_credentials, request_id request-id-test-1): check STYTCH_PROJECT_ID / STYTCH_SECRET (the stytch option's projectId and secret)",
    )
  })

  it('repeats no error_type or request id that is not an identifier (a proxy may answer anything)', () => {
    const failure = upstreamFailure(
      'sessions.authenticate',
      new MfaError('stytch_error', 'x', {
        stytchStatus: 400,
        stytchErrorType: 'bad <b>html</b> from a proxy',
        requestId: 'tok\r\nX-Injected: 1',
      }),
    )
    const line = describeFailure(failure as UpstreamFailure)
    expect(line).toBe(
      'stytch-b2b-mfa: Stytch call sessions.authenticate failed during a request with stytch_error (400): Stytch refused the call',
    )
  })

  it('tells an unreachable Stytch from one that answered with a failure', () => {
    const unreachable = upstreamFailure('sessions.revoke', new MfaError('stytch_unavailable'))
    const failed = upstreamFailure(
      'sessions.revoke',
      new MfaError('stytch_unavailable', 'x', { stytchStatus: 500 }),
    )
    expect(describeFailure(unreachable as UpstreamFailure)).toMatch(
      /could not be reached: check the network and the stytch option baseUrl$/,
    )
    expect(describeFailure(failed as UpstreamFailure)).toMatch(/\(500\): Stytch failed$/)
  })

  it('takes a 401 of another type during a request for the client’s token, not the secret', () => {
    const failure = upstreamFailure(
      'sessions.authenticate',
      new MfaError('stytch_error', 'x', { stytchStatus: 401, stytchErrorType: 'session_expired' }),
    )
    expect(describeFailure(failure as UpstreamFailure)).not.toMatch(/project id and secret/)
  })
})

describe('startSelfCheck()', () => {
  it('logs one error line and reports the event when Stytch refuses the project id and secret', async () => {
    const { events, lines, log, emit } = recorder()
    await startSelfCheck(portFailingWith(unauthorized()), emit, log)
    expect(lines).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^stytch-b2b-mfa: Stytch refused the project id and secret at the startup check \(401, unauthorized_credentials, request_id request-id-test-1\): check STYTCH_PROJECT_ID \/ STYTCH_SECRET/,
        ) as unknown,
      },
    ])
    expect(events).toEqual([
      {
        type: 'upstream_failed',
        operation: 'organizations.members.get',
        code: 'stytch_error',
        stytchErrorType: 'unauthorized_credentials',
        stytchStatus: 401,
        requestId: 'request-id-test-1',
        memberId: undefined,
        organizationId: undefined,
        selfCheck: true,
      },
    ])
  })

  it('stays quiet when Stytch finds no such member: the credentials were accepted', async () => {
    const { events, lines, log, emit } = recorder()
    const notFound = new MfaError('stytch_error', 'x', {
      stytchStatus: 404,
      stytchErrorType: 'organization_not_found',
    })
    await startSelfCheck(portFailingWith(notFound), emit, log)
    await startSelfCheck(
      portOf(() => Promise.resolve({ requestId: 'r' })),
      emit,
      log,
    )
    expect(lines).toEqual([])
    expect(events).toEqual([])
  })

  it('warns when Stytch cannot be reached at startup, without claiming the secret is wrong', async () => {
    const { events, lines, log, emit } = recorder()
    await startSelfCheck(portFailingWith(new MfaError('stytch_timeout')), emit, log)
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(/startup check with stytch_timeout/) as unknown,
      },
    ])
    expect(lines[0]?.message).not.toMatch(/project id and secret/)
    expect(events).toMatchObject([
      { type: 'upstream_failed', code: 'stytch_timeout', selfCheck: true },
    ])
  })

  it('never throws, even from a port that throws synchronously', async () => {
    const { log, emit } = recorder()
    const port = {
      getMember: () => {
        throw new Error('not a promise')
      },
    } as unknown as StytchPort
    await expect(startSelfCheck(port, emit, log)).resolves.toBeUndefined()
  })
})
