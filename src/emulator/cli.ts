#!/usr/bin/env node
/** @module `stytch-b2b-emulator`: the emulator as a local development server. */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { DEFAULT_PROJECT_ID, DEFAULT_SECRET, startEmulator } from './emulator.js'
import { parseSeed } from './seed.js'
import type { EmulatorSeed, OutboxMessage } from './types.js'

const DEFAULT_PORT = 4010

/** How often the CLI looks whether the shell npm started it through is still there. */
const PARENT_CHECK_MS = 200

const HELP = `Usage: stytch-b2b-emulator [options]

A local Stytch B2B API for development and tests. Point the official SDK at it with
  new B2BClient({ project_id, secret, env: 'http://127.0.0.1:PORT/' })

Options:
  --port N          TCP port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free port)
  --project-id ID   project id the SDK must use (default ${DEFAULT_PROJECT_ID})
  --secret S        secret the SDK must use (default ${DEFAULT_SECRET})
  --seed FILE       JSON file: { "organizations": [ { "organization_name", "organization_slug",
                    "mfa_policy", "members": [ { "email_address", "mfa_phone_number" } ] } ] }
  -h, --help        show this help

Codes "sent" by email or SMS are printed here and listed at GET /__emulator/outbox.`

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new Error(`--port must be 0-65535, got "${value}"`)
  return port
}

// The full number is not needed to tell test phones apart; the code is what the developer wants.
function maskPhone(phone: string): string {
  return phone.length <= 6
    ? phone
    : `${phone.slice(0, 2)}${'•'.repeat(phone.length - 6)}${phone.slice(-4)}`
}

function describeMessage(message: OutboxMessage): string {
  const to = message.channel === 'sms' ? maskPhone(message.to) : message.to
  return `[${message.channel}] ${to} code ${message.code}`
}

function describeSeed(seed: EmulatorSeed | undefined): string {
  const organizations = seed?.organizations ?? []
  if (organizations.length === 0)
    return 'none (create them with POST /v1/b2b/organizations or --seed)'
  return organizations
    .map((org) => `${org.organization_slug} (${String(org.members?.length ?? 0)} members)`)
    .join(', ')
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'project-id': { type: 'string' },
      secret: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help === true) {
    console.log(HELP)
    return
  }
  const seed =
    values.seed === undefined
      ? undefined
      : parseSeed(JSON.parse(await readFile(values.seed, 'utf8')) as unknown)
  const emulator = await startEmulator({
    port: parsePort(values.port),
    projectId: values['project-id'] ?? DEFAULT_PROJECT_ID,
    secret: values.secret ?? DEFAULT_SECRET,
    seed,
    onMessage: (message) => {
      console.log(describeMessage(message))
    },
  })
  console.log(`Stytch B2B emulator listening on ${emulator.url}`)
  console.log(`  project id     ${emulator.projectId}`)
  console.log(`  secret         ${emulator.secret}`)
  console.log(`  organizations  ${describeSeed(seed)}`)
  console.log(`  outbox         ${emulator.origin}/__emulator/outbox`)

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void emulator.close().finally(() => {
      process.exit(0)
    })
  }
  // `on`, not `once`: a Ctrl-C reaches the CLI from the terminal and again through npm; the
  // second must not end it half-way through closing.
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  stopWhenNpmShellEnds(stop)
}

/**
 * `npx stytch-b2b-emulator` runs the CLI through `sh -c`, and npm passes SIGTERM and SIGINT to
 * that shell only, which ends without passing them on: the emulator would live on, holding its
 * port. So under npm, the shell ending first is npm stopping; started any other way (say
 * `node cli.js &` from a script that then ends), the CLI runs on.
 */
function stopWhenNpmShellEnds(stop: () => void): void {
  if (process.env.npm_lifecycle_event === undefined) return
  const parent = process.ppid
  setInterval(() => {
    // An orphan is adopted by another process: its parent id changes.
    if (process.ppid !== parent) stop()
  }, PARENT_CHECK_MS).unref()
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`stytch-b2b-emulator: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
