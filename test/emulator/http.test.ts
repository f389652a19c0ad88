import { B2BClient } from 'stytch'
import { describe, expect, it } from 'vitest'
import { ACME, stytchError, useEmulatorHarness } from '../helpers/emulator.js'

const harness = useEmulatorHarness()

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

function api(path: string, init: RequestInit = {}, auth = true): Promise<Response> {
  const { emulator } = harness
  const headers = new Headers(init.headers)
  if (auth) headers.set('authorization', basic(emulator.projectId, emulator.secret))
  headers.set('content-type', 'application/json')
  return fetch(new URL(path, emulator.url), { ...init, headers })
}

describe('Basic auth on /v1/ routes', () => {
  describe('when the secret is wrong', () => {
    it('answers 401 unauthorized_credentials through the SDK, and counts no call', async () => {
      const client = new B2BClient({
        project_id: harness.emulator.projectId,
        secret: 'secret-test-wrong',
        env: harness.emulator.url,
      })
      const error = await stytchError(client.organizations.get({ organization_id: ACME.slug }))
      expect(error).toMatchObject({
        status_code: 401,
        error_type: 'unauthorized_credentials',
        error_message: 'Unauthorized credentials.',
        error_url:
          'https://stytch.com/docs/api-reference/b2b/api/errors/401#unauthorized_credentials',
      })
      expect(error.request_id).toMatch(/^request-id-test-[0-9a-f-]{36}$/)
      expect(harness.emulator.calls()).toBe(0)
    })
  })

  describe('when the project id is wrong', () => {
    it('answers 401 unauthorized_credentials', async () => {
      const response = await api(
        '/v1/b2b/organizations/acme',
        {
          headers: { authorization: basic('project-test-other', harness.emulator.secret) },
        },
        false,
      )
      expect(response.status).toBe(401)
    })
  })

  describe('when the header is missing', () => {
    it('answers 401 in Stytch’s error shape', async () => {
      const response = await api('/v1/b2b/organizations/acme', {}, false)
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(Object.keys((await response.json()) as object).sort()).toEqual([
        'error_message',
        'error_type',
        'error_url',
        'request_id',
        'status_code',
      ])
    })
  })

  it('counts authenticated calls per path', async () => {
    await harness.client.organizations.get({ organization_id: ACME.slug })
    await harness.client.organizations.get({ organization_id: ACME.slug })
    expect(harness.emulator.calls('/v1/b2b/organizations/acme')).toBe(2)
    expect(harness.emulator.calls()).toBe(2)
  })
})

describe('routing', () => {
  it('wraps every success in request_id and status_code 200', async () => {
    const response = await api('/v1/b2b/organizations/acme')
    const body = (await response.json()) as Record<string, unknown>
    expect(response.status).toBe(200)
    expect(body.status_code).toBe(200)
    expect(body.request_id).toMatch(/^request-id-test-/)
  })

  it('answers an unknown /v1/ route with 404 route_not_found', async () => {
    const response = await api('/v1/b2b/nothing/here', { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ status_code: 404, error_type: 'route_not_found' })
  })

  it('answers a path outside /v1/ with 404 without asking for auth', async () => {
    const response = await fetch(new URL('/favicon.ico', harness.emulator.url))
    expect(response.status).toBe(404)
  })

  it('answers a known path with the wrong method with 405 method_not_allowed', async () => {
    const response = await api('/v1/b2b/otps/sms/send', { method: 'GET' })
    expect(response.status).toBe(405)
    expect(await response.json()).toMatchObject({ error_type: 'method_not_allowed' })
  })

  it('answers a body that is not JSON with 400 bad_request', async () => {
    const response = await api('/v1/b2b/otps/sms/send', {
      method: 'POST',
      body: '{"organization_id":',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error_type: 'bad_request' })
  })

  it('answers a field of the wrong type with 400 bad_request naming it', async () => {
    const response = await api('/v1/b2b/otps/sms/send', {
      method: 'POST',
      body: JSON.stringify({ organization_id: 'acme', member_id: 42 }),
    })
    const body = (await response.json()) as { error_message: string }
    expect(response.status).toBe(400)
    expect(body.error_message).toContain('member_id')
  })

  it('answers a body over 1 MB with 413', async () => {
    const response = await api('/v1/b2b/organizations', {
      method: 'POST',
      body: JSON.stringify({ organization_name: 'x'.repeat(1024 * 1024 + 1) }),
    })
    expect(response.status).toBe(413)
  })
})
