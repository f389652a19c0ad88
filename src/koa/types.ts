/** @module `ctx.state.stytchMemberSession`, typed for every Koa app that imports the adapter. */
import type { MemberSession } from '../core/ports/stytch.js'

declare module 'koa' {
  interface DefaultState {
    /**
     * The member session `requireMfa()` verified for this request. Prefer
     * `mfa.memberSession(ctx)`, which no other middleware can forge.
     */
    stytchMemberSession?: MemberSession
  }
}

export {}
