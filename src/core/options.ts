/**
 * @module The options of the library and their defaults: the only place a default lives.
 * Checked once, in the factory; a bad value is an error at startup that names it.
 */
import { z } from 'zod'
import { MfaError } from './errors.js'
import type { MfaEvent } from './events.js'
import { isLogger, type MfaLogger } from './logger.js'
import type { LimitStore } from './ports/limit-store.js'
import type { RevocationStore } from './ports/revocation-store.js'
import { STYTCH_SMS_LOCALES } from './ports/stytch.js'
import { SECOND_FACTORS } from './second-factor.js'

const localPath = z
  .string()
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'must be a path on this site, starting with a single "/"')

const respondWith = z.enum(['auto', 'json', 'redirect'])

const secretSchema = z
  .string()
  .min(32, 'each cookie secret must be at least 32 characters (use 32 random bytes, base64)')

/** Accepts `"10m"`, `"12h"`, `"30s"`, `"1d"` or a number of seconds. */
const durationSeconds = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+[smhd]$/, 'must look like "10m", "12h", "30s" or "1d"')
    .transform((value) => {
      const amount = Number(value.slice(0, -1))
      const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[value.slice(-1) as 's' | 'm' | 'h' | 'd']
      return amount * unit
    }),
])

export const mfaOptionsSchema = z.strictObject({
  /**
   * How to reach Stytch. Any object here: its schema belongs to the adapter that implements the
   * Stytch port, and takes the place of this check in {@link factoryOptionsSchema}.
   */
  stytch: z.custom<object>((value) => typeof value === 'object' && value !== null, {
    message: 'expected an object: { projectId, secret } or { client }',
  }),
  /**
   * Secrets that seal the login-in-progress cookie, newest first: the first seals, all open
   * (rotation). At least 32 characters each.
   */
  cookieSecrets: z
    .union([secretSchema.transform((secret) => [secret]), z.array(secretSchema).min(1).max(8)])
    .refine((secrets) => new Set(secrets).size === secrets.length, 'must not repeat a secret'),
  /**
   * Allow cookies without `Secure` (and without the `__Host-` prefix) on plain-http requests to
   * a loopback host (`Host` of `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`), for
   * development. Plain http to any other host is refused with `insecure_transport` as when it is
   * off (behind a TLS proxy, set Express `trust proxy` / Koa `app.proxy`); when off, only the
   * `__Host-` cookie names are ever read. Being on is logged as a warning at startup.
   * @default false
   */
  allowInsecureCookies: z.boolean().default(false),
  /**
   * The site's origin (`https://admin.example.com`), checked against `Origin` on POSTs that lack
   * Fetch Metadata. When omitted, the request's own scheme and `Host` are used.
   */
  origin: z
    .url()
    .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), {
      message: 'must be an origin only, like https://admin.example.com',
    })
    .transform((value) => new URL(value).origin)
    .optional(),
  /** Accept POSTs from other subdomains of the same site (`Sec-Fetch-Site: same-site`). @default false */
  trustSameSite: z.boolean().default(false),
  /** Pages of the app that browsers are sent to. */
  paths: z
    .strictObject({
      /** The email sign-in form. @default '/login' */
      login: localPath.default('/login'),
      /** The page where the email code is entered. @default '/login/code' */
      emailCode: localPath.default('/login/code'),
      /**
       * The organization picker of a discovery login, after `verifyDiscoveryEmailOtp()`: the
       * page lists `loginState().organizations` and posts the choice to `selectOrganization()`.
       * @default '/login/organizations'
       */
      organizations: localPath.default('/login/organizations'),
      /** The SMS step (enrol, send, enter code). @default '/mfa' */
      mfa: localPath.default('/mfa'),
      /** Where a signed-in member lands when there is no `returnTo`. @default '/' */
      afterLogin: localPath.default('/'),
      /** Where the browser goes after logout. @default '/login' */
      afterLogout: localPath.default('/login'),
    })
    .prefault({}),
  /** Lifetime of the Stytch member session created at sign-in, in minutes (5..527040). @default 60 */
  sessionDurationMinutes: z.number().int().min(5).max(527_040).default(60),
  /**
   * Where member session tokens live: `server` in express-session / koa-session (must be
   * mounted before), `cookie` in HttpOnly cookies, `auto` the first when mounted.
   * @default 'auto'
   */
  sessionStorage: z.enum(['auto', 'cookie', 'server']).default('auto'),
  /** Enrolment of a phone number for a member that has none. */
  phoneEnrollment: z
    .strictObject({
      /**
       * Let a member without a phone number bind one during login (with only the email factor
       * done). Off by default: anyone who can read the member's email could bind their phone.
       * @default false
       */
      enabled: z.boolean().default(false),
      /** ISO 3166 country codes a new number may belong to. @default ['US', 'CA'] */
      allowedCountries: z
        .array(z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166-1 alpha-2 codes like "US"'))
        .min(1)
        .default(['US', 'CA']),
    })
    .prefault({}),
  /** Abuse limits. Each answers 429 with `Retry-After` once spent. */
  limits: z
    .strictObject({
      /**
       * Where the counters live: in memory (one process) unless you pass a store, e.g.
       * `redisLimitStore(redis)` from `stytch-b2b-mfa/limits` when running several instances.
       */
      store: z
        .custom<LimitStore>(
          (value) =>
            typeof value === 'object' &&
            value !== null &&
            typeof (value as Partial<LimitStore>).counter === 'function',
          { message: 'must be a limit store, e.g. redisLimitStore(client)' },
        )
        .optional(),
      /** Seconds between two SMS codes for one member. @default 30 */
      smsCooldownSeconds: z.number().int().min(0).max(3600).default(30),
      /** SMS codes per member per hour. @default 5 */
      smsPerMemberPerHour: z.number().int().min(1).max(1000).default(5),
      /** SMS codes per member per day. @default 10 */
      smsPerMemberPerDay: z.number().int().min(1).max(10_000).default(10),
      /** SMS codes per enrolled phone number per day. @default 10 */
      smsPerPhonePerDay: z.number().int().min(1).max(10_000).default(10),
      /** SMS codes per client IP (IPv6: per /64) per hour. @default 30 */
      smsPerIpPerHour: z.number().int().min(1).max(100_000).default(30),
      /**
       * Email codes per address per hour, across organizations (trimmed, lower-case). It also
       * bounds the wrong email codes an address can see: see `attemptsPerCode`. @default 5
       */
      emailPerAddressPerHour: z.number().int().min(1).max(1000).default(5),
      /** Email codes per client IP (IPv6: per /64) per hour. @default 30 */
      emailPerIpPerHour: z.number().int().min(1).max(100_000).default(30),
      /**
       * Wrong codes per challenge before it is burned: an SMS login (intermediate session), or
       * an email send (the challenge sealed in that browser's pending cookie; requests without
       * one share a single challenge per address). A stranger can burn only challenges they
       * hold, never the owner's, and an address sees at most
       * (`emailPerAddressPerHour` + 1) × `attemptsPerCode` wrong email codes per hour.
       * @default 5
       */
      attemptsPerCode: z.number().int().min(1).max(20).default(5),
      /** Wrong SMS codes per member, across resends, before a lockout (a right code resets it). @default 10 */
      failuresPerMember: z.number().int().min(1).max(100).default(10),
      /** Length of that lockout, in seconds. @default 3600 */
      lockoutSeconds: z.number().int().min(60).max(86_400).default(3600),
      /**
       * Stytch calls per client IP (IPv6: per /64) per minute made for credentials that did
       * not verify locally (each costs a Stytch call). @default 60
       */
      unverifiedCallsPerIpPerMinute: z.number().int().min(1).max(100_000).default(60),
    })
    .prefault({}),
  /** Locale of SMS and email codes; when omitted, taken from `Accept-Language`. */
  locale: z.enum(STYTCH_SMS_LOCALES).optional(),
  /**
   * How denials and results are answered: `redirect` (303 to the app's pages), `json`
   * (`application/problem+json`), `auto` by the request (navigations and form posts redirect).
   * @default 'auto'
   */
  respondWith: respondWith.default('auto'),
  /** Largest request body the library reads, in bytes. @default 16384 */
  bodyLimitBytes: z.number().int().min(1024).max(1_048_576).default(16_384),
  /**
   * Where sign-outs are shared between instances: `redisRevocationStore(client)` from
   * `stytch-b2b-mfa/revocations`. Without one, a sign-out is refused at once on the instance
   * that handled it, and elsewhere once the session's JWT expires (≤ 5 minutes) and Stytch is
   * asked.
   */
  revocationStore: z
    .custom<RevocationStore>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Partial<RevocationStore>).publish === 'function' &&
        typeof (value as Partial<RevocationStore>).listen === 'function',
      { message: 'must be a revocation store, e.g. redisRevocationStore(client)' },
    )
    .optional(),
  /**
   * How many verified member sessions each instance remembers, each until its JWT expires (about
   * 600 bytes apiece, docs/performance.md). When it is full of live sessions, a new one is
   * verified on each request until an entry lapses. Size it to the members active within a JWT's
   * lifetime (5 minutes at Stytch); `0` turns it off. @default 100000
   */
  jwtCacheSize: z.number().int().min(0).max(10_000_000).default(100_000),
  /** Who may reset another member's second factors with `resetMemberMfa()`. */
  adminReset: z
    .strictObject({
      /**
       * Roles of which the admin's verified session needs at least one. Stytch gives every
       * organization's admins `stytch_admin`. @default ['stytch_admin']
       */
      roles: z.array(z.string().min(1)).min(1).readonly().default(['stytch_admin']),
      /**
       * Largest age of the admin's newest second factor: `"10m"`, `"12h"` or seconds. A stolen
       * session cookie alone must not strip other members of their factors. @default '10m'
       */
      maxAge: durationSeconds.default(600),
    })
    .prefault({}),
  /**
   * Where operators' messages go: any object with `warn(message)` and `error(message)` taking a
   * string (`console`, pino, winston), or `false` for none. It gets an error line when a Stytch
   * call fails for a reason that is not the user's (at most one line per kind of failure a
   * minute, then how many were held back), one when the startup check finds the project id and
   * secret refused, and a warning when `allowInsecureCookies` is on. Lines never hold a code,
   * token, phone number, email address or secret.
   * @default console
   */
  logger: z
    .custom<MfaLogger | false>((value) => value === false || isLogger(value), {
      message: 'must be false or an object with warn(message) and error(message), like console',
    })
    .default(() => console),
  /**
   * At startup, one Stytch call that reads and changes nothing (a member lookup with made-up
   * ids), in the background, so that a project id and secret Stytch refuses are said at once
   * (an error line, and an `upstream_failed` event with `selfCheck: true`) rather than at the
   * first sign-in. It never delays or fails startup.
   * @default true
   */
  selfCheck: z.boolean().default(true),
  /** Audit hook: called for every event, never with codes, tokens or full phone numbers. */
  onEvent: z
    .custom<(event: MfaEvent) => void>((value) => typeof value === 'function', {
      message: 'must be a function',
    })
    .optional(),
})

export type MfaConfig = z.output<typeof mfaOptionsSchema>

/**
 * What the factory takes, checked in one pass: the options, with `stytch` checked by the schema
 * of the adapter that implements the Stytch port (the core cannot know it), and the clock.
 */
export function factoryOptionsSchema<S extends z.ZodType>(stytch: S) {
  return mfaOptionsSchema.extend({
    /**
     * How to reach Stytch: `{ projectId, secret }`, `{ projectId, secret, baseUrl }` (the
     * emulator) or `{ client }` (a `B2BClient` you built), each with an optional `timeoutMs`
     * and `jwtClockToleranceSeconds`.
     */
    stytch,
    /**
     * The clock of everything the factory builds, the Stytch port included. Tests that move
     * time pass the emulator's; applications keep the real one.
     * @default () => new Date()
     */
    now: z
      .custom<() => Date>((value) => typeof value === 'function', {
        message: 'must be a function returning the current Date',
      })
      .optional(),
  })
}

const permissionName = z
  .string()
  .min(1)
  .regex(/^\S(.*\S)?$/, 'must not start or end with a space')
/** One permission a route needs: an action on a resource of the RBAC policy. */
const permissionSchema = z.strictObject({
  /** The `resource_id`, e.g. `documents` or `stytch.member`. */
  resource: permissionName,
  /** One action of the resource, e.g. `read`; a role's `*` grants it. */
  action: permissionName.refine(
    (action) => action !== '*',
    'must name one action: `*` stands for every action in a role, not in a route',
  ),
})

export type RequiredPermission = z.output<typeof permissionSchema>

const permissionOption = z
  .union([permissionSchema, z.array(permissionSchema).min(1)], {
    // The union's own message is "Invalid input": say what is wrong in the shape that was given.
    error: (issue) => {
      const [first] = issue.errors[Array.isArray(issue.input) ? 1 : 0] ?? []
      if (first === undefined) return undefined
      return first.path.length === 0 ? first.message : `${first.path.join('.')}: ${first.message}`
    },
  })
  .transform((value): readonly RequiredPermission[] => (Array.isArray(value) ? value : [value]))

export const requireMfaOptionsSchema = z
  .strictObject({
    /**
     * The second factors the route accepts: `sms` (a code by SMS), `totp` (an authenticator app),
     * `recovery_code` (a sign-in with one of the codes given at TOTP enrolment, which proves the
     * member kept them, not that they hold the device). A session passes with any of them.
     * @default ['sms', 'totp', 'recovery_code']
     */
    factors: z
      .array(z.enum(SECOND_FACTORS))
      .min(1)
      .readonly()
      .default(['sms', 'totp', 'recovery_code']),
    /**
     * Largest age of the newest accepted second factor (its `last_authenticated_at`): `"10m"`,
     * `"12h"` or seconds. When omitted, any accepted factor on a valid session is enough.
     */
    maxAge: durationSeconds.optional(),
    /**
     * Organization ids (`organization-…`) allowed on the route, compared with the id in the
     * verified session. When omitted (and `organizationSlugs` too), any organization.
     */
    organizations: z
      .array(
        z
          .string()
          .regex(
            /^organization-[\w-]+$/,
            'must be organization ids (organization-…); slugs go in organizationSlugs',
          ),
      )
      .min(1)
      .optional(),
    /**
     * Organization slugs allowed on the route. Slugs are chosen, and can be changed, by whoever
     * administers an organization: prefer `organizations` (ids). A session passes when its
     * organization matches `organizations` or `organizationSlugs`.
     */
    organizationSlugs: z.array(z.string().min(1)).min(1).optional(),
    /** Roles of which the member needs at least one. When omitted, any role. */
    roles: z.array(z.string().min(1)).min(1).optional(),
    /**
     * Permissions the member needs, all of them: `{ resource, action }` or a list of them. One is
     * granted when a role of the session (from the verified JWT) lists the action, or `*`, on the
     * resource in the project's RBAC policy or in the organization's own roles; names compare
     * exactly, case included. The policy is fetched at startup and kept fresh in the background:
     * no Stytch call per request. When omitted, no permission is checked.
     */
    permission: permissionOption.optional(),
    /**
     * Check the session with Stytch on every request (revocation takes effect at once) instead
     * of trusting a verified JWT until it expires (at most 5 minutes).
     * @default false
     */
    checkWithStytch: z.boolean().default(false),
    /** Overrides the factory's `respondWith` for this route. */
    respondWith: respondWith.optional(),
  })
  .prefault({})

export type RequireMfaOptions = z.input<typeof requireMfaOptionsSchema>
export type RequireMfaConfig = z.output<typeof requireMfaOptionsSchema>

/** Options of the flow handlers (send/verify/logout). */
export const handlerOptionsSchema = z
  .strictObject({
    /** Overrides the factory's `respondWith` for this route. */
    respondWith: respondWith.optional(),
  })
  .prefault({})

export type HandlerOptions = z.input<typeof handlerOptionsSchema>
export type HandlerConfig = z.output<typeof handlerOptionsSchema>

/** Options of `rotateRecoveryCodes()`. */
export const rotateRecoveryCodesOptionsSchema = z
  .strictObject({
    /**
     * Largest age of the session's newest second factor for new recovery codes to be handed
     * out: `"10m"`, `"12h"` or seconds. A stolen session cookie alone must not yield codes
     * that sign in anywhere. @default '10m'
     */
    maxAge: durationSeconds.default(600),
    /** Overrides the factory's `respondWith` for this route. */
    respondWith: respondWith.optional(),
  })
  .prefault({})

export type RotateRecoveryCodesConfig = z.output<typeof rotateRecoveryCodesOptionsSchema>

/**
 * Parses options with `schema`, throwing a `configuration_error` whose message names each bad
 * value by its path, e.g. `stytch-b2b-mfa: invalid option paths.mfa: must be a path …`.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = '',
): z.output<S> {
  if (typeof input === 'function') {
    throw new MfaError(
      'configuration_error',
      'stytch-b2b-mfa: options must be an object; did you pass a middleware where a factory call was expected (e.g. app.use(requireMfa) instead of app.use(requireMfa()))?',
    )
  }
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
    return `${path === '' ? 'options' : path}: ${issue.message}`
  })
  throw new MfaError('configuration_error', `stytch-b2b-mfa: invalid option ${problems.join('; ')}`)
}
