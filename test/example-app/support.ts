/**
 * The example consoles on real ports, against an emulator with the demo seed, and a browser
 * without JavaScript to drive them, for the example's tests.
 */
import { createServer, type RequestListener } from 'node:http'
import request from 'supertest'
import type { Response } from 'supertest'
import { startEmulator, type Emulator } from 'stytch-b2b-mfa/emulator'
import { expect } from 'vitest'
import { createApp } from '../../example-app/app.js'
import type { ConsoleOptions } from '../../example-app/console.js'
import { DEMO_MEMBERS, demoSeed } from '../../example-app/demo.js'
import { createKoaApp } from '../../example-app/koa-app.js'
import { listenOnLoopback } from '../helpers/processes.js'
import { passEmailStep, passSmsStep } from '../helpers/sign-in.js'

const [admin, newcomer, appMember, pat] = DEMO_MEMBERS
/** The demo's member with a phone. */
export const ADMIN = { email: admin.email, phone: admin.phone }
/** The demo's member without a phone, and the number the tests enrol for them. */
export const NEWCOMER = { email: newcomer.email, phone: '+12025550123' } as const
/** The demo's member with an authenticator app (and recovery codes), no phone. */
export const APP_MEMBER = { email: appMember.email } as const
/** The demo's member of two organizations: Acme (MFA required) and Globex (MFA optional). */
export const PAT = { email: pat.email, phone: pat.phone }
/** Pat's organizations, by slug. */
export const ACME = 'acme'
export const GLOBEX = 'globex'
/** A valid French mobile number: real, but outside the countries the console enrols. */
export const FOREIGN_MOBILE = '+33612345678'

/** Another 6-digit code than `code`: a wrong one. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}

/** The options both consoles take: Koa's `trustProxy` is only `true`/`false` or a hop count. */
export type TestConsoleOptions = ConsoleOptions<boolean | number>

/** One of the example consoles: the same pages and routes on another framework. */
export interface ExampleConsole {
  readonly name: string
  listener(options: TestConsoleOptions): RequestListener
}

export const EXPRESS: ExampleConsole = {
  name: 'Express',
  listener: (options) => createApp(options).app,
}

export const KOA: ExampleConsole = {
  name: 'Koa',
  listener: (options) => {
    const callback = createKoaApp(options).app.callback()
    return (req, res) => {
      void callback(req, res)
    }
  },
}

export const CONSOLES: readonly ExampleConsole[] = [EXPRESS, KOA]

/**
 * The library's limits, raised where the tests need it: they sign the same members in many
 * times an hour, all from 127.0.0.1. The SMS cooldown keeps its default (30 s).
 */
export const TEST_LIMITS = {
  // The email step's attempts are counted per address for 15 minutes, right codes included.
  attemptsPerCode: 20,
  emailPerAddressPerHour: 1000,
  emailPerIpPerHour: 1000,
  smsPerMemberPerHour: 1000,
  smsPerMemberPerDay: 1000,
  smsPerPhonePerDay: 1000,
  smsPerIpPerHour: 1000,
} as const

/** The tests' options: plain http, raised limits, the emulator's clock, errors into `logs`. */
export function demoOptions(emulator: Emulator, logs: string[] = []): TestConsoleOptions {
  return {
    stytch: { projectId: emulator.projectId, secret: emulator.secret, baseUrl: emulator.url },
    sessionSecret: 'example-app-test-secret-0123456789-abcdefghij',
    allowInsecureCookies: true,
    defaultOrganization: 'acme',
    limits: TEST_LIMITS,
    now: () => emulator.now(),
    logger: { error: (...args: unknown[]) => logs.push(args.map(String).join(' ')) },
  }
}

/** A console on a loopback port. */
export interface Served {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly baseUrl: string
  close(): Promise<void>
}

export async function serve(listener: RequestListener): Promise<Served> {
  const { origin, close } = await listenOnLoopback(createServer(listener))
  return { baseUrl: origin, close }
}

export interface Demo extends Served {
  readonly emulator: Emulator
  /** What the app logged as errors. */
  readonly logs: string[]
}

/** A console with the tests' options (and `limits` on top of theirs), against its own emulator. */
export async function startDemo(
  app: ExampleConsole = EXPRESS,
  { limits }: { readonly limits?: TestConsoleOptions['limits'] } = {},
): Promise<Demo> {
  const emulator = await startEmulator({ seed: demoSeed })
  const logs: string[] = []
  const options = demoOptions(emulator, logs)
  const served = await serve(
    app.listener(
      limits === undefined ? options : { ...options, limits: { ...TEST_LIMITS, ...limits } },
    ),
  )
  return {
    emulator,
    baseUrl: served.baseUrl,
    logs,
    close: async () => {
      await served.close()
      await emulator.close()
    },
  }
}

/** What an HTML page says, in its text, with entities as written. */
export function text(res: Response): string {
  return res.text
}

/** The id of an organization as a page's form names it (`organizationId`), by its name. */
export function organizationIdIn(page: Response, name: string): string {
  const id = new RegExp(
    `name="organizationId" value="([^"]+)">\\s*<button>[^<]* ${name}</button>`,
  ).exec(page.text)?.[1]
  expect(id, `a form for ${name}`).toBeDefined()
  return id ?? ''
}

/** Where a 303 sends the browser. */
export function location(res: Response): string {
  expect(res.status, `expected a 303, got ${String(res.status)}: ${res.text}`).toBe(303)
  return res.headers.location as string
}

/** How the shared sign-in steps go in a browser: form posts answered by 303s. */
const BROWSER_STEP = { status: 303, returnTo: '/admin' } as const

/** A browser without JavaScript on one console: navigations and form posts, one cookie jar. */
export class Browser {
  readonly agent: ReturnType<typeof request.agent>

  constructor(
    readonly base: string,
    /** Where the codes are read. */
    readonly emulator: Emulator,
  ) {
    this.agent = request.agent(base)
  }

  /** The same browser (its cookies) on another instance, as a load balancer would send it. */
  on(base: string): Browser {
    const other = new Browser(base, this.emulator)
    other.agent.jar = this.agent.jar
    return other
  }

  get(path: string): Promise<Response> {
    return this.agent.get(path).set({
      accept: 'text/html',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'none',
    })
  }

  /** A form post as a current browser sends it (Fetch Metadata and Origin). */
  post(path: string, form: Record<string, string>): Promise<Response> {
    return this.agent
      .post(path)
      .type('form')
      .set({
        accept: 'text/html',
        origin: this.base,
        'sec-fetch-mode': 'navigate',
        'sec-fetch-site': 'same-origin',
      })
      .send(form)
  }

  /**
   * Follows a 303 (or 302) like the browser would: a GET of the location, and of the next one
   * while the answers redirect (an error in a URL is one more hop: the page moves it to a flash).
   */
  async follow(res: Response): Promise<Response> {
    expect([302, 303], `expected a redirect, got ${String(res.status)}: ${res.text}`).toContain(
      res.status,
    )
    let answer = res
    for (let hop = 0; [302, 303].includes(answer.status); hop++) {
      expect(hop, 'too many redirects').toBeLessThan(5)
      const target = new URL(answer.headers.location as string, this.base)
      answer = await this.get(target.pathname + target.search)
    }
    return answer
  }

  async submit(path: string, form: Record<string, string>): Promise<Response> {
    return this.follow(await this.post(path, form))
  }

  /** Email step done, asking to land on `/admin`: the browser is on the MFA page. */
  async passEmailStep(email: string): Promise<Response> {
    const verified = await passEmailStep(this, this.emulator, { email }, BROWSER_STEP)
    const mfaPage = await this.follow(verified)
    expect(mfaPage.status).toBe(200)
    return mfaPage
  }

  /**
   * A login by email alone, asking to land on `/admin`: answers the email code's 303 (to the
   * organization picker, or, with one organization, to its second factor).
   */
  async discover(email: string): Promise<Response> {
    const sent = await this.post('/auth/discovery/send', { email, returnTo: '/admin' })
    expect(location(sent)).toBe('/login/code')
    return this.post('/auth/discovery/verify', { code: this.emulator.lastCode(email)! })
  }

  /** Both codes of the admin: answers the SMS step's 303 to `/admin`. */
  async signInAdmin(): Promise<Response> {
    await this.passEmailStep(ADMIN.email)
    const verified = await passSmsStep(this, this.emulator, ADMIN, BROWSER_STEP)
    expect(location(verified)).toBe('/admin')
    return verified
  }
}
