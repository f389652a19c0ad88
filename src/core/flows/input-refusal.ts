/** @module Telling Stytch refusing what the visitor typed apart from Stytch refusing us. */
import { MfaError } from '../errors.js'

/**
 * True for a Stytch 4xx about the input (an unknown organization or address, an address Stytch
 * will not use). Not for a 401 (Stytch refusing the project id and secret: a deployment fault
 * that must surface) nor for 429s, which have codes of their own.
 */
export function refusesInput(error: unknown): error is MfaError {
  return (
    error instanceof MfaError &&
    error.code === 'stytch_error' &&
    error.stytchStatus !== undefined &&
    error.stytchStatus >= 400 &&
    error.stytchStatus < 500 &&
    error.stytchStatus !== 401
  )
}
