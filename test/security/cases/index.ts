/** Every curated case, in catalogue order. */
import type { SecurityCase } from '../harness/types.js'
import { bypassCases } from './a-bypass.js'
import { cookieCases } from './b-cookies.js'
import { sessionCases } from './c-session-lifecycle.js'
import { otpCases } from './d-otp-verification.js'
import { sendCases } from './e-send.js'
import { malformedCases } from './f-malformed.js'
import { redirectCases } from './g-redirect.js'
import { csrfCases } from './h-csrf.js'
import { jwtCases } from './i-jwt.js'
import { faultCases } from './j-upstream-faults.js'
import { concurrencyCases } from './k-concurrency.js'
import { leakageCases } from './l-leakage.js'
import { configurationCases } from './m-configuration.js'

export const allCases: readonly SecurityCase[] = [
  ...bypassCases,
  ...cookieCases,
  ...sessionCases,
  ...otpCases,
  ...sendCases,
  ...malformedCases,
  ...redirectCases,
  ...csrfCases,
  ...jwtCases,
  ...faultCases,
  ...concurrencyCases,
  ...leakageCases,
  ...configurationCases,
]
