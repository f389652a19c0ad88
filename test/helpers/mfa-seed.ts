/**
 * The members the emulator's second-factor tests sign in as: authenticator apps, recovery codes
 * and organizations that restrict the MFA methods.
 */
import type { EmulatorSeed } from '../../src/emulator/index.js'

/** RFC 6238's SHA-1 test secret ("12345678901234567890"), base32. */
export const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
export const RECOVERY = ['aaaa-bbbb-cccc', 'dddd-eeee-ffff', 'gggg-hhhh-iiii'] as const

/** Gamma requires MFA and allows every method. */
export const GAMMA = {
  slug: 'gamma',
  /** Authenticator app (seeded), no phone. */
  app: { email: 'app@gamma.test' },
  /** Verified phone and an authenticator app; prefers SMS. */
  both: { email: 'both@gamma.test', phone: '+12025550201' },
  /** Verified phone only. */
  phone: { email: 'phone@gamma.test', phone: '+12025550202' },
  /** No second factor yet. */
  fresh: { email: 'fresh@gamma.test' },
  /** Not active yet. */
  pending: { email: 'pending@gamma.test' },
} as const

/** Delta requires MFA by authenticator app only (`RESTRICTED`, `['totp']`). */
export const DELTA = {
  slug: 'delta',
  app: { email: 'app@delta.test' },
  /** A verified phone the organization no longer lets count. */
  phone: { email: 'phone@delta.test', phone: '+12025550301' },
  /** Breakglass: exempt from the restriction. */
  glass: { email: 'glass@delta.test', phone: '+12025550302' },
} as const

/** Epsilon leaves MFA optional and allows SMS only. */
export const EPSILON = {
  slug: 'epsilon',
  plain: { email: 'plain@epsilon.test' },
  app: { email: 'app@epsilon.test' },
} as const

export const mfaSeed: EmulatorSeed = {
  organizations: [
    {
      organization_name: 'Gamma',
      organization_slug: GAMMA.slug,
      mfa_policy: 'REQUIRED_FOR_ALL',
      members: [
        {
          email_address: GAMMA.app.email,
          totp_secret: RFC_SECRET,
          recovery_codes: [...RECOVERY],
          mfa_enrolled: true,
        },
        {
          email_address: GAMMA.both.email,
          mfa_phone_number: GAMMA.both.phone,
          mfa_phone_number_verified: true,
          totp_secret: RFC_SECRET,
          mfa_enrolled: true,
        },
        {
          email_address: GAMMA.phone.email,
          mfa_phone_number: GAMMA.phone.phone,
          mfa_phone_number_verified: true,
          mfa_enrolled: true,
        },
        { email_address: GAMMA.fresh.email },
        { email_address: GAMMA.pending.email, status: 'pending' },
      ],
    },
    {
      organization_name: 'Delta',
      organization_slug: DELTA.slug,
      mfa_policy: 'REQUIRED_FOR_ALL',
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['totp'],
      members: [
        { email_address: DELTA.app.email, totp_secret: RFC_SECRET, mfa_enrolled: true },
        {
          email_address: DELTA.phone.email,
          mfa_phone_number: DELTA.phone.phone,
          mfa_phone_number_verified: true,
        },
        {
          email_address: DELTA.glass.email,
          mfa_phone_number: DELTA.glass.phone,
          mfa_phone_number_verified: true,
          is_breakglass: true,
        },
      ],
    },
    {
      organization_name: 'Epsilon',
      organization_slug: EPSILON.slug,
      mfa_methods: 'RESTRICTED',
      allowed_mfa_methods: ['sms_otp'],
      members: [
        { email_address: EPSILON.plain.email },
        { email_address: EPSILON.app.email, totp_secret: RFC_SECRET },
      ],
    },
  ],
}
