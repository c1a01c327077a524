/**
 * Aurora DSQL cluster states in which a cluster serves: ACTIVE, and the documented normal states
 * IDLE and INACTIVE (a connection returns an idle cluster to ACTIVE) and UPDATING (a configuration
 * change) (Aurora DSQL User Guide, "Cluster lifecycle"). Whether the Region can really serve is what
 * a connect and a query say; the state only rules out a cluster being created, set up or deleted.
 */
export const DSQL_SERVING_STATES: readonly string[] = ['ACTIVE', 'IDLE', 'INACTIVE', 'UPDATING'];

/** True when a cluster in `status` can serve. */
export function dsqlStateServes(status: string | undefined): boolean {
  return status !== undefined && DSQL_SERVING_STATES.includes(status);
}
