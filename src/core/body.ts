/**
 * @module Request bodies: JSON or a form, whether or not the app mounted a body parser, under
 * a size limit, then checked against a strict schema (only known keys, only strings).
 */
import type { z } from 'zod'
import { MfaError } from './errors.js'
import type { AuthRequest } from './http.js'

function mediaType(req: AuthRequest): string | undefined {
  return req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
}

/** True for a form post (what a browser without JavaScript sends). */
export function isFormPost(req: AuthRequest): boolean {
  return mediaType(req) === 'application/x-www-form-urlencoded'
}

function parseForm(text: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>
  for (const [key, value] of new URLSearchParams(text)) {
    // A repeated field is ambiguous (which one wins differs between parsers): refuse it.
    if (Object.hasOwn(fields, key)) {
      throw new MfaError('invalid_request', `The form repeats the field ${JSON.stringify(key)}`)
    }
    fields[key] = value
  }
  return fields
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new MfaError('invalid_request', 'The body is not valid JSON')
  }
}

async function rawFields(req: AuthRequest, limit: number): Promise<unknown> {
  // An app body parser that ran for this content type already consumed the stream.
  if (req.parsedBody !== undefined && req.parsedBody !== null) return req.parsedBody
  const type = mediaType(req)
  const length = req.header('content-length')
  if (type === undefined && (length === undefined || length === '0')) return {}
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    throw new MfaError('unsupported_media_type', `Content-Type ${type ?? '(none)'} is not accepted`)
  }
  const encoding = req.header('content-encoding')
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new MfaError('unsupported_media_type', 'Compressed bodies are not accepted')
  }
  const text = (await req.readBody(limit)).toString('utf8')
  return type === 'application/json' ? parseJson(text) : parseForm(text)
}

/**
 * Reads and checks the body. Malformed input is `invalid_request` (400), a wrong content type
 * `unsupported_media_type` (415), too much `payload_too_large` (413): never a 500.
 */
export async function readBody<S extends z.ZodType>(
  req: AuthRequest,
  schema: S,
  limit: number,
): Promise<z.output<S>> {
  const fields = await rawFields(req, limit)
  const result = schema.safeParse(fields)
  if (!result.success) {
    const names = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))]
    throw new MfaError('invalid_request', `Invalid field(s): ${names.join(', ') || '(body)'}`)
  }
  return result.data
}
