/** Every curated case, in catalogue order. */
import type { SecurityCase } from '../harness/types.js'
import { bypassCases } from './a-bypass.js'
import { tenantCases } from './a-tenant.js'
import { permissionCases } from './a-permission.js'
import { adminResetCases } from './a-admin-reset.js'
import { discoveryCases } from './a-discovery.js'
import { cookieCases } from './b-cookies.js'
import { revocationCases } from './c-revocation.js'
import { sessionCases } from './c-session-lifecycle.js'
import { otpCases } from './d-otp-verification.js'
import { secondFactorCases } from './d-second-factors.js'
import { limitIdentityCases } from './e-limit-identities.js'
import { sendCases } from './e-send.js'
import { malformedCases } from './f-malformed.js'
import { redirectCases } from './g-redirect.js'
import { csrfCases } from './h-csrf.js'
import { jwtCases } from './i-jwt.js'
import { budgetCases } from './j-stytch-budget.js'
import { faultCases } from './j-upstream-faults.js'
import { concurrencyCases } from './k-concurrency.js'
import { leakageCases } from './l-leakage.js'
import { configurationCases } from './m-configuration.js'

export const allCases: readonly SecurityCase[] = [
  ...bypassCases,
  ...tenantCases,
  ...permissionCases,
  ...adminResetCases,
  ...discoveryCases,
  ...cookieCases,
  ...sessionCases,
  ...revocationCases,
  ...otpCases,
  ...secondFactorCases,
  ...sendCases,
  ...limitIdentityCases,
  ...malformedCases,
  ...redirectCases,
  ...csrfCases,
  ...jwtCases,
  ...faultCases,
  ...budgetCases,
  ...concurrencyCases,
  ...leakageCases,
  ...configurationCases,
]
