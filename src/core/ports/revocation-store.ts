/**
 * @module The port through which instances of an app tell each other about sign-outs. The
 * library ships one over Redis (`redisRevocationStore` from `stytch-b2b-mfa/revocations`); any
 * store that keeps a record until it lapses and tells every listener about new ones fits.
 */

/** Told about revocations, by the store, on every instance. */
export interface RevocationListener {
  /** A member session is refused until `until` (epoch ms), wherever it was signed out. */
  revoked(memberSessionId: string, until: number): void
  /**
   * Every revocation on record was delivered (`true`), or the store lost track and will deliver
   * them again when it is back (`false`). Until the first `true` the guard refuses to guess.
   */
  synced(ok: boolean): void
}

/** A shared record of signed-out sessions. */
export interface RevocationStore {
  /** Records the revocation for every instance until `until` (epoch ms), and tells them now. */
  publish(memberSessionId: string, until: number): Promise<void>
  /** Starts delivering revocations to `listener`: those on record first, then each new one. */
  listen(listener: RevocationListener): void
}
