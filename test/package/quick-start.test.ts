/**
 * The README's quick starts, as a newcomer runs them: each code block is copied out of README.md
 * into an empty folder as `server.mjs`, the packed package and the framework are installed from
 * npm, and a browser-like client signs in through the pages with the codes the server prints.
 * So the README cannot drift from what works. `npm test` builds `dist/` before the suite runs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/processes.js'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The first `js` code block under a heading of README.md. */
function quickStart(heading: string): string {
  const section = README.slice(README.indexOf(`## ${heading}\n`))
  const block = /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error(`README.md has no js block under "${heading}"`)
  return block
}

function versionOf(name: string): string {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { version: string }
  return manifest.version
}

const cases = [
  {
    name: 'Express 5',
    heading: 'Quick start (Express)',
    deps: [`express@${versionOf('express')}`],
  },
  {
    name: 'Express 4',
    heading: 'Quick start (Express)',
    deps: [`express@${versionOf('express4')}`],
  },
  {
    name: 'Koa 3',
    heading: 'Quick start (Koa)',
    deps: [`koa@${versionOf('koa')}`, `@koa/router@${versionOf('@koa/router')}`],
  },
] as const

/** A browser's form posts and navigations, with its cookies, redirects not followed. */
class Visitor {
  readonly #origin: string
  readonly #cookies = new Map<string, string>()

  constructor(origin: string) {
    this.#origin = origin
  }

  /** Sent with node:http: fetch() writes its own Sec-Fetch-* headers, as a page script's. */
  async #send(method: string, path: string, body = '', headers: Record<string, string> = {}) {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${this.#origin}${path}`, {
        method,
        headers: {
          accept: 'text/html',
          'sec-fetch-site': 'same-origin',
          'sec-fetch-mode': 'navigate',
          ...(cookie === '' ? {} : { cookie }),
          ...headers,
        },
      })
      req.on('response', resolve).on('error', reject).end(body)
    })
    let text = ''
    for await (const chunk of res) text += String(chunk)
    for (const header of res.headers['set-cookie'] ?? []) {
      const [pair = ''] = header.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index)
      const value = pair.slice(index + 1)
      if (value === '' || /max-age=0/i.test(header)) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
    return { status: res.statusCode ?? 0, location: res.headers.location, text }
  }

  get(path: string) {
    return this.#send('GET', path)
  }

  submit(path: string, fields: Record<string, string>) {
    return this.#send('POST', path, new URLSearchParams(fields).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      origin: this.#origin,
    })
  }
}

/** A quick start running in its own folder; `output` is what it printed so far. */
interface Running {
  readonly origin: string
  readonly child: ChildProcess
  output: string
}

async function start(folder: string): Promise<Running> {
  const port = await freePort()
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: folder,
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const running: Running = { origin: `http://localhost:${String(port)}`, child, output: '' }
  const collect = (chunk: Buffer) => {
    running.output += chunk.toString()
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  await expect.poll(() => running.output, { timeout: 20_000 }).toContain('Open http://localhost')
  return running
}

/** The last code the quick start printed for `to`. */
async function codeFor(running: Running, to: string): Promise<string> {
  const pattern = new RegExp(`code for ${to.replace('+', '\\+')}: (\\d{6})`, 'g')
  const codes = () => [...running.output.matchAll(pattern)].map((match) => match[1] ?? '')
  await expect.poll(() => codes().length, { timeout: 5000 }).toBeGreaterThan(0)
  return codes().at(-1) ?? ''
}

let tarball: string
const folders: string[] = []

beforeAll(async () => {
  const packs = await mkdtemp(join(tmpdir(), 'stytch-b2b-mfa-pack-'))
  folders.push(packs)
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packs], {
    cwd: ROOT,
  })
  const [packed] = JSON.parse(stdout) as { filename: string }[]
  tarball = join(packs, packed?.filename ?? '')
}, 60_000)

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })))
})

describe.each(cases)('the README quick start on $name', ({ heading, deps }) => {
  let running: Running | undefined

  afterAll(() => {
    running?.child.kill()
  })

  it('installs into an empty folder, starts on the emulator, and signs a member in through its pages with both codes', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'stytch-b2b-mfa-quick-start-'))
    folders.push(folder)
    await writeFile(join(folder, 'package.json'), JSON.stringify({ private: true }))
    await writeFile(join(folder, 'server.mjs'), quickStart(heading))
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...deps], {
      cwd: folder,
    })
    running = await start(folder)
    const visitor = new Visitor(running.origin)

    const anonymous = await visitor.get('/')
    expect(anonymous.status).toBe(303)
    expect(anonymous.location).toMatch(/^\/login/)
    expect((await visitor.get('/login')).status).toBe(200)

    const sent = await visitor.submit('/auth/email/send', {
      email: 'admin@acme.test',
      organization: 'acme',
    })
    expect(sent.location).toBe('/login/code')
    const emailed = await visitor.submit('/auth/email/verify', {
      code: await codeFor(running, 'admin@acme.test'),
    })
    expect(emailed.location).toBe('/mfa')
    expect((await visitor.get('/mfa')).status).toBe(200)
    const texted = await visitor.submit('/auth/sms/verify', {
      code: await codeFor(running, '+12025550100'),
    })
    expect(texted.location).toBe('/')

    const home = await visitor.get('/')
    expect(home.status).toBe(200)
    expect(home.text).toMatch(/Signed in with MFA as member-/)

    expect((await visitor.submit('/auth/logout', {})).location).toBe('/login')
    expect((await visitor.get('/')).status).toBe(303)
  }, 180_000)
})
