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

/** What the steps need of a client: a POST (JSON or form) and what it answered. */
export interface StepClient<Answer extends StepAnswer = StepAnswer> {
  post(path: string, body: Record<string, string>): Promise<Answer>
}

interface StepAnswer {
  readonly status: number
  readonly text: string
}

export interface StepOptions {
  /** The organization named at the email step. @default 'acme' */
  readonly organization?: string
  /** What each request answers: 200 for an API client, 303 for a browser. @default 200 */
  readonly status?: number
  /** Where the email step asks to land once signed in. */
  readonly returnTo?: string
}

async function post<Answer extends StepAnswer>(
  client: StepClient<Answer>,
  path: string,
  body: Record<string, string>,
  status: number,
): Promise<Answer> {
  const res = await client.post(path, body)
  expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(status)
  return res
}

function lastCode(emulator: Emulator, to: string): string {
  const code = emulator.lastCode(to)
  expect(code, `a code sent to ${to}`).toBeDefined()
  return code ?? ''
}

/**
 * Sends and verifies the email code; the client then holds the pending (IST) cookie.
 * @returns the answer to the verification.
 */
export async function passEmailStep<Answer extends StepAnswer>(
  client: StepClient<Answer>,
  emulator: Emulator,
  member: Member = ADMIN,
  options: StepOptions = {},
): Promise<Answer> {
  const status = options.status ?? 200
  const send: Record<string, string> = {
    email: member.email,
    organization: options.organization ?? 'acme',
  }
  if (options.returnTo !== undefined) send.returnTo = options.returnTo
  await post(client, '/auth/email/send', send, status)
  return post(client, '/auth/email/verify', { code: lastCode(emulator, member.email) }, status)
}

/**
 * Verifies the SMS code Stytch sent at the email step; the client then holds a session.
 * @returns the answer to the verification.
 */
export async function passSmsStep<Answer extends StepAnswer>(
  client: StepClient<Answer>,
  emulator: Emulator,
  member: Member = ADMIN,
  options: StepOptions = {},
): Promise<Answer> {
  const code = lastCode(emulator, member.phone ?? ADMIN.phone)
  return post(client, '/auth/sms/verify', { code }, options.status ?? 200)
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
