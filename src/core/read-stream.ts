/** @module Reading a raw request body from a Node stream, bounded (raw-body does the work). */
import type { Readable } from 'node:stream'
import getRawBody from 'raw-body'
import { MfaError } from './errors.js'

/** Reads at most `limit` bytes; too many is `payload_too_large`, a broken stream `invalid_request`. */
export async function readStream(
  stream: Readable,
  limit: number,
  contentLength: string | undefined,
): Promise<Buffer> {
  try {
    return await getRawBody(stream, { limit, length: contentLength })
  } catch (error) {
    const type = (error as { type?: unknown }).type
    if (type === 'entity.too.large') {
      throw new MfaError('payload_too_large', `The body is larger than ${limit} bytes`)
    }
    throw new MfaError('invalid_request', 'The body could not be read', { cause: error })
  }
}
