/** @module Emulator-only routes under `/__emulator/` (no auth): outbox, reset, clock, faults, calls. */
import { z } from 'zod'
import { rfc3339 } from './ids.js'
import type { EmulatorContext, Route } from './router.js'
import { parseBody } from './schemas.js'

const status = z.number().int().min(100).max(599)

const faultBody = z.object({
  path: z.string().startsWith('/'),
  times: z.number().int().min(1).optional(),
  fault: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('status'), status, body: z.unknown().optional() }),
    z.object({ kind: z.literal('html'), status }),
    z.object({ kind: z.literal('malformed') }),
    z.object({ kind: z.literal('hang') }),
    z.object({ kind: z.literal('stall-body') }),
    z.object({ kind: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
    z.object({ kind: z.literal('reset') }),
    z.object({ kind: z.literal('respond'), status: status.optional(), body: z.unknown() }),
  ]),
})

const clockBody = z.object({ advance_seconds: z.number().min(0) })

/** Routes for tests and developers; they never count as API calls. */
export function controlRoutes({ state }: EmulatorContext): Route[] {
  const ok = { ok: true }
  return [
    {
      method: 'GET',
      path: '/__emulator/outbox',
      access: 'control',
      handle: ({ query }) => ({
        messages: state.outbox({
          to: query.get('to') ?? undefined,
          channel: query.get('channel') ?? undefined,
        }),
      }),
    },
    {
      method: 'POST',
      path: '/__emulator/reset',
      access: 'control',
      handle: () => {
        state.reset()
        return ok
      },
    },
    {
      method: 'GET',
      path: '/__emulator/clock',
      access: 'control',
      handle: () => ({ now: rfc3339(state.now()) }),
    },
    {
      method: 'POST',
      path: '/__emulator/clock',
      access: 'control',
      handle: ({ body }) => {
        state.advance(parseBody(clockBody, body).advance_seconds)
        return { now: rfc3339(state.now()) }
      },
    },
    {
      method: 'POST',
      path: '/__emulator/faults',
      access: 'control',
      handle: ({ body }) => {
        const input = parseBody(faultBody, body)
        state.faults.add(input.path, input.fault, input.times ?? 1)
        return ok
      },
    },
    {
      method: 'DELETE',
      path: '/__emulator/faults',
      access: 'control',
      handle: () => {
        state.faults.clear()
        return ok
      },
    },
    {
      method: 'GET',
      path: '/__emulator/calls',
      access: 'control',
      handle: () => ({
        total: state.calls(),
        by_path: state.callsByPath(),
        sessions_minted: state.sessions.mintedCount(),
      }),
    },
  ]
}
