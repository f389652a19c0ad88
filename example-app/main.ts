/**
 * `npm start`: the admin console on http://localhost:3000, with the Stytch emulator in the same
 * process (seeded with organization `acme`), or with Stytch itself when `STYTCH_PROJECT_ID` and
 * `STYTCH_SECRET` are set. Every setting is an environment variable: see `README.md`.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { startEmulator, type Emulator, type OutboxMessage } from 'stytch-b2b-mfa/emulator'
import { createApp, type ExampleAppOptions } from './app.js'
import { DEMO_MEMBERS, DEMO_ORGANIZATION, demoSeed } from './demo.js'

const env = process.env

function portFrom(name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value}"`)
  }
  return port
}

/** `TRUST_PROXY` as Express reads it: `true`/`false`, a hop count, or addresses/`loopback`. */
function trustProxyFrom(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false
  if (value === 'true') return true
  return /^\d+$/.test(value) ? Number(value) : value
}

function sessionSecret(): string {
  const secret = env.SESSION_SECRET
  if (secret !== undefined && secret !== '') {
    if (secret.length < 32) {
      throw new Error(
        'SESSION_SECRET must be at least 32 characters: export SESSION_SECRET=$(openssl rand -base64 32)',
      )
    }
    return secret
  }
  console.warn(
    'SESSION_SECRET is not set: using a random one. Sessions end when the process restarts.\n' +
      '  Set one with: export SESSION_SECRET=$(openssl rand -base64 32)',
  )
  return randomBytes(32).toString('base64url')
}

function printCode(message: OutboxMessage): void {
  const channel = message.channel === 'sms' ? 'SMS  ' : 'email'
  console.log(`[emulator] ${channel} to ${message.to}: code ${message.code}`)
}

/** Stytch from the environment, or the emulator started here. */
async function stytchFromEnv(): Promise<{
  stytch: ExampleAppOptions['stytch']
  emulator: Emulator | undefined
}> {
  const projectId = env.STYTCH_PROJECT_ID
  const secret = env.STYTCH_SECRET
  const baseUrl = env.STYTCH_API_URL === '' ? undefined : env.STYTCH_API_URL
  if (projectId !== undefined && projectId !== '' && secret !== undefined && secret !== '') {
    return { stytch: { projectId, secret, baseUrl }, emulator: undefined }
  }
  if (projectId || secret || baseUrl !== undefined) {
    throw new Error(
      'Set both STYTCH_PROJECT_ID and STYTCH_SECRET (and optionally STYTCH_API_URL), or none of them to use the embedded emulator.\n' +
        '  For an emulator started with `npx stytch-b2b-emulator`, use its defaults:\n' +
        '  STYTCH_PROJECT_ID=project-test-00000000-0000-4000-8000-000000000000 STYTCH_SECRET=secret-test-emulator-0000000000000000 STYTCH_API_URL=http://127.0.0.1:4010/',
    )
  }
  const emulator = await startEmulator({
    port: portFrom('STYTCH_EMULATOR_PORT', 4010),
    seed: demoSeed,
    onMessage: printCode,
  })
  return {
    stytch: { projectId: emulator.projectId, secret: emulator.secret, baseUrl: emulator.url },
    emulator,
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

async function main(): Promise<void> {
  const port = portFrom('PORT', 3000)
  const host = env.HOST ?? '127.0.0.1'
  const trustProxy = trustProxyFrom(env.TRUST_PROXY)
  const secret = sessionSecret()
  const { stytch, emulator } = await stytchFromEnv()
  try {
    await serve({ port, host, trustProxy, secret, stytch, emulator })
  } catch (error) {
    // The emulator would keep the process alive after a failed start.
    await emulator?.close()
    throw error
  }
}

async function serve(settings: {
  port: number
  host: string
  trustProxy: boolean | number | string
  secret: string
  stytch: ExampleAppOptions['stytch']
  emulator: Emulator | undefined
}): Promise<void> {
  const { port, host, trustProxy, stytch, emulator } = settings
  const { app } = createApp({
    stytch,
    sessionSecret: settings.secret,
    // Plain http is only for local development: behind an https proxy (TRUST_PROXY set),
    // cookies are Secure and a sign-in over plain http is refused.
    allowInsecureCookies: trustProxy === false,
    trustProxy,
    origin: env.ORIGIN === '' ? undefined : env.ORIGIN,
    defaultOrganization: emulator === undefined ? undefined : DEMO_ORGANIZATION,
  })
  const server = createServer(app)
  await listen(server, port, host)

  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host
  console.log(`Admin console: http://${shown}:${String(port)}/`)
  if (emulator === undefined) {
    const where =
      stytch.baseUrl ??
      (stytch.projectId.startsWith('project-live-') ? 'Stytch live' : 'Stytch test')
    console.log(`Stytch: project ${stytch.projectId} at ${where}`)
  } else {
    console.log(`Stytch emulator: ${emulator.url} (codes are printed below, none is really sent)`)
    console.log(`Organization: ${DEMO_ORGANIZATION}`)
    for (const member of DEMO_MEMBERS) console.log(`  ${member.email}: ${member.note}`)
  }

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    server.closeAllConnections()
    server.close()
    void emulator?.close()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  const inUse = (error as { code?: unknown } | undefined)?.code === 'EADDRINUSE'
  console.error(
    inUse
      ? `${(error as Error).message}: choose other ports with PORT and STYTCH_EMULATOR_PORT`
      : error instanceof Error
        ? error.message
        : error,
  )
  process.exitCode = 1
})
