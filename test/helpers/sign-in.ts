/**
 * Drives the sign-in (email code, then SMS code) like a client would: a `Client` here, the
 * security suite's `Browser` there (its `ctx.emailStep` and `ctx.signIn` are these steps).
 */
import { expect } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { Client } from './client.js'
import type { TestApp } from './apps.js'
import { ADMIN } from './seed.js'

export interface Member {
  readonly email: string
  readonly phone?: string
}

/** What the steps need of a client: a JSON POST and what it answered. */
export interface StepClient {
  post(
    path: string,
    body: Record<string, unknown>,
  ): Promise<{ readonly status: number; readonly text: string }>
}

export interface StepOptions {
  /** The organization named at the email step. @default 'acme' */
  readonly organization?: string
  /** What each request answers: 200 for an API client, 303 for a browser. @default 200 */
  readonly status?: number
}

async function post(
  client: StepClient,
  path: string,
  body: Record<string, unknown>,
  status: number,
): Promise<void> {
  const res = await client.post(path, body)
  expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(status)
}

function lastCode(emulator: Emulator, to: string): string {
  const code = emulator.lastCode(to)
  expect(code, `a code sent to ${to}`).toBeDefined()
  return code ?? ''
}

/** Sends and verifies the email code; the client then holds the pending (IST) cookie. */
export async function passEmailStep(
  client: StepClient,
  emulator: Emulator,
  member: Member = ADMIN,
  options: StepOptions = {},
): Promise<void> {
  const status = options.status ?? 200
  const organization = options.organization ?? 'acme'
  await post(client, '/auth/email/send', { email: member.email, organization }, status)
  await post(client, '/auth/email/verify', { code: lastCode(emulator, member.email) }, status)
}

/** Verifies the SMS code Stytch sent at the email step; the client then holds a session. */
export async function passSmsStep(
  client: StepClient,
  emulator: Emulator,
  member: Member = ADMIN,
  options: StepOptions = {},
): Promise<void> {
  const code = lastCode(emulator, member.phone ?? ADMIN.phone)
  await post(client, '/auth/sms/verify', { code }, options.status ?? 200)
}

/** Signs a member in through both steps; returns the client holding the session. */
export async function signIn(
  app: TestApp,
  emulator: Emulator,
  member: Member = ADMIN,
): Promise<Client> {
  const client = new Client(app.listener)
  await passEmailStep(client, emulator, member)
  await passSmsStep(client, emulator, member)
  return client
}
