/**
 * @module The abuse limits: SMS sends (cooldown, per member, phone and IP), email sends (per
 * address and IP), and code attempts (per challenge, and per member across resends — NIST SP
 * 800-63B-4 §3.2.2: a new code never resets the failure count). Keys never hold an address, a
 * phone number or a token in clear: they are keyed hashes.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import ipaddr from 'ipaddr.js'
import { MfaError, type MfaErrorCode } from './errors.js'
import type { Counter, LimitStore } from './limit-store.js'

/** The limits' settings (see `limits` in options.ts for defaults). */
export interface LimitsConfig {
  readonly smsCooldownSeconds: number
  readonly smsPerMemberPerHour: number
  readonly smsPerMemberPerDay: number
  readonly smsPerPhonePerDay: number
  readonly smsPerIpPerHour: number
  readonly emailPerAddressPerHour: number
  readonly emailPerIpPerHour: number
  readonly attemptsPerCode: number
  readonly failuresPerMember: number
  readonly lockoutSeconds: number
}

/** What one reserved code attempt becomes once Stytch answered. */
export interface Attempt {
  /** The code was right: the member's failure count starts over. */
  succeeded(): Promise<void>
  /** Stytch never judged the code (outage, expired login): the attempt is given back. */
  abandoned(): Promise<void>
}

const HOUR = 3600
const DAY = 86_400
/** Stytch's intermediate sessions and email codes live at most this long. */
const CHALLENGE_SECONDS = 15 * 60

/** IPv6 clients are counted per /64: one customer usually holds the whole prefix. */
export function clientKey(ip: string | undefined): string {
  if (ip === undefined || !ipaddr.isValid(ip)) return 'unknown'
  const parsed = ipaddr.process(ip)
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4)
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`
}

type Take = readonly [Counter, string]

export class Limits {
  readonly #config: LimitsConfig
  readonly #key: Buffer
  readonly #smsCooldown: Counter | undefined
  readonly #smsMemberHour: Counter
  readonly #smsMemberDay: Counter
  readonly #smsPhoneDay: Counter
  readonly #smsIpHour: Counter
  readonly #emailAddressHour: Counter
  readonly #emailIpHour: Counter
  readonly #attempts: Counter
  readonly #failures: Counter

  constructor(config: LimitsConfig, store: LimitStore, secret: string) {
    this.#config = config
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'stytch-b2b-mfa', 'limit keys v1', 32))
    this.#smsCooldown =
      config.smsCooldownSeconds > 0
        ? store.counter('sms-cooldown', 1, config.smsCooldownSeconds)
        : undefined
    this.#smsMemberHour = store.counter('sms-member-hour', config.smsPerMemberPerHour, HOUR)
    this.#smsMemberDay = store.counter('sms-member-day', config.smsPerMemberPerDay, DAY)
    this.#smsPhoneDay = store.counter('sms-phone-day', config.smsPerPhonePerDay, DAY)
    this.#smsIpHour = store.counter('sms-ip-hour', config.smsPerIpPerHour, HOUR)
    this.#emailAddressHour = store.counter(
      'email-address-hour',
      config.emailPerAddressPerHour,
      HOUR,
    )
    this.#emailIpHour = store.counter('email-ip-hour', config.emailPerIpPerHour, HOUR)
    this.#attempts = store.counter('code-attempts', config.attemptsPerCode, CHALLENGE_SECONDS)
    this.#failures = store.counter(
      'member-failures',
      config.failuresPerMember,
      config.lockoutSeconds,
    )
  }

  /** Seconds a member waits between two SMS codes. */
  get smsCooldownSeconds(): number {
    return this.#config.smsCooldownSeconds
  }

  /** A keyed hash: stable per value, useless to whoever reads the store. */
  hash(value: string): string {
    return createHmac('sha256', this.#key).update(value).digest('base64url').slice(0, 32)
  }

  /** Takes a point from each counter in order; refuses (giving earlier points back) at the first that is empty. */
  async #takeAll(takes: readonly Take[], code: MfaErrorCode): Promise<void> {
    const taken: Take[] = []
    try {
      for (const take of takes) {
        const [counter, key] = take
        const result = await counter.consume(key)
        if (!result.allowed) {
          await Promise.all(taken.map(([c, k]) => c.refund(k)))
          throw new MfaError(code, undefined, { retryAfterSeconds: result.retryAfterSeconds })
        }
        taken.push(take)
      }
    } catch (error) {
      if (error instanceof MfaError) throw error
      throw new MfaError('limits_unavailable', 'The rate limit store failed', { cause: error })
    }
  }

  /** Before an email code is sent. */
  async beforeEmailSend(
    organization: string,
    email: string,
    ip: string | undefined,
  ): Promise<void> {
    await this.#takeAll(
      [
        [this.#emailIpHour, clientKey(ip)],
        [this.#emailAddressHour, this.hash(`${organization.toLowerCase()}|${email.toLowerCase()}`)],
      ],
      'rate_limited',
    )
  }

  #smsTakes(member: string, phone: string | undefined, ip: string | undefined): Take[] {
    // The cooldown goes first: a burst is refused there without spending the longer budgets.
    const takes: Take[] = this.#smsCooldown === undefined ? [] : [[this.#smsCooldown, member]]
    takes.push([this.#smsMemberHour, member], [this.#smsMemberDay, member])
    if (phone !== undefined) takes.push([this.#smsPhoneDay, this.hash(phone)])
    if (ip !== undefined) takes.push([this.#smsIpHour, clientKey(ip)])
    return takes
  }

  /** Before an SMS code is sent to `member` (`organizationId:memberId`). */
  async beforeSmsSend(
    member: string,
    phone: string | undefined,
    ip: string | undefined,
  ): Promise<void> {
    await this.#takeAll(this.#smsTakes(member, phone, ip), 'rate_limited')
  }

  /** Counts an SMS that Stytch sent by itself at primary login: it cost the same. */
  async smsSentByStytch(member: string, phone: string | undefined): Promise<void> {
    try {
      await Promise.all(this.#smsTakes(member, phone, undefined).map(([c, k]) => c.consume(k)))
    } catch (error) {
      throw new MfaError('limits_unavailable', 'The rate limit store failed', { cause: error })
    }
  }

  /**
   * Reserves one code attempt against the challenge (an intermediate session, an email step)
   * and the member's failure budget, before Stytch sees the code: parallel guesses cannot
   * exceed either budget. Refused with `otp_locked`.
   */
  async reserveAttempt(challenge: string, member: string): Promise<Attempt> {
    const challengeKey = this.hash(challenge)
    await this.#takeAll(
      [
        [this.#attempts, challengeKey],
        [this.#failures, member],
      ],
      'otp_locked',
    )
    // Best effort: a store hiccup here must not turn a right code into a failed sign-in.
    return {
      // A right code ends the challenge: an email step keyed by the address starts over too.
      succeeded: () =>
        Promise.all([this.#attempts.reset(challengeKey), this.#failures.reset(member)]).then(
          ignore,
          ignore,
        ),
      abandoned: () =>
        Promise.all([this.#attempts.refund(challengeKey), this.#failures.refund(member)]).then(
          ignore,
          ignore,
        ),
    }
  }

  /**
   * Runs Stytch's verdict on a reserved attempt: a right code resets the member's failures, a
   * wrong one keeps its point, anything else (Stytch down, login expired) gives it back.
   */
  async judge<T>(attempt: Attempt, verdict: () => Promise<T>): Promise<T> {
    let result: T
    try {
      result = await verdict()
    } catch (error) {
      if (!(error instanceof MfaError && error.code === 'otp_invalid')) await attempt.abandoned()
      throw error
    }
    await attempt.succeeded()
    return result
  }
}

function ignore(): void {
  // Deliberately nothing: see the callers.
}
