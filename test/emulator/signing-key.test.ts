import { generateKeyPairSync, sign } from 'node:crypto'
import { B2BClient } from 'stytch'
import { describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/emulator/index.js'

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('startEmulator({ signingKey })', () => {
  it('signs with the key it is given, so JWTs signed elsewhere with it verify', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const emulator = await startEmulator({ signingKey: { kid: 'jwk-test-given', privateKeyPem } })
    try {
      const jwks = (await (
        await fetch(new URL(`v1/b2b/sessions/jwks/${emulator.projectId}`, emulator.url))
      ).json()) as { keys: { kid: string }[] }
      expect(jwks.keys.map((key) => key.kid)).toEqual(['jwk-test-given'])

      const now = Math.floor(emulator.now().getTime() / 1000)
      const at = new Date(now * 1000).toISOString()
      const input = `${part({ alg: 'RS256', kid: 'jwk-test-given', typ: 'JWT' })}.${part({
        sub: 'member-test-elsewhere',
        aud: [emulator.projectId],
        iss: `stytch.com/${emulator.projectId}`,
        iat: now,
        nbf: now,
        exp: now + 300,
        'https://stytch.com/session': {
          id: 'member-session-test-elsewhere',
          started_at: at,
          last_accessed_at: at,
          expires_at: new Date((now + 3600) * 1000).toISOString(),
          attributes: { ip_address: '', user_agent: '' },
          authentication_factors: [],
          roles: ['stytch_member'],
        },
        'https://stytch.com/organization': { organization_id: 'organization-test-x', slug: 'x' },
      })}`
      const jwt = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
      const client = new B2BClient({
        project_id: emulator.projectId,
        secret: emulator.secret,
        env: emulator.url,
      })
      await expect(
        client.sessions.authenticateJwtLocal({ session_jwt: jwt }),
      ).resolves.toMatchObject({ member_id: 'member-test-elsewhere' })
    } finally {
      await emulator.close()
    }
  })
})
