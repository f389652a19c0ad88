/**
 * @module The abuse limits: SMS sends (cooldown, per member, phone and IP), email sends (per
 * address and IP), code attempts (per challenge; for SMS also per member across resends — NIST
 * SP 800-63B-4 §3.2.2: a new code never resets the failure count), and Stytch calls made for
 * credentials that did not verify locally (per IP). Every key is a keyed hash: the store never
 * holds an IP, an address, a phone number, a member id or a token in clear.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import ipaddr from 'ipaddr.js'
import { MfaError, type MfaErrorCode } from './errors.js'
import type { Counter, LimitStore } from './ports/limit-store.js'

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
  readonly unverifiedCallsPerIpPerMinute: number
}

/** What one reserved code attempt becomes once Stytch answered. */
export interface Attempt {
  /** The code was right: it was no guess, and the member's failure count starts over. */
  succeeded(): Promise<void>
  /** Stytch never judged the code (outage, expired login): the attempt is given back. */
  abandoned(): Promise<void>
}

const MINUTE = 60
const HOUR = 3600
const DAY = 86_400
/**
 * Stytch's intermediate sessions and email codes live at most this long, and the email step's
 * pending cookie less: a challenge's count never expires while the challenge can still be used.
 */
const CHALLENGE_SECONDS = 15 * 60

/** IPv6 clients are counted per /64: one customer usually holds the whole prefix. */
export function clientKey(ip: string | undefined): string {
  if (ip === undefined || !ipaddr.isValid(ip)) return 'unknown'
  const parsed = ipaddr.process(ip)
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4)
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`
}

/**
 * An email address as the inbox it reaches: Stytch matches addresses without regard to case,
 * and one inbox is one budget whichever organization (id, slug or external id) is named.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * The name a member's SMS budgets and failure count go by: organization and member as Stytch
 * named them, so the login step and step-up count against the same member.
 */
export function memberKey(member: {
  readonly organizationId: string
  readonly memberId: string
}): string {
  return `${member.organizationId}:${member.memberId}`
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
  readonly #smsAttempts: Counter
  readonly #emailAttempts: Counter
  readonly #cookielessEmailAttempts: Counter
  readonly #failures: Counter
  readonly #unverifiedIpMinute: Counter
  readonly #discoveryChoices: Counter

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
    this.#smsAttempts = store.counter('sms-attempts', config.attemptsPerCode, CHALLENGE_SECONDS)
    this.#emailAttempts = store.counter('email-attempts', config.attemptsPerCode, CHALLENGE_SECONDS)
    // An hour, like the send budget: the bound on guesses per address is stated per hour.
    this.#cookielessEmailAttempts = store.counter(
      'email-cookieless-attempts',
      config.attemptsPerCode,
      HOUR,
    )
    this.#failures = store.counter(
      'member-failures',
      config.failuresPerMember,
      config.lockoutSeconds,
    )
    this.#unverifiedIpMinute = store.counter(
      'unverified-ip-minute',
      config.unverifiedCallsPerIpPerMinute,
      MINUTE,
    )
    // One point: a discovery login's intermediate session enters one organization, once.
    this.#discoveryChoices = store.counter('discovery-choices', 1, CHALLENGE_SECONDS)
  }

  /** Seconds a member waits between two SMS codes. */
  get smsCooldownSeconds(): number {
    return this.#config.smsCooldownSeconds
  }

  /**
   * A keyed hash: stable per value, useless to whoever reads the store. The kind keeps equal
   * strings of different kinds (an IP and a member id) apart.
   */
  #hash(kind: string, value: string): string {
    return createHmac('sha256', this.#key)
      .update(`${kind}\0${value}`)
      .digest('base64url')
      .slice(0, 32)
  }

  #client(ip: string | undefined): string {
    return this.#hash('ip', clientKey(ip))
  }

  #address(email: string): string {
    return this.#hash('email', normaliseEmail(email))
  }

  /** Takes a point from each counter in order; refuses (giving earlier points back) at the first that is empty. */
  async #takeAll(takes: readonly Take[], code: MfaErrorCode): Promise<void> {
    const taken: Take[] = []
    try {
      for (const take of takes) {
        const [counter, key] = take
        const result = await counter.consume(key)
        if (!result.allowed) {
          await giveBack(taken)
          throw new MfaError(code, undefined, { retryAfterSeconds: result.retryAfterSeconds })
        }
        taken.push(take)
      }
    } catch (error) {
      if (error instanceof MfaError) throw error
      throw new MfaError('limits_unavailable', 'The rate limit store failed', { cause: error })
    }
  }

  /**
   * Before an email code is sent. Counted per inbox, across organizations and however the
   * organization is named: each send also opens one email challenge (see
   * {@link reserveEmailAttempt}), so this budget bounds the guesses at an address too.
   */
  async beforeEmailSend(email: string, ip: string | undefined): Promise<void> {
    await this.#takeAll(
      [
        [this.#emailIpHour, this.#client(ip)],
        [this.#emailAddressHour, this.#address(email)],
      ],
      'rate_limited',
    )
  }

  #smsTakes(member: string, phone: string | undefined, ip: string | undefined): Take[] {
    const memberHash = this.#hash('member', member)
    // The cooldown goes first: a burst is refused there without spending the longer budgets.
    const takes: Take[] = this.#smsCooldown === undefined ? [] : [[this.#smsCooldown, memberHash]]
    takes.push([this.#smsMemberHour, memberHash], [this.#smsMemberDay, memberHash])
    if (phone !== undefined) takes.push([this.#smsPhoneDay, this.#hash('phone', phone)])
    if (ip !== undefined) takes.push([this.#smsIpHour, this.#client(ip)])
    return takes
  }

  /**
   * Sends an SMS code to `member` (its {@link memberKey}) within the budgets. When Stytch
   * refused the send with a 4xx (no SMS left), the member's and the phone's points are given
   * back so a corrected retry is not kept waiting; the client's point stays, or refused sends
   * would be free Stytch calls. On a timeout or a 5xx the SMS may have gone out: every point
   * stays.
   */
  async sendSms<T>(
    member: string,
    phone: string | undefined,
    ip: string | undefined,
    send: () => Promise<T>,
  ): Promise<T> {
    const takes = this.#smsTakes(member, phone, ip)
    await this.#takeAll(takes, 'rate_limited')
    try {
      return await send()
    } catch (error) {
      if (stytchRefused(error)) {
        await giveBack(takes.filter(([counter]) => counter !== this.#smsIpHour)).catch(ignore)
      }
      throw error
    }
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
   * Before a Stytch call made for a credential that did not verify locally (an unknown session
   * token, a JWT this instance cannot check): such calls cost Stytch one for one, so each
   * client has a budget per minute. Refused with `rate_limited`.
   * @returns gives the point back; for a credential Stytch found to be a live session.
   */
  async beforeUnverifiedCall(ip: string | undefined): Promise<() => Promise<void>> {
    const key = this.#client(ip)
    await this.#takeAll([[this.#unverifiedIpMinute, key]], 'rate_limited')
    // Given back when the credential was a live session after all (a refresh): members behind
    // one address spend the budget only on what failed.
    return () => this.#unverifiedIpMinute.refund(key).catch(ignore)
  }

  /**
   * Reserves one SMS code attempt against the challenge (the intermediate session, or the
   * session for step-up) and the member's failure budget, before Stytch sees the code:
   * parallel guesses cannot exceed either budget. Refused with `otp_locked`.
   */
  async reserveSmsAttempt(challenge: string, member: string): Promise<Attempt> {
    const challengeKey = this.#hash('sms-challenge', challenge)
    const memberHash = this.#hash('member', member)
    await this.#takeAll(
      [
        [this.#smsAttempts, challengeKey],
        [this.#failures, memberHash],
      ],
      'otp_locked',
    )
    // Best effort: a store hiccup here must not turn a right code into a failed sign-in.
    return {
      succeeded: () =>
        Promise.all([this.#smsAttempts.reset(challengeKey), this.#failures.reset(memberHash)]).then(
          ignore,
          ignore,
        ),
      abandoned: () =>
        giveBack([
          [this.#smsAttempts, challengeKey],
          [this.#failures, memberHash],
        ]).catch(ignore),
    }
  }

  /**
   * Reserves one email code attempt against a challenge, before Stytch sees the code. The
   * challenge is the one the browser holds: the random `challenge` sealed into its pending
   * cookie at the send, `attemptsPerCode` wrong codes each. A request without one (an API
   * client naming the address in the body, a stranger) shares the address's single cookieless
   * challenge. There is no budget per address or member here: a stranger's wrong codes can
   * burn only challenges the stranger holds, never the owner's.
   *
   * The bound: each challenge but the cookieless one took an email send, so within an hour an
   * address sees at most (`emailPerAddressPerHour` + 1) × `attemptsPerCode` wrong codes
   * (budgets count in fixed windows, so a span across two windows may see twice that).
   * Refused with `otp_locked`.
   */
  async reserveEmailAttempt(email: string, challenge: string | undefined): Promise<Attempt> {
    const take: Take =
      challenge === undefined
        ? [this.#cookielessEmailAttempts, this.#address(email)]
        : [this.#emailAttempts, this.#hash('email-challenge', challenge)]
    await this.#takeAll([take], 'otp_locked')
    // A right code was no guess: its point goes back, and a replay of the cookie still finds
    // every wrong code counted (a reset would hand a copied cookie a fresh budget).
    const back = () => giveBack([take]).catch(ignore)
    return { succeeded: back, abandoned: back }
  }

  /**
   * Claims a discovery login's intermediate session for the one organization it enters: the
   * first claim wins, atomically in the store (on every instance that shares it), and any later
   * one (a copy of the login cookie, a second choice) is refused with `login_required`.
   * @returns gives the claim back: for a choice Stytch refused, which bound the session to nothing.
   */
  async claimDiscovery(intermediateSessionToken: string): Promise<() => Promise<void>> {
    const take: Take = [
      this.#discoveryChoices,
      this.#hash('discovery-ist', intermediateSessionToken),
    ]
    try {
      await this.#takeAll([take], 'login_required')
    } catch (error) {
      if (error instanceof MfaError && error.code === 'login_required') {
        throw new MfaError('login_required', 'This discovery login has entered an organization')
      }
      throw error
    }
    return () => giveBack([take]).catch(ignore)
  }

  /**
   * Runs Stytch's verdict on a reserved attempt: a right code succeeds it, a wrong one keeps its
   * point, anything else (Stytch down, login expired) gives it back.
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

/** Stytch answered the send with a refusal (4xx): it sent nothing. */
function stytchRefused(error: unknown): boolean {
  return (
    error instanceof MfaError &&
    error.stytchStatus !== undefined &&
    error.stytchStatus >= 400 &&
    error.stytchStatus < 500
  )
}

async function giveBack(takes: readonly Take[]): Promise<void> {
  await Promise.all(takes.map(([counter, key]) => counter.refund(key)))
}

function ignore(): void {
  // Deliberately nothing: see the callers.
}
