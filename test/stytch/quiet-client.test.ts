/**
 * What a newcomer sees when `npm start` builds the client for the emulator: no SDK warning.
 * The SDK warns about any `env` that is not Stytch's own host, and takes only https in its
 * quiet `custom_base_url`, so the adapter holds back that one message for an http origin.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { stytchPort } from './helpers.js'

const seed = {
  organizations: [
    {
      organization_name: 'Acme',
      organization_slug: 'acme',
      email_jit_provisioning: 'RESTRICTED' as const,
      email_allowed_domains: ['acme.test'],
    },
  ],
}

describe('createStytchPort() with projectId, secret and baseUrl', () => {
  let emulator: Emulator
  let warn: MockInstance<typeof console.warn>

  beforeAll(async () => {
    emulator = await startEmulator({ seed })
  })

  afterAll(async () => {
    await emulator.close()
  })

  afterEach(() => {
    warn.mockRestore()
  })

  function watchWarnings(): void {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  }

  const credentials = () => ({ projectId: emulator.projectId, secret: emulator.secret })

  it('prints nothing on console.warn when baseUrl is the emulator, and reaches it', async () => {
    watchWarnings()
    const port = stytchPort({ ...credentials(), baseUrl: emulator.url })
    expect(warn).not.toHaveBeenCalled()
    await port.sendEmailOtp({ organizationId: 'acme', emailAddress: 'ada@acme.test' })
    expect(emulator.lastCode('ada@acme.test')).toMatch(/^\d{6}$/)
  })

  it('puts console.warn back as it found it, for the application’s own warnings', () => {
    watchWarnings()
    stytchPort({ ...credentials(), baseUrl: emulator.url })
    expect(console.warn).toBe(warn)
    console.warn('the application speaks')
    expect(warn).toHaveBeenCalledWith('the application speaks')
  })

  it('prints nothing for an https origin other than Stytch’s', () => {
    watchWarnings()
    stytchPort({ ...credentials(), baseUrl: 'https://stytch-proxy.example.test/' })
    expect(warn).not.toHaveBeenCalled()
  })

  it('prints nothing for Stytch’s test host, chosen by default', () => {
    watchWarnings()
    stytchPort({
      projectId: 'project-test-00000000-0000-0000-0000-000000000000',
      secret: 's',
    })
    expect(warn).not.toHaveBeenCalled()
  })
})
