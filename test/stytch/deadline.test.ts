import type { Socket } from 'node:net'
import { B2BClient } from 'stytch'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MfaError } from '../../src/core/errors.js'
import { withDeadline } from '../../src/stytch/deadline.js'
import type { SendSmsOtpInput } from '../../src/core/ports/stytch.js'
import {
  closeAllFakes,
  IST,
  MEMBER_ID,
  ORGANIZATION_ID,
  portFor,
  PROJECT_ID,
  quietStytchWarnings,
  SECRET,
  startFakeStytch,
  stytchPort,
} from './helpers.js'

const SEND: SendSmsOtpInput = {
  organizationId: ORGANIZATION_ID,
  memberId: MEMBER_ID,
  credential: { kind: 'intermediate_session_token', token: IST },
}

const allClosed = (sockets: Socket[]) =>
  sockets.length > 0 && sockets.every((socket) => socket.destroyed)

/** Runs `promise` and returns its rejection and how long it took. */
async function timedRejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now()
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  )
  return { error, ms: performance.now() - started }
}

/** Expects `promise` to reject with `stytch_timeout` at its 300 ms deadline, not much later. */
async function expectTimeoutAt300(promise: Promise<unknown>): Promise<void> {
  const { error, ms } = await timedRejection(promise)
  expect(error).toMatchObject({ code: 'stytch_timeout' })
  expect(ms).toBeGreaterThanOrEqual(250)
  expect(ms).toBeLessThan(3000)
}

describe('withDeadline()', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  describe('when the call settles first', () => {
    it('resolves with its value and clears the timer', async () => {
      vi.useFakeTimers()
      await expect(withDeadline(() => Promise.resolve(42), 1000, 'test')).resolves.toBe(42)
      expect(vi.getTimerCount()).toBe(0)
    })

    it('rejects with its error and clears the timer', async () => {
      vi.useFakeTimers()
      const boom = new Error('boom')
      await expect(withDeadline(() => Promise.reject(boom), 1000, 'test')).rejects.toBe(boom)
      expect(vi.getTimerCount()).toBe(0)
    })

    it('turns a synchronous throw into a rejection', async () => {
      const boom = new Error('boom')
      const call = (): Promise<never> => {
        throw boom
      }
      await expect(withDeadline(call, 1000, 'test')).rejects.toBe(boom)
    })
  })

  describe('when the deadline passes first', () => {
    it('rejects with stytch_timeout naming the call', async () => {
      const never = new Promise<never>(() => undefined)
      const { error } = await timedRejection(withDeadline(() => never, 20, 'otps.sms.send'))
      expect(error).toBeInstanceOf(MfaError)
      expect(error).toMatchObject({ code: 'stytch_timeout', status: 504 })
      expect((error as MfaError).message).toContain('otps.sms.send')
    })

    it('swallows the late rejection of the abandoned call', async () => {
      const unhandled: unknown[] = []
      const listener = (reason: unknown) => unhandled.push(reason)
      process.on('unhandledRejection', listener)
      try {
        const late = new Promise<never>((_resolve, reject) => {
          setTimeout(() => {
            reject(new Error('late'))
          }, 40)
        })
        await expect(withDeadline(() => late, 10, 'test')).rejects.toMatchObject({
          code: 'stytch_timeout',
        })
        await new Promise((resolve) => setTimeout(resolve, 80))
        expect(unhandled).toEqual([])
      } finally {
        process.off('unhandledRejection', listener)
      }
    })
  })
})

describe('createStytchPort()', () => {
  quietStytchWarnings()
  afterEach(closeAllFakes)

  describe('when Stytch accepts the connection and never answers', () => {
    it('rejects sendSmsOtp with stytch_timeout at the deadline', async () => {
      const fake = await startFakeStytch(() => undefined)
      await expectTimeoutAt300(portFor(fake, { timeoutMs: 300 }).sendSmsOtp(SEND))
      expect(fake.requests).toHaveLength(1)
    })
  })

  describe('when Stytch sends the headers and then stalls the body', () => {
    it('rejects with stytch_timeout and never uses the partial body', async () => {
      const fake = await startFakeStytch((_request, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
        res.write('{"status_code":200,"request_id":"request-id-test-1","member_id":')
      })
      await expectTimeoutAt300(portFor(fake, { timeoutMs: 300 }).sendSmsOtp(SEND))
    })
  })

  describe('when the application supplies its own B2BClient', () => {
    it('still rejects with stytch_timeout at the deadline', async () => {
      const fake = await startFakeStytch(() => undefined)
      // Built without our agent: only the race can end the call.
      const client = new B2BClient({ project_id: PROJECT_ID, secret: SECRET, env: fake.url })
      await expectTimeoutAt300(stytchPort({ client, timeoutMs: 300 }).sendSmsOtp(SEND))
    })
  })

  describe('when the deadline has passed', () => {
    it('closes the connection to Stytch soon after, through the agent', async () => {
      const fake = await startFakeStytch(() => undefined)
      await timedRejection(portFor(fake, { timeoutMs: 200 }).sendSmsOtp(SEND))
      expect(allClosed(fake.sockets())).toBe(false)
      // Only our undici agent (deadline + 1 s grace) can end the abandoned request: the fake
      // server never closes a connection, and the SDK's default would wait 300 s.
      await vi.waitFor(
        () => {
          expect(allClosed(fake.sockets())).toBe(true)
        },
        { timeout: 3000, interval: 20 },
      )
    })
  })
})
