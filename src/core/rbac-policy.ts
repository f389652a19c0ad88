/**
 * @module The permission check of `requireMfa({ permission })`: Stytch's RBAC policy and each
 * organization's own roles, fetched through the port and kept per instance like a JWKS, so a
 * guarded request costs no Stytch call once its organization's roles are known.
 *
 * A policy is used for {@link RBAC_REFRESH_MS}, then refreshed in the background while the one
 * at hand still answers; after a failed fetch nobody asks Stytch again for {@link RBAC_RETRY_MS}.
 * Without a policy younger than {@link RBAC_MAX_AGE_MS} the check fails closed (503), never open.
 */
import type { Engine } from './engine.js'
import type { MfaErrorCode } from './errors.js'
import type { OperatorLog } from './logger.js'
import type { RequiredPermission } from './options.js'
import type { RbacRole, StytchPort } from './ports/stytch.js'

/** Age at which a policy is refreshed in the background: the SDK's own policy cache TTL. */
export const RBAC_REFRESH_MS = 5 * 60 * 1000
/** After a failed fetch, requests are answered from what is at hand for this long. */
export const RBAC_RETRY_MS = 30 * 1000
/**
 * Age past which a policy Stytch has not confirmed is no longer used: a change at Stytch (a role
 * losing a permission) must not go unseen for the length of an outage.
 */
export const RBAC_MAX_AGE_MS = 60 * 60 * 1000
/** Organizations whose own roles one instance keeps; past that, the oldest is dropped. */
const ORGANIZATIONS_KEPT = 10_000

/** What a set of roles grants: role id → resource id → actions (`*` included). */
export type Grants = ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>

/** The grants of `roles`; a role listed twice grants what both list. */
export function grantsOf(roles: readonly RbacRole[]): Grants {
  const grants = new Map<string, Map<string, Set<string>>>()
  for (const role of roles) {
    const resources = grants.get(role.roleId) ?? new Map<string, Set<string>>()
    grants.set(role.roleId, resources)
    for (const { resourceId, actions } of role.permissions) {
      const known = resources.get(resourceId) ?? new Set<string>()
      resources.set(resourceId, known)
      for (const action of actions) known.add(action)
    }
  }
  return grants
}

/**
 * Whether one of `roles` grants the permission in one of the policies, as the SDK's
 * `performAuthorizationCheck` decides: the role's actions on that exact resource id include the
 * action or `*`. Names compare exactly: `Documents` is not `documents`.
 */
export function grants(
  policies: readonly Grants[],
  roles: readonly string[],
  permission: RequiredPermission,
): boolean {
  for (const role of roles) {
    for (const policy of policies) {
      const actions = policy.get(role)?.get(permission.resource)
      if (actions !== undefined && (actions.has(permission.action) || actions.has('*'))) {
        return true
      }
    }
  }
  return false
}

/** A value fetched from Stytch, refreshed while it is used (stale-while-revalidate). */
export class CachedFetch<T> {
  #value: T | undefined
  #fetchedAtMs = 0
  #failedAtMs: number | undefined
  #pending: Promise<void> | undefined

  constructor(
    private readonly fetch: () => Promise<T>,
    private readonly nowMs: () => number,
  ) {}

  /** The value while it may be used, starting a background refresh once one is due. */
  current(nowMs: number): T | undefined {
    if (this.#value === undefined || nowMs - this.#fetchedAtMs >= RBAC_REFRESH_MS) {
      if (this.#pending === undefined && !this.#failedRecently(nowMs)) void this.#refresh()
    }
    return this.#usable(nowMs) ? this.#value : undefined
  }

  /** `current()` answers without waiting: a usable value, or a failure too recent to retry. */
  settled(nowMs: number): boolean {
    return this.#usable(nowMs) || (this.#pending === undefined && this.#failedRecently(nowMs))
  }

  /** Resolves once {@link settled} (a fetch may be started or joined); never rejects. */
  settle(nowMs: number): Promise<void> {
    if (this.settled(nowMs)) return Promise.resolve()
    return this.#pending ?? this.#refresh()
  }

  #usable(nowMs: number): boolean {
    return this.#value !== undefined && nowMs - this.#fetchedAtMs < RBAC_MAX_AGE_MS
  }

  #failedRecently(nowMs: number): boolean {
    return this.#failedAtMs !== undefined && nowMs - this.#failedAtMs < RBAC_RETRY_MS
  }

  #refresh(): Promise<void> {
    // The port reports a failure (upstream_failed, the operators' log); here it only waits.
    const pending = this.fetch()
      .then(
        (value) => {
          this.#value = value
          this.#fetchedAtMs = this.nowMs()
          this.#failedAtMs = undefined
        },
        () => {
          this.#failedAtMs = this.nowMs()
        },
      )
      .finally(() => {
        this.#pending = undefined
      })
    this.#pending = pending
    return pending
  }
}

interface ProjectPolicy {
  readonly grants: Grants
  /** resource id → its actions, to tell an operator about a permission no role can grant. */
  readonly resources: ReadonlyMap<string, ReadonlySet<string>>
}

/** The project's policy and the organizations' own roles of one instance. */
export class RbacPolicies {
  readonly #project: CachedFetch<ProjectPolicy>
  readonly #organizations = new Map<string, CachedFetch<Grants>>()

  constructor(
    private readonly port: StytchPort,
    private readonly nowMs: () => number,
  ) {
    this.#project = new CachedFetch(async () => {
      const policy = await port.getRbacPolicy()
      return {
        grants: grantsOf(policy.roles),
        resources: new Map(policy.resources.map((r) => [r.resourceId, new Set(r.actions)])),
      }
    }, nowMs)
  }

  /** Fetches the project's policy now (at startup), without waiting for it. */
  start(): Promise<void> {
    return this.#project.settle(this.nowMs())
  }

  /** The project's resources and their actions, once the policy is known. */
  resources(nowMs: number): ReadonlyMap<string, ReadonlySet<string>> | undefined {
    return this.#project.current(nowMs)?.resources
  }

  /** True when {@link denialOf} can answer for the organization without waiting for Stytch. */
  ready(organizationId: string, nowMs: number): boolean {
    return this.#project.settled(nowMs) && this.#organization(organizationId).settled(nowMs)
  }

  /** Fetches what {@link ready} lacks; never rejects. */
  async load(organizationId: string, nowMs: number): Promise<void> {
    await Promise.all([
      this.#project.settle(nowMs),
      this.#organization(organizationId).settle(nowMs),
    ])
  }

  /**
   * `forbidden` unless the session's roles grant every permission under the project's policy
   * and its organization's own roles; `rbac_policy_unavailable` while either is unknown.
   */
  denialOf(
    session: { readonly organizationId: string; readonly roles: readonly string[] },
    permissions: readonly RequiredPermission[],
    nowMs: number,
  ): MfaErrorCode | undefined {
    const project = this.#project.current(nowMs)
    const own = this.#organization(session.organizationId).current(nowMs)
    if (project === undefined || own === undefined) return 'rbac_policy_unavailable'
    const policies = [project.grants, own]
    const allowed = permissions.every((permission) => grants(policies, session.roles, permission))
    return allowed ? undefined : 'forbidden'
  }

  #organization(organizationId: string): CachedFetch<Grants> {
    let cached = this.#organizations.get(organizationId)
    if (cached === undefined) {
      if (this.#organizations.size >= ORGANIZATIONS_KEPT) {
        const [oldest] = this.#organizations.keys()
        if (oldest !== undefined) this.#organizations.delete(oldest)
      }
      cached = new CachedFetch(
        async () => grantsOf((await this.port.getOrganizationRbacPolicy({ organizationId })).roles),
        this.nowMs,
      )
      this.#organizations.set(organizationId, cached)
    }
    return cached
  }
}

/** What the guard asks about a session, for the permissions of one route. */
export interface PermissionCheck {
  readonly ready: (organizationId: string, nowMs: number) => boolean
  readonly load: (organizationId: string, nowMs: number) => Promise<void>
  readonly denialOf: (
    session: { readonly organizationId: string; readonly roles: readonly string[] },
    nowMs: number,
  ) => MfaErrorCode | undefined
}

/** One {@link RbacPolicies} per instance (engine): instances never share what they fetched. */
const POLICIES = new WeakMap<Engine, RbacPolicies>()

/** Says once, when the policy arrives, which permissions of a route no role could ever grant. */
function warnAboutUnknown(
  policies: RbacPolicies,
  permissions: readonly RequiredPermission[],
  log: OperatorLog,
  nowMs: () => number,
): void {
  const resources = policies.resources(nowMs())
  if (resources === undefined) return
  for (const { resource, action } of permissions) {
    if (resources.get(resource)?.has(action) === true) continue
    log.warn(
      `stytch-b2b-mfa: requireMfa() needs permission ${action} on ${resource}, which the RBAC policy does not define: every request to that route is refused with forbidden`,
    )
  }
}

/**
 * The check for a route's permissions, or `undefined` when it names none. The first route with
 * permissions fetches the project's policy, at startup.
 */
export function permissionCheckOf(
  engine: Engine,
  permissions: readonly RequiredPermission[] | undefined,
): PermissionCheck | undefined {
  if (permissions === undefined) return undefined
  let policies = POLICIES.get(engine)
  if (policies === undefined) {
    policies = new RbacPolicies(engine.port, engine.nowMs)
    POLICIES.set(engine, policies)
  }
  const started = policies
  void started.start().then(() => {
    warnAboutUnknown(started, permissions, engine.log, engine.nowMs)
  })
  return {
    ready: (organizationId, nowMs) => started.ready(organizationId, nowMs),
    load: (organizationId, nowMs) => started.load(organizationId, nowMs),
    denialOf: (session, nowMs) => started.denialOf(session, permissions, nowMs),
  }
}
