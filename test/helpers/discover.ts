/** A discovery login as a client drives it: an email alone, the code, then an organization. */
import { expect } from 'vitest'
import type { Response } from 'supertest'
import type { Emulator } from '../../src/emulator/index.js'
import type { Client, SendOptions } from './client.js'

/** Sends and verifies a discovery code for `email`: the answer lists the organizations. */
export async function discover(
  client: Client,
  emulator: Emulator,
  email: string,
  options: SendOptions & { readonly returnTo?: string } = {},
): Promise<Response> {
  const { returnTo, ...send } = options
  const sent = await client.post(
    '/auth/discovery/send',
    { email, ...(returnTo === undefined ? {} : { returnTo }) },
    send,
  )
  expect(sent.status, sent.text).toBe(options.browser === true ? 303 : 200)
  const code = emulator.lastCode(email)
  expect(code, `a discovery code sent to ${email}`).toBeDefined()
  return client.post('/auth/discovery/verify', { code }, send)
}

/** The id of the organization `slug` in a list the library answered with. */
export function idOf(organizations: unknown, slug: string): string {
  const list = organizations as readonly { organizationId: string; organizationSlug: string }[]
  const found = list.find((organization) => organization.organizationSlug === slug)
  expect(found, `${slug} among the organizations`).toBeDefined()
  return found?.organizationId ?? ''
}
