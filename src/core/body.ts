/**
 * @module Request bodies: JSON or a form, whether or not the app mounted a body parser, under
 * a size limit, then checked against a strict schema (only known keys, only strings).
 */
import type { Readable } from 'node:stream'
import type { z } from 'zod'
import { MfaError } from './errors.js'
import type { AuthRequest } from './ports/framework.js'

type Accepted = 'application/json' | 'application/x-www-form-urlencoded'

function mediaType(req: AuthRequest): string | undefined {
  return req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
}

/**
 * The type the body is read as. Checked whoever parses the body, so mounting a body parser
 * that understands more (multipart, text, `+json`) widens nothing.
 */
function acceptedType(type: string | undefined): Accepted {
  if (type === 'application/json' || type === 'application/x-www-form-urlencoded') return type
  throw new MfaError('unsupported_media_type', `Content-Type ${type ?? '(none)'} is not accepted`)
}

function tooLarge(limit: number): MfaError {
  return new MfaError('payload_too_large', `The body is larger than ${limit} bytes`)
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

function parseText(type: Accepted, text: string): unknown {
  return type === 'application/json' ? parseJson(text) : parseForm(text)
}

/**
 * What an app body parser left. Text and bytes (`express.text()`, `express.raw()`) are parsed
 * here as their Content-Type says; parsed values go to the schema as they are. A declared length
 * over the limit is refused either way, so the limit does not depend on which parser ran.
 */
function fromParser(
  parsed: unknown,
  type: Accepted,
  length: string | undefined,
  limit: number,
): unknown {
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit)
  if (typeof parsed === 'string') {
    if (Buffer.byteLength(parsed) > limit) throw tooLarge(limit)
    return parseText(type, parsed)
  }
  if (Buffer.isBuffer(parsed)) {
    if (parsed.length > limit) throw tooLarge(limit)
    return parseText(type, parsed.toString('utf8'))
  }
  return parsed
}

/**
 * True once something read the request stream. Only then is a body parser's result the body:
 * parsers leave a value (`{}`, `undefined`) on requests whose type they skip without reading,
 * and body-parser 2 no longer marks what it parsed.
 */
export function streamWasRead(stream: Readable): boolean {
  return stream.readableDidRead || stream.readableEnded
}

async function rawFields(req: AuthRequest, limit: number): Promise<unknown> {
  const type = mediaType(req)
  const length = req.header('content-length')
  const parsed = req.parsedBody
  if (parsed !== undefined) return fromParser(parsed, acceptedType(type), length, limit)
  if (type === undefined && (length === undefined || length === '0')) return {}
  const accepted = acceptedType(type)
  const encoding = req.header('content-encoding')
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new MfaError('unsupported_media_type', 'Compressed bodies are not accepted')
  }
  return parseText(accepted, (await req.readBody(limit)).toString('utf8'))
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
