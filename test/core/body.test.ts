import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readBody } from '../../src/core/body.js'
import { authRequest } from '../helpers/auth-request.js'

const schema = z.object({ code: z.string().regex(/^[0-9]{6}$/) })
const LIMIT = 1024

async function codeOf(init: Parameters<typeof authRequest>[0]): Promise<string> {
  try {
    return (await readBody(authRequest(init), schema, LIMIT)).code
  } catch (error) {
    return `error:${(error as { code: string }).code}`
  }
}

describe('readBody()', () => {
  it('reads JSON and forms', async () => {
    expect(
      await codeOf({ headers: { 'content-type': 'application/json' }, body: '{"code":"123456"}' }),
    ).toBe('123456')
    expect(
      await codeOf({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'code=123456',
      }),
    ).toBe('123456')
  })

  describe('when an app body parser already read the stream', () => {
    const json = { 'content-type': 'application/json' }
    const form = { 'content-type': 'application/x-www-form-urlencoded' }

    it('uses the value it parsed, never reading the stream again', async () => {
      expect(await codeOf({ headers: json, parsedBody: { code: '123456' }, body: 'x' })).toBe(
        '123456',
      )
    })

    it('parses text (express.text()) and bytes (express.raw()) as the Content-Type says', async () => {
      expect(await codeOf({ headers: json, parsedBody: '{"code":"123456"}' })).toBe('123456')
      expect(await codeOf({ headers: form, parsedBody: Buffer.from('code=123456') })).toBe('123456')
      expect(await codeOf({ headers: json, parsedBody: Buffer.from('{"code":') })).toBe(
        'error:invalid_request',
      )
      expect(await codeOf({ headers: form, parsedBody: 'code=000000&code=123456' })).toBe(
        'error:invalid_request',
      )
    })

    it('still accepts only JSON and forms, whatever else the parser understood', async () => {
      for (const type of ['text/plain', 'multipart/form-data; boundary=b', 'application/xml']) {
        expect(
          await codeOf({ headers: { 'content-type': type }, parsedBody: { code: '123456' } }),
          type,
        ).toBe('error:unsupported_media_type')
      }
      expect(await codeOf({ parsedBody: { code: '123456' } })).toBe('error:unsupported_media_type')
    })

    it('still holds the size limit: a declared length, text or bytes over it', async () => {
      expect(
        await codeOf({
          headers: { ...json, 'content-length': String(LIMIT + 1) },
          parsedBody: { code: '123456' },
        }),
      ).toBe('error:payload_too_large')
      const long = `{"code":"123456","pad":"${'x'.repeat(LIMIT)}"}`
      expect(await codeOf({ headers: json, parsedBody: long })).toBe('error:payload_too_large')
      expect(await codeOf({ headers: json, parsedBody: Buffer.from(long) })).toBe(
        'error:payload_too_large',
      )
    })

    it('checks what it parsed against the schema like any other body', async () => {
      for (const parsedBody of [null, [], { code: ['123456'] }, { code: 123456 }]) {
        expect(await codeOf({ headers: json, parsedBody }), JSON.stringify(parsedBody)).toBe(
          'error:invalid_request',
        )
      }
    })
  })

  it('answers malformed JSON with invalid_request', async () => {
    for (const body of ['{"code":', '{', 'NaN', '']) {
      expect(await codeOf({ headers: { 'content-type': 'application/json' }, body })).toBe(
        'error:invalid_request',
      )
    }
  })

  it('answers text/plain and other types with unsupported_media_type', async () => {
    expect(
      await codeOf({ headers: { 'content-type': 'text/plain' }, body: '{"code":"123456"}' }),
    ).toBe('error:unsupported_media_type')
    expect(
      await codeOf({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'x' }),
    ).toBe('error:unsupported_media_type')
  })

  it('refuses compressed bodies', async () => {
    expect(
      await codeOf({
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: 'x',
      }),
    ).toBe('error:unsupported_media_type')
  })

  it('refuses a repeated form field instead of picking one', async () => {
    expect(
      await codeOf({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'code=000000&code=123456',
      }),
    ).toBe('error:invalid_request')
  })

  it('answers a body over the limit with payload_too_large', async () => {
    expect(
      await codeOf({
        headers: { 'content-type': 'application/json' },
        body: `{"code":"${'1'.repeat(2000)}"}`,
      }),
    ).toBe('error:payload_too_large')
  })

  it('never lets __proto__ or constructor keys reach an object', async () => {
    const result = await codeOf({
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"code":"123456"}',
    })
    expect(result).toBe('123456')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const form = await codeOf({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '__proto__[polluted]=1&code=123456',
    })
    expect(form).toBe('123456')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses wrong types without coercion', async () => {
    for (const code of [123456, ['123456'], { $ne: '' }, null, true]) {
      expect(
        await codeOf({
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        }),
      ).toBe('error:invalid_request')
    }
  })
})
