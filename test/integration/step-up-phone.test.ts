/**
 * Step-up with a phone number in the body: a signed-in member whose session has no SMS factor
 * asks for a code and names a number. A member who has a phone gets the code on it, and the
 * named number never leaves the library; a member without one follows the enrolment rules.
 */
import { createServer, type Server } from 'node:http'
import { B2BClient } from 'stytch'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import type { StytchMfaOptions } from '../../src/express/index.js'
import { frameworks, type Framework, type TestApp } from '../helpers/apps.js'
import { Client } from '../helpers/client.js'
import { listenOnLoopback, type Listening } from '../helpers/processes.js'
import { PLAIN, seed } from '../helpers/seed.js'

/** A member of Beta (MFA optional) who has a phone but never enrolled in MFA. */
const PHONED = { email: 'phoned@beta.test', phone: '+12025550133' } as const
/** A US number, so that it passes the default allowed countries were it ever checked. */
const ATTACKER_PHONE = '+12025550199'
/** The member's own new number, in the enrolment case. */
const NEW_PHONE = '+12025550144'

const SMS_SEND = '/v1/b2b/otps/sms/send'
const MEMBERS_GET = '/v1/b2b/organizations/'

interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly body: string
}

/** Stands between the library and the emulator and keeps every request as sent. */
class RecordingProxy {
  readonly seen: SeenRequest[] = []
  readonly #server: Server
  #listening: Listening | undefined

  constructor(target: string) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const path = req.url ?? '/'
        const method = req.method ?? 'GET'
        this.seen.push({ method, path, body })
        const headers: Record<string, string> = {}
        for (const name of ['authorization', 'content-type']) {
          const value = req.headers[name]
          if (typeof value === 'string') headers[name] = value
        }
        void fetch(new URL(path, target), {
          method,
          headers,
          ...(body === '' ? {} : { body }),
        }).then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' })
          res.end(await answer.text())
        })
      })
    })
  }

  async listen(): Promise<string> {
    this.#listening = await listenOnLoopback(this.#server)
    return `${this.#listening.origin}/`
  }

  /** Everything the library sent, paths and bodies, as one string to search. */
  everything(): string {
    return this.seen.map((request) => `${request.path} ${request.body}`).join('\n')
  }

  count(method: string, pathPrefix: string): number {
    return this.seen.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length
  }

  async close(): Promise<void> {
    await this.#listening?.close()
  }
}

let emulator: Emulator
let proxy: RecordingProxy
let proxyUrl: string
let stytch: B2BClient

beforeAll(async () => {
  // The SDK warns once per client about a custom base URL; that is expected here.
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  const [acme, beta] = seed.organizations
  if (!acme || !beta) throw new Error('the shared seed has Acme and Beta')
  emulator = await startEmulator({
    seed: {
      organizations: [
        acme,
        {
          ...beta,
          members: [
            ...(beta.members ?? []),
            { email_address: PHONED.email, mfa_phone_number: PHONED.phone },
          ],
        },
      ],
    },
  })
  proxy = new RecordingProxy(emulator.origin)
  proxyUrl = await proxy.listen()
  stytch = new B2BClient({
    project_id: emulator.projectId,
    secret: emulator.secret,
    env: emulator.url,
  })
})

beforeEach(() => {
  emulator.reset()
  proxy.seen.length = 0
})

afterAll(async () => {
  await proxy.close()
  await emulator.close()
})

/** The framework's test app, talking to Stytch through the recording proxy. */
function build(framework: Framework, options: Partial<StytchMfaOptions> = {}): TestApp {
  return framework.build(emulator, {
    options: {
      stytch: {
        projectId: emulator.projectId,
        secret: emulator.secret,
        baseUrl: proxyUrl,
        timeoutMs: 1000,
      },
      ...options,
    },
  })
}

/** Signs in with the email code only: Beta does not require MFA, so a session exists. */
async function signInWithEmailOnly(app: TestApp, email: string): Promise<Client> {
  const client = new Client(app.listener)
  const sent = await client.post('/auth/email/send', { email, organization: 'beta' })
  expect(sent.status, JSON.stringify(sent.body)).toBe(200)
  const verified = await client.post('/auth/email/verify', { code: emulator.lastCode(email) })
  expect(verified.status, JSON.stringify(verified.body)).toBe(200)
  const guarded = await client.get('/admin')
  expect(guarded.body.code).toBe('mfa_required')
  return client
}

async function storedPhoneOf(email: string): Promise<string> {
  const { member } = await stytch.organizations.members.get({
    organization_id: 'beta',
    email_address: email,
  })
  return member.mfa_phone_number
}

describe.each(frameworks)('step-up with a phone number on $name', (framework) => {
  describe('when the member already has a phone', () => {
    it("sends the code to the member's own phone and never lets the attacker's number reach Stytch", async () => {
      // Enrolment on: the setting under which a forwarded number could have been bound.
      const app = build(framework, { phoneEnrollment: { enabled: true } })
      const client = await signInWithEmailOnly(app, PHONED.email)

      const res = await client.post('/auth/sms/send', { phoneNumber: ATTACKER_PHONE })

      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body).toMatchObject({ status: 'sms_sent', phoneNumber: '+1 ••••••0133' })
      expect(emulator.outbox({ channel: 'sms' }).map((message) => message.to)).toEqual([
        PHONED.phone,
      ])
      expect(proxy.everything()).not.toContain(ATTACKER_PHONE.slice(2))
      expect(proxy.count('POST', SMS_SEND)).toBe(1)
      expect(await storedPhoneOf(PHONED.email)).toBe(PHONED.phone)
      // The code on the member's own phone completes the step-up.
      const code = emulator.lastCode(PHONED.phone)
      expect((await client.post('/auth/sms/verify', { code })).status).toBe(200)
      expect((await client.get('/admin')).status).toBe(200)
    })

    it('asks Stytch about the member only when the body names a number', async () => {
      const app = build(framework, { limits: { smsCooldownSeconds: 0 } })
      const client = await signInWithEmailOnly(app, PHONED.email)
      expect((await client.post('/auth/sms/send')).status).toBe(200)
      expect(proxy.count('GET', MEMBERS_GET)).toBe(0)
      expect((await client.post('/auth/sms/send', { phoneNumber: ATTACKER_PHONE })).status).toBe(
        200,
      )
      expect(proxy.count('GET', MEMBERS_GET)).toBe(1)
      expect(emulator.outbox({ to: ATTACKER_PHONE })).toEqual([])
    })
  })

  describe('when the member has no phone', () => {
    it('refuses with phone_enrollment_disabled and sends nothing while enrolment is off', async () => {
      const app = build(framework)
      const client = await signInWithEmailOnly(app, PLAIN.email)

      const res = await client.post('/auth/sms/send', { phoneNumber: ATTACKER_PHONE })

      expect(res.status).toBe(409)
      expect(res.body.code).toBe('phone_enrollment_disabled')
      expect(proxy.count('POST', SMS_SEND)).toBe(0)
      expect(emulator.outbox({ channel: 'sms' })).toEqual([])
      expect(await storedPhoneOf(PLAIN.email)).toBe('')
    })

    it('enrols the number when enrolment is on, as at login', async () => {
      const app = build(framework, { phoneEnrollment: { enabled: true } })
      const client = await signInWithEmailOnly(app, PLAIN.email)

      const res = await client.post('/auth/sms/send', { phoneNumber: NEW_PHONE })

      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(emulator.outbox({ channel: 'sms' }).map((message) => message.to)).toEqual([NEW_PHONE])
      expect(await storedPhoneOf(PLAIN.email)).toBe(NEW_PHONE)
    })
  })
})
