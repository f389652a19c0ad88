/** @module How to reach Stytch: the options' zod schema, the only place their defaults live. */
import type { B2BClient } from 'stytch'
import { z } from 'zod'
import { MfaError } from '../core/errors.js'

// Stytch's hosts as in the SDK's `envs`, copied because only `sdk-adapter.ts` may load the SDK.
/** Stytch's test environment (the SDK's `envs.test`). */
export const STYTCH_TEST_URL = 'https://test.stytch.com/'
/** Stytch's live environment (the SDK's `envs.live`). */
export const STYTCH_LIVE_URL = 'https://api.stytch.com/'

const LIVE_PREFIX = 'project-live-'

/** Options shared by every form. */
const common = {
  /**
   * The deadline of every call to Stytch, in milliseconds (100..60000). The SDK's own `timeout`
   * does nothing, so this is what bounds a hung Stytch.
   * @default 5000
   */
  timeoutMs: z
    .number({ error: 'timeoutMs: expected a number of milliseconds' })
    .int('timeoutMs: expected an integer')
    .min(100, 'timeoutMs: must be at least 100')
    .max(60_000, 'timeoutMs: must be at most 60000')
    .default(5000),
  /**
   * Seconds of clock skew allowed when checking a session JWT's `exp` and `nbf` (0..60).
   * @default 0
   */
  jwtClockToleranceSeconds: z
    .number({ error: 'jwtClockToleranceSeconds: expected a number of seconds' })
    .int('jwtClockToleranceSeconds: expected an integer')
    .min(0, 'jwtClockToleranceSeconds: must be at least 0')
    .max(60, 'jwtClockToleranceSeconds: must be at most 60')
    .default(0),
  /**
   * The clock: JWT expiry checks and the default expiry of an intermediate session. Inject the
   * same clock as the rest of the library in tests that move time (e.g. the emulator's).
   * @default () => new Date()
   */
  now: z
    .custom<() => Date>((value) => typeof value === 'function', {
      error: 'now: expected a function returning the current Date',
    })
    .default(() => () => new Date()),
}

// Stytch ids look like `project-test-<uuid>`. The SDK puts the id in the JWKS URL path, so
// only characters that cannot change that path are allowed.
const projectId = z
  .string({ error: 'projectId: expected a string' })
  .min(1, { error: 'projectId: must not be empty', abort: true })
  .max(200, 'projectId: must be at most 200 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'projectId: expected letters, digits, "-" and "_" only')

// The secret is never echoed: these messages name the key, not the value.
const secret = z
  .string({ error: 'secret: expected a string' })
  .min(1, 'secret: must not be empty')
  .refine((value) => value.trim() === value, {
    error: 'secret: has leading or trailing whitespace (check how it is loaded)',
  })

const baseUrl = z.string({ error: 'baseUrl: expected a URL string' }).transform((value, ctx) => {
  const url = URL.canParse(value) ? new URL(value) : undefined
  const problem =
    url === undefined
      ? 'is not a URL'
      : url.protocol !== 'https:' && url.protocol !== 'http:'
        ? 'must use http or https'
        : url.username !== '' || url.password !== ''
          ? 'must not contain credentials'
          : url.pathname !== '/' || url.search !== '' || url.hash !== ''
            ? // The SDK resolves `/v1/...` against the base URL, dropping any path prefix.
              'must be an origin without a path, query or fragment (the SDK drops them)'
            : undefined
  if (url === undefined || problem !== undefined) {
    // Echo the value, minus any credentials in it.
    const shown = url === undefined ? value : `${url.protocol}//${url.host}${url.pathname}`
    ctx.addIssue({ code: 'custom', message: `baseUrl: ${problem ?? ''}, got "${shown}"` })
    return z.NEVER
  }
  return `${url.origin}/`
})

function isB2BClientLike(value: unknown): value is B2BClient {
  // Duck-typed rather than `instanceof`, so a client from another copy of `stytch` works too.
  const has = (object: unknown, ...keys: string[]): boolean =>
    keys.every((key) => {
      const target = (object as Record<string, unknown> | null)?.[key]
      return typeof target === 'function'
    })
  const client = value as { otps?: { sms?: unknown; email?: unknown }; sessions?: unknown } | null
  return (
    typeof value === 'object' &&
    has(client?.otps?.sms, 'send', 'authenticate') &&
    has(client?.otps?.email, 'loginOrSignup', 'authenticate') &&
    has(client?.sessions, 'authenticate', 'authenticateJwtLocal', 'revoke')
  )
}

const unknownKey = (form: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `unknown option ${(issue.keys ?? []).map((key) => `"${key}"`).join(', ')} (${form})`
    : undefined

/** `{ client }`: a `B2BClient` the application built itself; it gets the deadline race only. */
export const stytchClientOptionsSchema = z.strictObject(
  {
    /** A `B2BClient` from the `stytch` package. */
    client: z.custom<B2BClient>(isB2BClientLike, {
      error: 'client: expected a B2BClient from the "stytch" package',
    }),
    ...common,
  },
  {
    error: unknownKey('with "client", pass only client, timeoutMs, jwtClockToleranceSeconds, now'),
  },
)

/**
 * `{ projectId, secret, baseUrl? }`: the adapter builds the client. Without `baseUrl`, Stytch
 * test or live is chosen by the project id prefix (`project-live-` → live), like the SDK.
 * `baseUrl` is any Stytch-compatible origin, e.g. the emulator at `http://127.0.0.1:4010/`.
 */
export const stytchCredentialsOptionsSchema = z
  .strictObject(
    {
      /** The Stytch project id (`project-test-…` or `project-live-…`). */
      projectId,
      /** The project's secret. Never printed. */
      secret,
      /**
       * Where Stytch is. A live project must use `https` and not the test host; a test project
       * must not use the live host.
       * @default 'https://api.stytch.com/' for `project-live-` ids, else 'https://test.stytch.com/'
       */
      baseUrl: baseUrl.optional(),
      ...common,
    },
    { error: unknownKey('pass either client, or projectId and secret with an optional baseUrl') },
  )
  .transform((options, ctx) => {
    const live = options.projectId.startsWith(LIVE_PREFIX)
    const resolved = options.baseUrl ?? (live ? STYTCH_LIVE_URL : STYTCH_TEST_URL)
    const problem =
      live && !resolved.startsWith('https://')
        ? 'a live project must use https'
        : live && resolved === STYTCH_TEST_URL
          ? 'a live project cannot use the Stytch test host'
          : !live && resolved === STYTCH_LIVE_URL
            ? 'a test project cannot use the Stytch live host'
            : undefined
    if (problem !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `baseUrl: ${problem}, got "${resolved}" for projectId "${options.projectId}"`,
      })
      return z.NEVER
    }
    return { ...options, baseUrl: resolved }
  })

/** Every way to reach Stytch. {@link parseStytchOptions} parses it with messages naming the key. */
export const stytchOptionsSchema = z.union([
  stytchClientOptionsSchema,
  stytchCredentialsOptionsSchema,
])

/** The Stytch options as the application writes them. */
export type StytchOptions = z.input<typeof stytchOptionsSchema>
/** The Stytch options with every default applied and `baseUrl` resolved. */
export type StytchConfig = z.output<typeof stytchOptionsSchema>

/**
 * Checks the options once, at startup.
 * @throws MfaError `configuration_error` naming every bad key (never the secret's value).
 */
export function parseStytchOptions(options: unknown): StytchConfig {
  if (typeof options !== 'object' || options === null) {
    throw new MfaError(
      'configuration_error',
      'Invalid Stytch options: expected an object with projectId and secret, or with client',
    )
  }
  // Pick the form first, so the errors are about the form the application meant.
  const schema = 'client' in options ? stytchClientOptionsSchema : stytchCredentialsOptionsSchema
  const result = schema.safeParse(options)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => issue.message).join('; ')
  throw new MfaError('configuration_error', `Invalid Stytch options: ${problems}`)
}
