/**
 * @module The organizations a signed-in member may switch to, as Stytch lists them for the
 * session at the time of asking (`discovery.organizations.list`): the switcher's list, and the
 * only organizations `switchOrganization()` enters.
 */
import type { Engine } from '../engine.js'
import type { AuthRequest } from '../ports/framework.js'
import type { DiscoveredOrganization } from '../ports/stytch.js'
import { choiceOf, sealedOrganization, type OrganizationChoice } from './organization-choice.js'
import { signedInSession, type SignedIn } from './signed-in.js'

/** An organization of the member's, for a switcher. */
export interface MemberOrganization extends OrganizationChoice {
  /**
   * The organization of the session: switching to it is refused. Its `mfaRequired` is `false`:
   * Stytch answers for this session, which meets its requirements.
   */
  readonly current: boolean
}

/** What `memberOrganizations()` answers. */
export interface MemberOrganizations {
  /** The organization of the session. */
  readonly organizationId: string
  /** The member's organizations in Stytch's order, the session's own among them. */
  readonly organizations: readonly MemberOrganization[]
}

/**
 * The organizations Stytch lists for the session. Those the address could only join are left
 * out: a session exchange cannot create a member ("eligible" memberships are for discovery).
 */
export async function listedFor(
  engine: Engine,
  signedIn: SignedIn,
): Promise<readonly DiscoveredOrganization[]> {
  const listed = await engine.port.listDiscoveredOrganizations({ credential: signedIn.credential })
  return listed.organizations.filter((organization) => organization.membership !== 'eligible')
}

export type ReadMemberOrganizations = (req: AuthRequest) => Promise<MemberOrganizations>

/** Reads the member's organizations; one Stytch call each time. */
export function memberOrganizationsReader(engine: Engine): ReadMemberOrganizations {
  return async (req) => {
    const signedIn = await signedInSession(engine, req)
    const { organizationId } = signedIn.session
    const organizations = (await listedFor(engine, signedIn)).map((organization) => ({
      ...choiceOf(sealedOrganization(organization)),
      current: organization.organizationId === organizationId,
    }))
    return { organizationId, organizations }
  }
}
