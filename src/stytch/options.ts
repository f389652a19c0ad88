/**
 * @module How to reach Stytch: the schema of the `stytch` option and the only place its defaults
 * live. The factory checks it in the same pass as every other option (`src/setup.ts`).
 */
import type { B2BClient } from 'stytch'
import { z } from 'zod'

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
    .number({ error: 'expected a number of milliseconds' })
    .int('expected an integer')
    .min(100, 'must be at least 100')
    .max(60_000, 'must be at most 60000')
    .default(5000),
  /**
   * Seconds of clock skew allowed when checking a session JWT's `exp` and `nbf` (0..60).
   * @default 0
   */
  jwtClockToleranceSeconds: z
    .number({ error: 'expected a number of seconds' })
    .int('expected an integer')
    .min(0, 'must be at least 0')
    .max(60, 'must be at most 60')
    .default(0),
}

// Stytch ids look like `project-test-<uuid>`. The SDK puts the id in the JWKS URL path, so
// only characters that cannot change that path are allowed.
const projectId = z
  .string({ error: 'expected a string' })
  .min(1, { error: 'must not be empty', abort: true })
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "-" and "_" only')

// The secret is never echoed: these messages name the key, not the value.
const secret = z
  .string({ error: 'expected a string' })
  .min(1, 'must not be empty')
  .refine((value) => value.trim() === value, {
    error: 'has leading or trailing whitespace (check how it is loaded)',
  })

const baseUrl = z.string({ error: 'expected a URL string' }).transform((value, ctx) => {
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
    ctx.addIssue({ code: 'custom', message: `${problem ?? ''}, got "${shown}"` })
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
const clientForm = z.strictObject(
  {
    /** A `B2BClient` from the `stytch` package. */
    client: z.custom<B2BClient>(isB2BClientLike, {
      error: 'expected a B2BClient from the "stytch" package',
    }),
    ...common,
  },
  { error: unknownKey('with "client", pass only client, timeoutMs, jwtClockToleranceSeconds') },
)

/**
 * `{ projectId, secret, baseUrl? }`: the adapter builds the client. Without `baseUrl`, Stytch
 * test or live is chosen by the project id prefix (`project-live-` → live), like the SDK.
 * `baseUrl` is any Stytch-compatible origin, e.g. the emulator at `http://127.0.0.1:4010/`.
 */
const credentialsForm = z
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
        path: ['baseUrl'],
        message: `${problem}, got "${resolved}" for projectId "${options.projectId}"`,
      })
      return z.NEVER
    }
    return { ...options, baseUrl: resolved }
  })

/** The Stytch options as the application writes them. */
export type StytchOptions = z.input<typeof clientForm> | z.input<typeof credentialsForm>
/** The Stytch options with every default applied and `baseUrl` resolved. */
export type StytchConfig = z.output<typeof clientForm> | z.output<typeof credentialsForm>

/**
 * Every way to reach Stytch: the `stytch` option. The form is picked by its keys before it is
 * checked (`client` or not), so that errors are about the form the application meant.
 */
export const stytchOptionsSchema = z
  .custom<StytchOptions>((value) => typeof value === 'object' && value !== null, {
    error: 'expected an object: { projectId, secret } or { client }',
  })
  .transform((options, ctx): StytchConfig => {
    const result = ('client' in options ? clientForm : credentialsForm).safeParse(options)
    if (result.success) return result.data
    for (const { message, path } of result.error.issues) {
      ctx.addIssue({ code: 'custom', message, path })
    }
    return z.NEVER
  })
