/**
 * The organizations of a member: the picker of a login by email alone (from `loginState()`, no
 * Stytch call) and the switcher of a signed-in member (`memberOrganizations()`, one Stytch call
 * each time the page is shown, so nothing else asks for it). The switch runs the library's step
 * in JSON mode, so that a switch to an organization without MFA lands on the switcher, which
 * needs a session but no second factor, rather than on `/admin`, which would ask for one.
 * Shared by both consoles.
 */
import { isMfaError } from 'stytch-b2b-mfa'
// Types only: `stytch-b2b-mfa/koa` exports the same ones.
import type { LoginState, MemberOrganizations, OrganizationChoice } from 'stytch-b2b-mfa/express'
import { z } from 'zod'
import { hasFlashQuery, optionalTime } from './pages.js'
import { PATHS } from './paths.js'
import { otherStage, page, redirect, withFlash, type Answer, type PageRequest } from './render.js'
import { localPath, outcomeOf, refusalTo, type PageStep } from './step-answers.js'

/** An organization as the picker and the switcher show it; every string is escaped there. */
export interface OrganizationView {
  readonly id: string
  readonly slug: string
  readonly name: string
  /** What entering means for someone not yet an active member; `undefined` for a member. */
  readonly membership: string | undefined
  /** What entering asks for, e.g. `a code by SMS or a code from an authenticator app`. */
  readonly secondFactor: string | undefined
  readonly current: boolean
}

const MEMBERSHIPS: Readonly<Record<OrganizationChoice['membership'], string | undefined>> = {
  active: undefined,
  pending: 'Member, not signed in yet',
  invited: 'Invited: signing in accepts the invitation',
  eligible: 'Open to your email domain: signing in makes you a member',
}

const METHODS = { sms: 'a code by SMS', totp: 'a code from an authenticator app' } as const

const either = new Intl.ListFormat('en', { type: 'disjunction' })

export function organizationView(
  choice: OrganizationChoice & { readonly current?: boolean },
): OrganizationView {
  const methods = choice.methods.map((method) => METHODS[method])
  return {
    id: choice.organizationId,
    slug: choice.organizationSlug,
    name: choice.organizationName,
    membership: MEMBERSHIPS[choice.membership],
    secondFactor: !choice.mfaRequired
      ? undefined
      : methods.length === 0
        ? 'a second factor'
        : either.format(methods),
    current: choice.current ?? false,
  }
}

/** `switchOrganization()` done: signed in there, or its second factor to pass first. */
const switchedSchema = z.object({
  status: z.enum(['signed_in', 'mfa_required']),
  next: localPath,
})

export interface OrganizationPages {
  /** `/login/organizations`: the organizations of a login by email alone, to pick one. */
  picker(req: PageRequest, state: LoginState): Answer
  /** `/organizations`: the signed-in member's organizations; `list` asks Stytch. */
  switcher(req: PageRequest, list: () => Promise<MemberOrganizations>): Promise<Answer>
  /** `POST /organizations/switch`. */
  steps<M>(mfa: {
    switchOrganization(options: { readonly respondWith: 'json' }): M
  }): readonly PageStep<M>[]
}

export const organizationPages: OrganizationPages = {
  picker: (req, state) =>
    withFlash(
      req,
      (flash) =>
        otherStage(state, 'organizations') ??
        page('organizations', {
          title: 'Choose an organization',
          flash,
          organizations: state.organizations.map(organizationView),
          expiresAt: optionalTime(state.expiresAt),
        }),
    ),

  switcher: async (req, list) => {
    // Moving an error into the flash first: Stytch is asked once, for the page shown.
    if (hasFlashQuery(req)) return withFlash(req, () => redirect(PATHS.switcher))
    let listed: MemberOrganizations
    try {
      listed = await list()
    } catch (error) {
      if (!isMfaError(error) || error.code !== 'not_signed_in') throw error
      return redirect(`${PATHS.login}?returnTo=${encodeURIComponent(PATHS.switcher)}`)
    }
    const organizations = listed.organizations.map(organizationView)
    return withFlash(req, (flash) =>
      page('switcher', {
        title: 'Switch organization',
        flash,
        signedIn: true,
        current: organizations.find((organization) => organization.current),
        organizations,
      }),
    )
  },

  steps: (mfa) => [
    {
      path: PATHS.switchOrganization,
      step: mfa.switchOrganization({ respondWith: 'json' }),
      render: (answer) => {
        const outcome = outcomeOf(answer, switchedSchema, refusalTo(PATHS.switcher))
        if ('refusal' in outcome) return outcome.refusal
        return redirect(outcome.body.status === 'signed_in' ? PATHS.switcher : outcome.body.next)
      },
    },
  ],
}
