/**
 * @module Many signed-in members at once, without signing each in over HTTP: session JWTs with
 * the claims Stytch gives after an email code and an SMS code, signed with the key the emulator
 * is then started with. The guards verify them locally and never ask the emulator about them, so
 * their members need not exist there.
 *
 * An RS256 signature costs about a millisecond, 200,000 of them minutes: they are made on every
 * core, then kept in test-results/bench/sessions/ (the key, the issue time, the signatures) and
 * reused while the JWTs have days left. Every JWT of a set is issued at the same second, so a
 * JWT is known from its index and the signature alone.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/** The organization the members belong to. */
export const MANY_ORGANIZATION = {
  id: 'organization-test-bench-0000-4000-8000-000000000000',
  slug: 'acme',
} as const

/** The JWTs (and their sessions) live a week: reused by later runs, never refreshed in one. */
const LIFETIME_SECONDS = 7 * 24 * 60 * 60
/** A kept set is minted again when less than this is left of it. */
const MIN_LEFT_SECONDS = 24 * 60 * 60
const SIGNATURE_BYTES = 256
const CHUNK = 5000
const DIR = fileURLToPath(new URL('../test-results/bench/sessions/', import.meta.url))

/** The key the emulator signs with, as `startEmulator({ signingKey })` takes it. */
export interface BenchSigningKey {
  readonly kid: string
  readonly privateKeyPem: string
}

interface KeptSet extends BenchSigningKey {
  readonly projectId: string
  /** Epoch seconds every JWT of the set was issued at. */
  readonly issuedAt: number
}

export interface ManySessions {
  readonly signingKey: BenchSigningKey
  /** One `Cookie` header per member, as a browser signed in with `sessionStorage: 'cookie'`. */
  readonly cookies: readonly string[]
}

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const padded = (index: number, width: number) => String(index).padStart(width, '0')

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The signed part (`header.payload`) of member `index`'s JWT. */
function signingInput(set: KeptSet, index: number): string {
  const at = rfc3339(set.issuedAt)
  const stamps = { last_authenticated_at: at, created_at: at, updated_at: at }
  const suffix = padded(index, 12)
  const email = `member-${String(index)}@acme.test`
  const header = part({ alg: 'RS256', kid: set.kid, typ: 'JWT' })
  const payload = part({
    sub: `member-test-bench-${padded(index, 6)}`,
    aud: [set.projectId],
    iss: `stytch.com/${set.projectId}`,
    iat: set.issuedAt,
    nbf: set.issuedAt,
    exp: set.issuedAt + LIFETIME_SECONDS,
    'https://stytch.com/session': {
      id: `member-session-test-bench-0000-4000-8000-${suffix}`,
      started_at: at,
      last_accessed_at: at,
      expires_at: rfc3339(set.issuedAt + LIFETIME_SECONDS),
      attributes: { ip_address: '', user_agent: '' },
      authentication_factors: [
        {
          type: 'email_otp',
          delivery_method: 'email',
          ...stamps,
          email_factor: {
            email_id: `member-email-test-bench-0000-4000-8000-${suffix}`,
            email_address: email,
          },
        },
        {
          type: 'otp',
          delivery_method: 'sms',
          ...stamps,
          phone_number_factor: {
            phone_id: `mfa-phone-number-test-bench-0000-4000-8000-${suffix}`,
            // +1 202 555 xxxx are fictional numbers.
            phone_number: `+1202555${padded(index % 10_000, 4)}`,
          },
        },
      ],
      roles: ['stytch_member'],
    },
    'https://stytch.com/organization': {
      organization_id: MANY_ORGANIZATION.id,
      slug: MANY_ORGANIZATION.slug,
    },
  })
  return `${header}.${payload}`
}

/** Plain JavaScript: a worker cannot load TypeScript. Signs the inputs it is sent. */
const SIGNER = `
const { parentPort, workerData } = require('node:worker_threads')
const { createPrivateKey, sign } = require('node:crypto')
const key = createPrivateKey(workerData)
parentPort.on('message', (inputs) => {
  const out = Buffer.alloc(inputs.length * ${String(SIGNATURE_BYTES)})
  inputs.forEach((input, index) => sign('sha256', Buffer.from(input), key).copy(out, index * ${String(SIGNATURE_BYTES)}))
  parentPort.postMessage(out)
})
`

/** The signatures of `inputs`, from `worker`, one after another. */
function signed(worker: Worker, inputs: readonly string[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off('message', onMessage)
      reject(error)
    }
    const onMessage = (signatures: Uint8Array) => {
      worker.off('error', onError)
      resolve(signatures)
    }
    worker.once('message', onMessage)
    worker.once('error', onError)
    worker.postMessage(inputs)
  })
}

/** Signatures of members `0 … count-1`, made by one worker per core. */
async function sign(set: KeptSet, count: number): Promise<Buffer> {
  const signatures = Buffer.alloc(count * SIGNATURE_BYTES)
  const starts = Array.from({ length: Math.ceil(count / CHUNK) }, (_, index) => index * CHUNK)
  const workers = Array.from(
    { length: Math.min(availableParallelism(), starts.length) },
    () => new Worker(SIGNER, { eval: true, workerData: set.privateKeyPem }),
  )
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let start = starts.shift(); start !== undefined; start = starts.shift()) {
          const end = Math.min(count, start + CHUNK)
          const inputs = Array.from({ length: end - start }, (_, index) =>
            signingInput(set, start + index),
          )
          Buffer.from(await signed(worker, inputs)).copy(signatures, start * SIGNATURE_BYTES)
        }
      }),
    )
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
  return signatures
}

async function readKept(projectId: string, count: number): Promise<[KeptSet, Buffer] | undefined> {
  try {
    const set = JSON.parse(await readFile(`${DIR}set.json`, 'utf8')) as KeptSet
    const signatures = await readFile(`${DIR}signatures.bin`)
    const left = set.issuedAt + LIFETIME_SECONDS - Date.now() / 1000
    if (set.projectId !== projectId || left < MIN_LEFT_SECONDS) return undefined
    if (signatures.length < count * SIGNATURE_BYTES) return undefined
    return [set, signatures]
  } catch {
    return undefined
  }
}

/**
 * `count` signed-in members of `projectId`, and the key to start the emulator with: the set kept
 * from an earlier run when it is large and fresh enough, else a new one (and it is kept).
 */
export async function manySessions(projectId: string, count: number): Promise<ManySessions> {
  let kept = await readKept(projectId, count)
  if (kept === undefined) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const set: KeptSet = {
      kid: `jwk-test-bench-${randomUUID()}`,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      projectId,
      issuedAt: Math.floor(Date.now() / 1000),
    }
    process.stderr.write(`minting ${count.toLocaleString('en-US')} session JWTs… `)
    const started = performance.now()
    const signatures = await sign(set, count)
    process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s\n`)
    await mkdir(DIR, { recursive: true })
    await writeFile(`${DIR}signatures.bin`, signatures)
    await writeFile(`${DIR}set.json`, JSON.stringify(set))
    kept = [set, signatures]
  }
  const [set, signatures] = kept
  const cookies = Array.from({ length: count }, (_, index) => {
    const signature = signatures
      .subarray(index * SIGNATURE_BYTES, (index + 1) * SIGNATURE_BYTES)
      .toString('base64url')
    // The session token is never sent to Stytch while the JWT verifies: it only needs the shape.
    const token = `bench-session-token-${padded(index, 6)}-${'x'.repeat(24)}`
    const jwt = `${signingInput(set, index)}.${signature}`
    return `__Host-stytch_session=${token}; __Host-stytch_session_jwt=${jwt}`
  })
  return { signingKey: { kid: set.kid, privateKeyPem: set.privateKeyPem }, cookies }
}
