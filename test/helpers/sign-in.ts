/** Drives the whole sign-in (email code, then SMS code) like a client would. */
import { expect } from 'vitest'
import type { Emulator } from '../../src/emulator/index.js'
import { Client } from './client.js'
import type { TestApp } from './apps.js'
import { ADMIN } from './seed.js'

export interface Member {
  readonly email: string
  readonly phone?: string
}

/** Sends and verifies the email code; the client then holds the pending (IST) cookie. */
export async function passEmailStep(
  client: Client,
  emulator: Emulator,
  member: Member = ADMIN,
  organization = 'acme',
): Promise<void> {
  const sent = await client.post('/auth/email/send', { email: member.email, organization })
  expect(sent.status, JSON.stringify(sent.body)).toBe(200)
  const code = emulator.lastCode(member.email)
  expect(code).toBeDefined()
  const verified = await client.post('/auth/email/verify', { code })
  expect(verified.status, JSON.stringify(verified.body)).toBe(200)
}

/** Signs a member in through both steps; returns the client holding the session. */
export async function signIn(
  app: TestApp,
  emulator: Emulator,
  member: Member = ADMIN,
): Promise<Client> {
  const client = new Client(app.listener)
  await passEmailStep(client, emulator, member)
  const phone = member.phone ?? ADMIN.phone
  const code = emulator.lastCode(phone)
  expect(code).toBeDefined()
  const verified = await client.post('/auth/sms/verify', { code })
  expect(verified.status, JSON.stringify(verified.body)).toBe(200)
  return client
}
