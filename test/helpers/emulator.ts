/**
 * One emulator and one official SDK client per test file (started in beforeAll, reset before
 * each test), plus small assertions for the emulator's own tests.
 */
import { B2BClient, ClientError, RequestError, StytchError } from 'stytch'
import { afterAll, beforeAll, beforeEach, vi } from 'vitest'
import { startEmulator, type Emulator, type EmulatorSeed } from '../../src/emulator/index.js'
import { ADMIN, ENROLLED, NEWCOMER, PLAIN, VERIFIED, emulatorSeed } from './seed.js'

/** The emulator seed's organizations by slug, with their members. */
export const ACME = { slug: 'acme', admin: ADMIN, verified: VERIFIED, newcomer: NEWCOMER } as const
export const BETA = { slug: 'beta', plain: PLAIN, enrolled: ENROLLED } as const

export interface Harness {
  readonly emulator: Emulator
  readonly client: B2BClient
}

/** Starts the emulator with `seed` (default `emulatorSeed`, seed.ts) and an SDK client on it. */
export function useEmulatorHarness(seed: EmulatorSeed = emulatorSeed): Harness {
  let emulator: Emulator | undefined
  let client: B2BClient | undefined
  beforeAll(async () => {
    // The SDK warns about a custom `env` on every client: expected here.
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    // Sequential codes: never two equal in a row, so "the old code" is always a different one.
    let sent = 0
    emulator = await startEmulator({
      seed,
      generateCode: () => String(100_000 + (sent++ % 900_000)),
    })
    client = new B2BClient({
      project_id: emulator.projectId,
      secret: emulator.secret,
      env: emulator.url,
    })
  })
  beforeEach(() => {
    emulator?.reset()
  })
  afterAll(async () => {
    await emulator?.close()
  })
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator is started in beforeAll')
      return emulator
    },
    get client() {
      if (!client) throw new Error('the client is created in beforeAll')
      return client
    },
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail, it succeeded')
}

/** The `StytchError` a call rejects with (fails the test on success or another error). */
export async function stytchError(promise: Promise<unknown>): Promise<StytchError> {
  const error = await rejection(promise)
  if (error instanceof StytchError) return error
  throw new Error(`expected a StytchError, got ${String(error)}`)
}

/** The `RequestError` (transport or unparsable body) a call rejects with. */
export async function requestError(promise: Promise<unknown>): Promise<RequestError> {
  const error = await rejection(promise)
  if (error instanceof RequestError) return error
  throw new Error(`expected a RequestError, got ${String(error)}`)
}

/** The `ClientError` (local JWT check) a call rejects with. */
export async function clientError(promise: Promise<unknown>): Promise<ClientError> {
  const error = await rejection(promise)
  if (error instanceof ClientError) return error
  throw new Error(`expected a ClientError, got ${String(error)}`)
}

/**
 * Runs the email step for a member of an MFA-requiring organization and returns what the SMS
 * step needs: `smsStep` names the organization, the member and the intermediate session, as
 * every SMS call of this login does.
 */
export async function emailStepWithSdk(harness: Harness, organization: string, email: string) {
  const { client, emulator } = harness
  await client.otps.email.loginOrSignup({ organization_id: organization, email_address: email })
  const code = emulator.lastCode(email)
  if (code === undefined) throw new Error(`no email code was sent to ${email}`)
  const response = await client.otps.email.authenticate({
    organization_id: organization,
    email_address: email,
    code,
  })
  return {
    response,
    organizationId: response.organization_id,
    memberId: response.member_id,
    ist: response.intermediate_session_token,
    smsStep: {
      organization_id: response.organization_id,
      member_id: response.member_id,
      intermediate_session_token: response.intermediate_session_token,
    },
  }
}

/** Email step, then the SMS code sent automatically: a full session with both factors. */
export async function signInWithSdk(
  harness: Harness,
  organization: string,
  email: string,
  phone: string,
) {
  const { smsStep } = await emailStepWithSdk(harness, organization, email)
  const code = harness.emulator.lastCode(phone)
  if (code === undefined) throw new Error(`no SMS code was sent to ${phone}`)
  return harness.client.otps.sms.authenticate({ ...smsStep, code })
}
