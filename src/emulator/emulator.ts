/** @module `startEmulator()`: wires state, keys, routes and the server into a running instance. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Delays } from './faults.js'
import { randomCode } from './ids.js'
import {
  createSigningKey,
  createSigningKeySync,
  signAnything,
  signingKeyFrom,
  type SigningKey,
} from './jwt.js'
import type { EmulatorContext } from './router.js'
import { controlRoutes } from './routes-emulator-control.js'
import { mfaRoutes } from './routes-mfa.js'
import { organizationRoutes } from './routes-organizations.js'
import { emailOtpRoutes } from './routes-otps-email.js'
import { smsOtpRoutes } from './routes-otps-sms.js'
import { discoveryRoutes } from './routes-discovery.js'
import { rbacRoutes } from './routes-rbac.js'
import { sessionRoutes } from './routes-sessions.js'
import { sessionExchangeRoutes } from './routes-sessions-exchange.js'
import { parseSeed } from './seed.js'
import { memberJsonIn, organizationJson } from './serialize.js'
import { createEmulatorServer } from './server.js'
import { SessionJwts } from './session-jwt.js'
import { EmulatorState } from './state.js'
import { currentTotpCode, memberFor, unusedRecoveryCodes } from './totp-peek.js'
import type { Emulator, EmulatorOptions, SignSessionJwtOptions } from './types.js'

/** Project id used when none is given (a test-environment id, as the SDK expects). */
export const DEFAULT_PROJECT_ID = 'project-test-00000000-0000-4000-8000-000000000000'
/** Secret used when none is given. */
export const DEFAULT_SECRET = 'secret-test-emulator-0000000000000000'

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`)
  }
  return port
}

/**
 * Starts a local Stytch B2B API on 127.0.0.1 that the unmodified `stytch` SDK talks to with
 * `new B2BClient({ project_id, secret, env: emulator.url })`.
 *
 * @param options.port TCP port; default `0` (a random free port).
 * @param options.projectId default `project-test-00000000-0000-4000-8000-000000000000`.
 * @param options.secret default `secret-test-emulator-0000000000000000`.
 * @param options.seed organizations with members; default none. Checked first (`TypeError`).
 * @param options.now base clock in ms; default `Date.now`. `advanceClock()` adds on top.
 * @param options.generateCode default crypto-random 6 digits.
 * @param options.onMessage called for each code sent; default nothing.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID
  const secret = options.secret ?? DEFAULT_SECRET
  const port = checkPort(options.port ?? 0)
  const state = new EmulatorState({
    seed: parseSeed(options.seed ?? { organizations: [] }),
    baseNow: options.now ?? Date.now,
    generateCode: options.generateCode ?? randomCode,
    onMessage: options.onMessage,
  })
  const signingKey =
    options.signingKey === undefined
      ? await createSigningKey()
      : signingKeyFrom(options.signingKey.kid, options.signingKey.privateKeyPem)
  const ctx: EmulatorContext = {
    state,
    jwts: new SessionJwts(signingKey, projectId),
    signingKey,
    projectId,
  }
  const delays = new Delays()
  const server = createEmulatorServer({
    routes: [
      ...organizationRoutes(ctx),
      ...emailOtpRoutes(ctx),
      ...smsOtpRoutes(ctx),
      ...sessionRoutes(ctx),
      ...sessionExchangeRoutes(ctx),
      ...discoveryRoutes(ctx),
      ...rbacRoutes(ctx),
      ...mfaRoutes(ctx),
      ...controlRoutes(ctx),
    ],
    state,
    projectId,
    secret,
    delays,
  })
  await listen(server, port)
  const actualPort = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${actualPort}`
  let foreignKey: SigningKey | undefined
  let closed: Promise<void> | undefined

  return {
    url: `${origin}/`,
    origin,
    port: actualPort,
    projectId,
    secret,
    outbox: (filter) => state.outbox(filter),
    lastCode: (to) => state.outbox({ to }).at(-1)?.code,
    advanceClock: (seconds) => {
      state.advance(seconds)
    },
    now: () => new Date(state.now()),
    reset: () => {
      state.reset()
    },
    injectFault: (path, fault, times = 1) => {
      state.faults.add(path, fault, times)
    },
    clearFaults: () => {
      state.faults.clear()
    },
    calls: (path) => state.calls(path),
    sessionsMinted: () => state.sessions.mintedCount(),
    createOrganization: (input) => {
      const customRoles = state.rbac.organizationRoles(input.custom_roles ?? [])
      return organizationJson(
        state.directory.createOrganization({ ...input, custom_roles: customRoles }),
      )
    },
    createMember: (organization, input) => {
      const record = state.directory.organization(organization)
      return memberJsonIn(record, state.seedMember(record, input))
    },
    setRbacPolicy: (policy) => {
      state.rbac.setFromCode(policy)
    },
    totpCode: (member, organization) =>
      currentTotpCode(state, memberFor(state, member, organization)),
    recoveryCodes: (member, organization) =>
      unusedRecoveryCodes(state, memberFor(state, member, organization)),
    signSessionJwt: ({ payload, header = {}, key = 'emulator' }: SignSessionJwtOptions) => {
      const merged: Record<string, unknown> = { alg: 'RS256', kid: signingKey.kid, typ: 'JWT' }
      for (const [name, value] of Object.entries(header)) {
        if (value === undefined) Reflect.deleteProperty(merged, name)
        else merged[name] = value
      }
      const signer =
        key === 'emulator'
          ? signingKey
          : key === 'foreign'
            ? (foreignKey ??= createSigningKeySync())
            : undefined
      return signAnything(merged, payload, signer)
    },
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        delays.close()
        server.close((error) => {
          if (error) reject(error)
          else resolve()
        })
        // Hanging and stalled answers would otherwise keep close() waiting forever.
        server.closeAllConnections()
      })
      return closed
    },
  }
}
