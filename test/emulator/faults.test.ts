import { describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'
import { ACME, requestError, stytchError, useEmulatorHarness } from '../helpers/emulator.js'

const harness = useEmulatorHarness()

const GET_ACME = '/v1/b2b/organizations/acme'
const getAcme = () => harness.client.organizations.get({ organization_id: ACME.slug })
const sendEmail = () =>
  harness.client.otps.email.loginOrSignup({
    organization_id: ACME.slug,
    email_address: ACME.admin.email,
  })

function rawGet(path: string, signal: AbortSignal): Promise<Response> {
  const { emulator } = harness
  const auth = Buffer.from(`${emulator.projectId}:${emulator.secret}`).toString('base64')
  return fetch(new URL(path, emulator.url), { headers: { authorization: `Basic ${auth}` }, signal })
}

describe('injectFault()', () => {
  describe('with kind status', () => {
    it('answers a Stytch-shaped error the SDK raises as StytchError', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'status', status: 503 })
      const error = await stytchError(getAcme())
      expect(error).toMatchObject({ status_code: 503, error_type: 'server_unavailable' })
      expect(error.error_message).toMatch(/^\(\(.*\)\)$/)
    })

    it('answers the given body when there is one', async () => {
      harness.emulator.injectFault(GET_ACME, {
        kind: 'status',
        status: 429,
        body: {
          status_code: 429,
          request_id: 'r',
          error_type: 'too_many_requests',
          error_message: 'm',
          error_url: 'u',
        },
      })
      const error = await stytchError(getAcme())
      expect(error).toMatchObject({
        status_code: 429,
        error_type: 'too_many_requests',
        request_id: 'r',
      })
    })

    it('hits the next `times` calls only, then the route answers again', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'status', status: 500 }, 2)
      expect((await stytchError(getAcme())).error_type).toBe('internal_server_error')
      expect((await stytchError(getAcme())).error_type).toBe('internal_server_error')
      expect((await getAcme()).status_code).toBe(200)
      expect(harness.emulator.calls(GET_ACME)).toBe(3)
    })

    it('never reaches the route: nothing is sent', async () => {
      harness.emulator.injectFault('/v1/b2b/otps/email/login_or_signup', {
        kind: 'status',
        status: 500,
      })
      await stytchError(sendEmail())
      expect(harness.emulator.outbox()).toEqual([])
    })

    it('applies to the JWKS path as well', async () => {
      const path = `/v1/b2b/sessions/jwks/${harness.emulator.projectId}`
      harness.emulator.injectFault(path, { kind: 'status', status: 503 })
      const error = await stytchError(
        harness.client.sessions.getJWKS({ project_id: harness.emulator.projectId }),
      )
      expect(error.status_code).toBe(503)
    })
  })

  describe('with kind html', () => {
    it('answers an HTML page the SDK cannot parse (RequestError)', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'html', status: 502 })
      const error = await requestError(getAcme())
      expect(error.message).toMatch(/^Unable to parse JSON response from server/)
    })
  })

  describe('with kind malformed', () => {
    it('answers 200 with truncated JSON (RequestError)', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'malformed' })
      const error = await requestError(getAcme())
      expect(error.message).toMatch(/^Unable to parse JSON response from server/)
    })
  })

  describe('with kind respond', () => {
    it('answers any JSON, which the SDK returns unchecked', async () => {
      harness.emulator.injectFault(GET_ACME, {
        kind: 'respond',
        body: { status_code: 200, surprise: true },
      })
      const response: unknown = await getAcme()
      expect(response).toEqual({ status_code: 200, surprise: true })
    })
  })

  describe('with kind reset', () => {
    it('destroys the socket (RequestError)', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'reset' })
      const error = await requestError(getAcme())
      expect(error.message).toBe('fetch failed')
    })
  })

  describe('with kind delay', () => {
    it('answers normally after the delay', async () => {
      harness.emulator.injectFault('/v1/b2b/otps/email/login_or_signup', { kind: 'delay', ms: 150 })
      const started = performance.now()
      const response = await sendEmail()
      expect(performance.now() - started).toBeGreaterThanOrEqual(140)
      expect(response.status_code).toBe(200)
      expect(harness.emulator.outbox()).toHaveLength(1)
    })
  })

  describe('with kind hang', () => {
    it('never sends headers', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'hang' })
      await expect(rawGet(GET_ACME, AbortSignal.timeout(200))).rejects.toMatchObject({
        name: 'TimeoutError',
      })
    })
  })

  describe('with kind stall-body', () => {
    it('sends 200 headers and never finishes the body', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'stall-body' })
      const response = await rawGet(GET_ACME, AbortSignal.timeout(300))
      expect(response.status).toBe(200)
      expect(response.headers.get('content-length')).toBe('1024')
      await expect(response.text()).rejects.toMatchObject({ name: 'TimeoutError' })
    })
  })

  describe('clearFaults()', () => {
    it('drops every pending fault', async () => {
      harness.emulator.injectFault(GET_ACME, { kind: 'status', status: 500 }, 5)
      harness.emulator.clearFaults()
      expect((await getAcme()).status_code).toBe(200)
    })
  })

  it('rejects a times that is not a positive integer', () => {
    expect(() => {
      harness.emulator.injectFault(GET_ACME, { kind: 'hang' }, 0)
    }).toThrow(RangeError)
  })
})

describe('close()', () => {
  it('returns promptly even while a hanging call holds a socket open', async () => {
    const emulator = await startEmulator()
    const path = '/v1/b2b/organizations/x'
    emulator.injectFault(path, { kind: 'hang' })
    const auth = Buffer.from(`${emulator.projectId}:${emulator.secret}`).toString('base64')
    const pending = fetch(new URL(path, emulator.url), {
      headers: { authorization: `Basic ${auth}` },
    })
    await expect.poll(() => emulator.calls(path)).toBe(1)
    const started = performance.now()
    await emulator.close()
    expect(performance.now() - started).toBeLessThan(1000)
    await expect(pending).rejects.toThrow('fetch failed')
  })
})
