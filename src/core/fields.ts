/** @module The fields the flows accept in request bodies: strict, strings only, bounded. */
import { z } from 'zod'

/** One address, ASCII, at most 254 characters: no lists, no quoted local parts, no CR/LF. */
export const emailField = z.email().max(254)

/** An organization id or slug, as Stytch accepts either. */
export const organizationField = z
  .string()
  .min(2)
  .max(128)
  .regex(/^[A-Za-z0-9._~-]+$/)

/** Exactly six ASCII digits (Stytch's OTP length), as a string. */
export const codeField = z.string().regex(/^[0-9]{6}$/)

/** Where to go after sign-in; checked again by `safeReturnTo`. */
export const returnToField = z.string().max(2048).optional()

/** A phone number as typed; checked by `checkPhoneNumber`. */
export const phoneField = z.string().min(1).max(32)

/**
 * A recovery code as Stytch issues them, `xxxx-xxxx-xxxx` (letters and digits), read without
 * regard to case. Anything else is refused before Stytch sees it.
 */
export const recoveryCodeField = z
  .string()
  .regex(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/)
  .transform((value) => value.toLowerCase())
