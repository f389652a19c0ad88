/** @module The Stytch port and its adapter over the official `stytch` SDK. */
export { createStytchPort } from './sdk-adapter.js'
export { toMfaError } from './map-error.js'
export {
  parseStytchOptions,
  stytchOptionsSchema,
  STYTCH_LIVE_URL,
  STYTCH_TEST_URL,
} from './options.js'
export type { StytchConfig, StytchOptions } from './options.js'
export type * from './port.js'
