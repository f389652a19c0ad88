import { describe, expect, it } from 'vitest'
import { REPEAT_WINDOW_MS, createOperatorLog, type MfaLogger } from '../../src/core/logger.js'

function recordingLogger() {
  const lines: { level: 'warn' | 'error'; message: string }[] = []
  const logger: MfaLogger = {
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  }
  return { logger, lines }
}

describe('createOperatorLog()', () => {
  it('writes one line per kind a minute, then says how many were held back', () => {
    let now = 1_000_000
    const { logger, lines } = recordingLogger()
    const log = createOperatorLog(logger, () => now)
    for (let i = 0; i < 50; i += 1) log.errorOncePer('sms 503', 'Stytch failed')
    log.errorOncePer('email 504', 'Stytch was slow')
    expect(lines).toEqual([
      { level: 'error', message: 'Stytch failed' },
      { level: 'error', message: 'Stytch was slow' },
    ])
    now += REPEAT_WINDOW_MS - 1
    log.errorOncePer('sms 503', 'Stytch failed')
    expect(lines).toHaveLength(2)
    now += 1
    log.errorOncePer('sms 503', 'Stytch failed')
    expect(lines.at(-1)?.message).toBe('Stytch failed (and 50 more like it since the last)')
    now += REPEAT_WINDOW_MS
    log.errorOncePer('sms 503', 'Stytch failed')
    expect(lines.at(-1)?.message).toBe('Stytch failed')
  })

  it('keeps going when the app’s logger throws', () => {
    const log = createOperatorLog(
      {
        warn: () => {
          throw new Error('disk full')
        },
        error: () => {
          throw new Error('disk full')
        },
      },
      () => 0,
    )
    expect(() => {
      log.warn('a')
      log.error('b')
      log.errorOncePer('kind', 'c')
    }).not.toThrow()
  })

  it('writes nothing with logger: false', () => {
    const log = createOperatorLog(false, () => 0)
    expect(() => {
      log.warn('a')
      log.errorOncePer('kind', 'c')
    }).not.toThrow()
  })

  it('calls the logger as a method, so console and class-based loggers keep their this', () => {
    class Collector {
      readonly seen: string[] = []
      warn(message: string) {
        this.seen.push(message)
      }
      error(message: string) {
        this.seen.push(message)
      }
    }
    const collector = new Collector()
    createOperatorLog(collector, () => 0).warn('hello')
    expect(collector.seen).toEqual(['hello'])
  })
})
