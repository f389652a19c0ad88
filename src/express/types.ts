/** @module `req.stytchMemberSession`, typed for every Express app that imports the adapter. */
import type { MemberSession } from '../core/ports/stytch.js'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The member session `requireMfa()` verified for this request. Prefer
       * `mfa.memberSession(req)`, which no other middleware can forge.
       */
      stytchMemberSession?: MemberSession
    }
  }
}

export {}
