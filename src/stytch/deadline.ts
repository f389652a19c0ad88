/** @module The real deadline of a Stytch call: a timer race, plus an undici agent for sockets. */
import { Agent } from 'undici'
import { MfaError } from '../core/errors.js'

/**
 * Extra time the agent gives a request after the race has already given up, so that the race
 * (which names the error `stytch_timeout`) always fires first and the agent then frees the
 * socket. undici's timeouts run on a coarse 499 ms tick and can fire up to one tick early,
 * hence a full second.
 */
const AGENT_GRACE_MS = 1000

/** Largest response body accepted from Stytch; a bigger one is cut off and fails closed. */
const MAX_RESPONSE_BYTES = 1024 * 1024

/**
 * The undici agent for a client this library builds (the SDK's `dispatcher`). The SDK passes
 * its `timeout` option to `fetch`, which ignores it; these timeouts are what actually end a
 * hung connection, so an abandoned call does not hold a socket for undici's 300 s defaults.
 * @param timeoutMs the call deadline; each agent timeout is this plus a small grace.
 */
export function createDeadlineAgent(timeoutMs: number): Agent {
  const timeout = timeoutMs + AGENT_GRACE_MS
  return new Agent({
    connect: { timeout },
    headersTimeout: timeout,
    bodyTimeout: timeout,
    maxResponseSize: MAX_RESPONSE_BYTES,
  })
}

/**
 * Runs `call` and settles with it, or rejects with `MfaError('stytch_timeout')` after
 * `timeoutMs`, whichever comes first. Works for any client, including one the application
 * built without our agent. The timer is always cleared, and the losing promise's late
 * rejection is consumed here, so it never becomes an unhandled rejection.
 * @param what names the call in the error message, e.g. `otps.sms.send`.
 */
export async function withDeadline<T>(
  call: () => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new MfaError('stytch_timeout', `Stytch did not answer ${what} within ${timeoutMs} ms`))
    }, timeoutMs)
  })
  // Started from a promise so that a synchronous throw settles the race like a rejection.
  // `Promise.race` subscribes to both, so the loser's late rejection is handled (dropped).
  const pending = Promise.resolve().then(call)
  try {
    return await Promise.race([pending, deadline])
  } finally {
    clearTimeout(timer)
  }
}
