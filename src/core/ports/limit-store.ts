/**
 * @module The counters behind every limit, as the core needs them. The library ships stores
 * over rate-limiter-flexible (in memory by default, Redis for several instances); any store
 * whose `consume` is atomic fits.
 */

/** The answer to one `consume`. */
export interface LimitResult {
  /** False when the key had no points left: the request must be refused. */
  readonly allowed: boolean
  /** Seconds until a point is available again (for `Retry-After`). */
  readonly retryAfterSeconds: number
}

/** At most `points` per key within a window of `durationSeconds`. */
export interface Counter {
  /** Takes one point, atomically: a burst of parallel calls can never take more than `points`. */
  consume(key: string): Promise<LimitResult>
  /** Gives one point back (an attempt that never reached Stytch's verdict). */
  refund(key: string): Promise<void>
  /** Forgets the key (a success resets a failure budget). */
  reset(key: string): Promise<void>
}

/** Creates counters. `name` separates the counters of different limits in a shared store. */
export interface LimitStore {
  counter(name: string, points: number, durationSeconds: number): Counter
}
