import { describe, expect, it } from 'vitest'
import {
  startEmulator,
  type Emulator,
  type EmulatorSeed,
  type OutboxMessage,
} from '../../src/emulator/index.js'
import { ACME, BETA, stytchError, useEmulatorHarness } from '../helpers/emulator.js'

const harness = useEmulatorHarness()

function control(path: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(new URL(path, harness.emulator.url), {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T
}

const sendEmail = (email: string, organization: string = ACME.slug) =>
  harness.client.otps.email.loginOrSignup({ organization_id: organization, email_address: email })

describe('GET /__emulator/outbox', () => {
  it('lists every code sent, oldest first, without auth', async () => {
    await sendEmail(ACME.admin.email)
    await sendEmail(BETA.plain.email, BETA.slug)
    const response = await control('/__emulator/outbox')
    expect(response.status).toBe(200)
    const { messages } = await json<{ messages: OutboxMessage[] }>(response)
    expect(messages.map((message) => message.to)).toEqual([ACME.admin.email, BETA.plain.email])
  })

  it('filters by ?to=', async () => {
    await sendEmail(ACME.admin.email)
    await sendEmail(BETA.plain.email, BETA.slug)
    const response = await control(`/__emulator/outbox?to=${encodeURIComponent(BETA.plain.email)}`)
    const { messages } = await json<{ messages: OutboxMessage[] }>(response)
    expect(messages).toMatchObject([{ to: BETA.plain.email, channel: 'email' }])
  })
})

describe('POST /__emulator/clock', () => {
  it('moves the clock forward and answers the new time', async () => {
    const before = harness.emulator.now().getTime()
    const response = await control('/__emulator/clock', {
      method: 'POST',
      body: { advance_seconds: 3600 },
    })
    const { now } = await json<{ now: string }>(response)
    expect(Date.parse(now) - before).toBeGreaterThanOrEqual(3599_000)
    expect(harness.emulator.now().getTime() - before).toBeGreaterThanOrEqual(3600_000)
  })

  it('answers 400 for a negative advance', async () => {
    const response = await control('/__emulator/clock', {
      method: 'POST',
      body: { advance_seconds: -1 },
    })
    expect(response.status).toBe(400)
  })
})

describe('POST /__emulator/faults and DELETE /__emulator/faults', () => {
  it('injects a fault into the next call to the path', async () => {
    const response = await control('/__emulator/faults', {
      method: 'POST',
      body: { path: '/v1/b2b/organizations/acme', fault: { kind: 'status', status: 502 } },
    })
    expect(response.status).toBe(200)
    const error = await stytchError(
      harness.client.organizations.get({ organization_id: ACME.slug }),
    )
    expect(error.status_code).toBe(502)
  })

  it('clears pending faults', async () => {
    await control('/__emulator/faults', {
      method: 'POST',
      body: { path: '/v1/b2b/organizations/acme', fault: { kind: 'hang' }, times: 3 },
    })
    expect((await control('/__emulator/faults', { method: 'DELETE' })).status).toBe(200)
    const ok = await harness.client.organizations.get({ organization_id: ACME.slug })
    expect(ok.status_code).toBe(200)
  })

  it('answers 400 for an unknown fault kind', async () => {
    const response = await control('/__emulator/faults', {
      method: 'POST',
      body: { path: '/v1/b2b/organizations/acme', fault: { kind: 'explode' } },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error_type: 'bad_request' })
  })
})

describe('GET /__emulator/calls', () => {
  it('reports calls per path and sessions minted', async () => {
    await harness.client.organizations.get({ organization_id: ACME.slug })
    await sendEmail(BETA.plain.email, BETA.slug)
    await harness.client.otps.email.authenticate({
      organization_id: BETA.slug,
      email_address: BETA.plain.email,
      code: harness.emulator.lastCode(BETA.plain.email)!,
    })
    const body = await json<Record<string, unknown>>(await control('/__emulator/calls'))
    expect(body).toEqual({
      total: 3,
      by_path: {
        '/v1/b2b/organizations/acme': 1,
        '/v1/b2b/otps/email/login_or_signup': 1,
        '/v1/b2b/otps/email/authenticate': 1,
      },
      sessions_minted: 1,
    })
  })
})

describe('reset', () => {
  async function dirty() {
    harness.emulator.createOrganization({ organization_name: 'Temp', organization_slug: 'temp' })
    await sendEmail(BETA.plain.email, BETA.slug)
    const { session_token: token } = await harness.client.otps.email.authenticate({
      organization_id: BETA.slug,
      email_address: BETA.plain.email,
      code: harness.emulator.lastCode(BETA.plain.email)!,
    })
    harness.emulator.advanceClock(3600)
    harness.emulator.injectFault('/v1/b2b/organizations/acme', { kind: 'status', status: 500 })
    return token
  }

  function expectClean(realNow: number) {
    expect(harness.emulator.outbox()).toEqual([])
    expect(harness.emulator.calls()).toBe(0)
    expect(harness.emulator.sessionsMinted()).toBe(0)
    expect(Math.abs(harness.emulator.now().getTime() - realNow)).toBeLessThan(5000)
  }

  it('POST /__emulator/reset goes back to the seed', async () => {
    await dirty()
    expect((await control('/__emulator/reset', { method: 'POST' })).status).toBe(200)
    expectClean(Date.now())
    expect(
      (await harness.client.organizations.get({ organization_id: ACME.slug })).status_code,
    ).toBe(200)
    const error = await stytchError(harness.client.organizations.get({ organization_id: 'temp' }))
    expect(error.error_type).toBe('organization_not_found')
  })

  it('reset() in code does the same, and old sessions are gone', async () => {
    const token = await dirty()
    harness.emulator.reset()
    expectClean(Date.now())
    const error = await stytchError(harness.client.sessions.authenticate({ session_token: token }))
    expect(error.error_type).toBe('session_not_found')
  })
})

/** One organization `oo` with one member, for emulators a test starts itself. */
const ONE_MEMBER: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'O',
      organization_slug: 'oo',
      members: [{ email_address: 'a@o.test' }],
    },
  ],
}

/** Asks `emulator` for an email code to the one member, as the SDK would. */
function sendMemberCode(emulator: Emulator): Promise<Response> {
  const credentials = Buffer.from(`${emulator.projectId}:${emulator.secret}`).toString('base64')
  return fetch(new URL('/v1/b2b/otps/email/login_or_signup', emulator.url), {
    method: 'POST',
    headers: { authorization: `Basic ${credentials}` },
    body: JSON.stringify({ organization_id: 'oo', email_address: 'a@o.test' }),
  })
}

describe('startEmulator()', () => {
  it('uses the injected clock and code generator, and reports each message', async () => {
    const messages: OutboxMessage[] = []
    const emulator = await startEmulator({
      now: () => Date.parse('2030-01-02T03:04:05Z'),
      generateCode: () => '424242',
      onMessage: (message) => messages.push(message),
      seed: ONE_MEMBER,
    })
    try {
      const response = await sendMemberCode(emulator)
      expect(response.status).toBe(200)
      expect(messages).toMatchObject([
        { code: '424242', sent_at: '2030-01-02T03:04:05Z', to: 'a@o.test' },
      ])
      emulator.advanceClock(60)
      expect(emulator.now().toISOString()).toBe('2030-01-02T03:05:05.000Z')
      expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}/`)
      expect(emulator.origin).toBe(`http://127.0.0.1:${emulator.port}`)
    } finally {
      await emulator.close()
    }
  })

  it('generates random 6-digit codes by default', async () => {
    const emulator = await startEmulator({ seed: ONE_MEMBER })
    try {
      for (let i = 0; i < 5; i += 1) await sendMemberCode(emulator)
      const codes = emulator.outbox().map((message) => message.code)
      expect(codes).toHaveLength(5)
      for (const code of codes) expect(code).toMatch(/^\d{6}$/)
      expect(new Set(codes).size).toBeGreaterThan(1)
    } finally {
      await emulator.close()
    }
  })

  it('rejects a seed with a missing field, naming it', async () => {
    await expect(
      startEmulator({ seed: { organizations: [{ organization_name: 'O' }] } as never }),
    ).rejects.toThrow(/organizations\.0\.organization_slug/)
  })

  it('rejects a seed that breaks a rule of the API, naming the member', async () => {
    await expect(
      startEmulator({
        seed: {
          organizations: [
            {
              organization_name: 'O',
              organization_slug: 'oo',
              members: [{ email_address: 'a@o.test' }, { email_address: 'A@o.test' }],
            },
          ],
        },
      }),
    ).rejects.toThrow('Invalid emulator seed at organizations.0.members.1: duplicate_member_email')
  })

  it('rejects a seed with an unknown key', async () => {
    await expect(
      startEmulator({
        seed: {
          organizations: [{ organization_name: 'O', organization_slug: 'oo', mfa_polcy: 'x' }],
        } as never,
      }),
    ).rejects.toThrow(/organizations\.0: .*mfa_polcy/)
  })

  it('rejects a port that is taken', async () => {
    const first = await startEmulator()
    try {
      await expect(startEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.close()
    }
  })

  it('keeps two emulators fully apart', async () => {
    const [one, two] = await Promise.all([startEmulator(), startEmulator()])
    try {
      one.createOrganization({ organization_name: 'Only here', organization_slug: 'only' })
      one.advanceClock(100)
      expect(() => two.createMember('only', { email_address: 'x@only.test' })).toThrow()
      expect(two.now().getTime()).toBeLessThan(one.now().getTime())
    } finally {
      await Promise.all([one.close(), two.close()])
    }
  })
})
