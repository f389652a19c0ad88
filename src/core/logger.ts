/**
 * @module The operators' log, next to the audit events: what someone running the app must fix
 * (Stytch refusing the credentials, Stytch down, a risky option). Lines are plain strings, so
 * `console`, pino, winston and bunyan all take them, and hold no code, token, phone number,
 * email address or secret: only the library's code and what Stytch says about itself.
 */
import { debuglog } from 'node:util'

const debug = debuglog('stytch-b2b-mfa')

/** Where the library writes what operators must know (`logger` option). `console` fits. */
export interface MfaLogger {
  warn(message: string): void
  error(message: string): void
}

/** The logger as the core uses it. */
export interface OperatorLog {
  warn(message: string): void
  error(message: string): void
  /**
   * An error line at most once per `kind` per {@link REPEAT_WINDOW_MS}: an outage fails every
   * request, and a line each would bury everything else. The next line of the kind says how many
   * were held back.
   */
  errorOncePer(kind: string, message: string): void
}

/** How long a kind of failure stays quiet after it was logged. */
export const REPEAT_WINDOW_MS = 60_000

/** Kinds remembered at most: Stytch's error types are few, so this is never reached honestly. */
const KINDS_KEPT = 100

interface Quiet {
  readonly until: number
  heldBack: number
}

export function createOperatorLog(logger: MfaLogger | false, nowMs: () => number): OperatorLog {
  const quiet = new Map<string, Quiet>()

  // The app's logger must not turn a failed sign-in into a crash, nor a startup into one.
  function write(level: 'warn' | 'error', message: string): void {
    if (logger === false) return
    try {
      logger[level](message)
    } catch (error) {
      debug('logger.%s threw: %s', level, error instanceof Error ? error.message : String(error))
    }
  }

  return {
    warn: (message) => {
      write('warn', message)
    },
    error: (message) => {
      write('error', message)
    },
    errorOncePer(kind, message) {
      if (logger === false) return
      const now = nowMs()
      const entry = quiet.get(kind)
      if (entry !== undefined && now < entry.until) {
        entry.heldBack += 1
        return
      }
      const heldBack = entry?.heldBack ?? 0
      quiet.delete(kind)
      if (quiet.size >= KINDS_KEPT) {
        for (const [key, value] of quiet) if (value.until <= now) quiet.delete(key)
        if (quiet.size >= KINDS_KEPT) quiet.clear()
      }
      quiet.set(kind, { until: now + REPEAT_WINDOW_MS, heldBack: 0 })
      write(
        'error',
        heldBack === 0
          ? message
          : `${message} (and ${String(heldBack)} more like it since the last)`,
      )
    },
  }
}

/** True when `value` can serve as a {@link MfaLogger}. */
export function isLogger(value: unknown): value is MfaLogger {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<MfaLogger>).warn === 'function' &&
    typeof (value as Partial<MfaLogger>).error === 'function'
  )
}
