import {
  DeleteClusterCommand,
  DSQLClient,
  GetClusterCommand,
  GetClusterCommandOutput,
  UpdateClusterCommand,
} from '@aws-sdk/client-dsql';

/**
 * The core of the DSQL peering custom resource: plain functions that take a client factory,
 * a clock and a sleep, so tests drive them against an emulator without waiting.
 *
 * Every lifecycle step follows the Aurora DSQL User Guide, "Configuring multi-Region clusters"
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/configuring-multi-region-clusters.html)
 * and its AWS CLI walk-through "Using AWS CLI"
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/multi-region-aws-cli.html):
 * - create: the second cluster is created with a witness Region (it waits in PENDING_SETUP), the
 *   first with the witness and the second one's ARN (peer during creation); then each cluster that
 *   does not list its peer yet is updated with its peer's ARN (`ensurePeered`);
 * - delete: each peered cluster is deleted; the first one stays PENDING_DELETE until its peer
 *   is deleted too (`deletePair`). AWS documents no unpeering of a peered cluster and no
 *   re-peering of a peered cluster to another one, so the handler does neither.
 */

/** Creates the DSQL client of one Region; the handler caches one per Region. */
export type ClientFactory = (region: string) => DSQLClient;

/** Retry policy for throttling and conflict errors. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles on each retry. */
  readonly baseDelayMs: number;
  /** Upper bound of one delay. */
  readonly maxDelayMs: number;
}

/** Everything the core needs from the outside world. */
export interface Runtime {
  readonly clientFor: ClientFactory;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly retry: RetryOptions;
  /** Structured log line; receives ARNs, statuses and error names only, never the event. */
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
}

/** One cluster of the pair. */
export interface ClusterRef {
  readonly arn: string;
  readonly region: string;
  readonly identifier: string;
}

/** The two clusters to peer and their witness. */
export interface PeeringConfig {
  readonly clusters: [ClusterRef, ClusterRef];
  readonly witnessRegion: string;
  /** Whether deleting the resource deletes both clusters (their removal policy is DESTROY). */
  readonly deleteClusters: boolean;
  /** How long `isComplete` waits for both clusters to become ACTIVE. */
  readonly timeoutSeconds: number;
}

/** The custom resource's properties, as CloudFormation passes them (all strings). */
export interface PeeringResourceProperties {
  readonly ClusterArns: string[];
  readonly WitnessRegion: string;
  readonly TimeoutSeconds: string;
  /** 'true' when deleting the resource deletes both clusters; anything else keeps them peered. */
  readonly DeleteClusters?: string;
  /**
   * A digest of both clusters' CloudFormation properties: any change to either cluster's template
   * changes it, so CloudFormation sends an Update and the handler checks, in the same deploy,
   * that both clusters still list each other (and re-peers a cluster that lost its peer).
   */
  readonly ClusterRevision?: string;
}

/** The subset of the CloudFormation event the core reads. */
export interface PeeringEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: PeeringResourceProperties;
  readonly OldResourceProperties?: PeeringResourceProperties;
}

/** What `onEvent` hands to the Provider framework (and so to `isComplete`). */
export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly Deadline: string };
}

/** The event `isComplete` receives: the CloudFormation event merged with `onEvent`'s result. */
export interface IsCompleteEvent extends PeeringEvent {
  readonly Data?: { readonly Deadline?: string };
}

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/**
 * Statuses of a peered cluster that is set up: ACTIVE, and IDLE and INACTIVE, which a cluster
 * without activity passes into and leaves on the next connection (Aurora DSQL User Guide,
 * "Aurora DSQL cluster lifecycle": "When you attempt to connect to an inactive cluster, Aurora
 * DSQL automatically transitions the cluster back to Active"). Readiness here is about the
 * peering, not compute: an INACTIVE pair that lists each other is peered.
 */
export const READY = new Set(['ACTIVE', 'IDLE', 'INACTIVE']);
/**
 * Statuses in which AWS documents updating a cluster with its peer's ARN: a cluster created with
 * a witness waits in PENDING_SETUP "until you update the cluster with the ARN of its peer
 * cluster" ("Using AWS CLI", step 1 note; CREATING is the state before it). Any other cluster
 * that does not list its peer is not updated: re-peering a cluster that lost its peer is not
 * documented.
 */
export const PEERABLE = new Set(['PENDING_SETUP', 'CREATING']);
/** Statuses in which a cluster is on its way out. */
const GOING = new Set(['DELETING', 'DELETED', 'PENDING_DELETE']);
/** Statuses of a cluster whose deletion is still under way. */
const DELETE_IN_PROGRESS = new Set(['DELETING', 'PENDING_DELETE']);
/** Error names worth retrying: throttling, and conflicts with an operation still under way. */
const RETRYABLE = new Set(['ThrottlingException', 'TooManyRequestsException', 'ConflictException', 'InternalServerException']);

const ARN_PATTERN = /^arn:aws[a-z-]*:dsql:([a-z0-9-]+):\d{12}:cluster\/([a-z0-9]+)$/;

/** Splits a cluster ARN into Region and identifier; throws naming the ARN when it is not one. */
export function parseClusterArn(arn: string): ClusterRef {
  const match = ARN_PATTERN.exec(arn ?? '');
  if (!match) {
    throw new Error(`'${arn}' is not an Aurora DSQL cluster ARN (arn:aws:dsql:<region>:<account>:cluster/<id>).`);
  }
  return { arn, region: match[1], identifier: match[2] };
}

/** Reads and checks the resource properties. */
export function parseConfig(props: PeeringResourceProperties): PeeringConfig {
  const arns = props.ClusterArns ?? [];
  if (arns.length !== 2) {
    throw new Error(`ClusterArns must hold exactly two cluster ARNs, got ${arns.length}: ${arns.join(', ')}.`);
  }
  const [a, b] = arns.map(parseClusterArn);
  if (a.region === b.region) {
    throw new Error(`Peered clusters must be in two different Regions; both ${a.arn} and ${b.arn} are in ${a.region}.`);
  }
  const witnessRegion = props.WitnessRegion;
  if (!witnessRegion || witnessRegion === a.region || witnessRegion === b.region) {
    throw new Error(`WitnessRegion '${witnessRegion ?? ''}' must be a third Region, neither ${a.region} nor ${b.region}.`);
  }
  const timeoutSeconds = Number(props.TimeoutSeconds ?? '1800');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new Error(`TimeoutSeconds '${props.TimeoutSeconds}' must be a positive number.`);
  }
  return { clusters: [a, b], witnessRegion, timeoutSeconds, deleteClusters: props.DeleteClusters === 'true' };
}

/** The physical id names the pair, independent of order, so a new peer means a new resource. */
export function physicalIdOf(config: PeeringConfig): string {
  return `dsql-peering:${config.clusters.map((c) => c.arn).sort().join(',')}`;
}

/** Runs `call`, retrying throttling and conflict errors with exponential backoff and full jitter. */
export async function withRetry<T>(what: string, call: () => Promise<T>, rt: Runtime): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const name = errorName(err);
      if (!RETRYABLE.has(name) || attempt >= rt.retry.maxAttempts) throw err;
      const cap = Math.min(rt.retry.maxDelayMs, rt.retry.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(cap / 2 + Math.random() * (cap / 2));
      rt.log('retrying', { what, error: name, attempt, delayMs });
      await rt.sleep(delayMs);
    }
  }
}

/** The cluster as GetCluster sees it, or undefined when it no longer exists. */
async function describe(cluster: ClusterRef, rt: Runtime): Promise<GetClusterCommandOutput | undefined> {
  try {
    return await withRetry(`GetCluster ${cluster.arn}`,
      () => rt.clientFor(cluster.region).send(new GetClusterCommand({ identifier: cluster.identifier })), rt);
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** The peers a cluster lists (the service includes the cluster's own ARN in the list). */
function peersOf(cluster: ClusterRef, out: GetClusterCommandOutput): string[] {
  return (out.multiRegionProperties?.clusters ?? []).filter((arn) => arn !== cluster.arn);
}

function isPeeredWith(cluster: ClusterRef, out: GetClusterCommandOutput, peer: ClusterRef, witnessRegion: string): boolean {
  const peers = peersOf(cluster, out);
  return out.multiRegionProperties?.witnessRegion === witnessRegion && peers.length === 1 && peers[0] === peer.arn;
}

/**
 * Points each cluster that does not list its peer yet at the other, calling the cluster's own
 * Region: step 3 of "Create multi-Region clusters" in the Aurora DSQL User Guide ("Using AWS
 * CLI": a cluster created with the witness waits in PENDING_SETUP until it is updated with its
 * peer's ARN; https://docs.aws.amazon.com/aurora-dsql/latest/userguide/multi-region-aws-cli.html),
 * with UpdateCluster (https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_UpdateCluster.html).
 *
 * Now that CloudFormation models `AWS::DSQL::Cluster MultiRegionProperties.Clusters`,
 * `DsqlPeeredClusters` creates the first Region's cluster with its peer's ARN ("peer during
 * creation", documented in the same walk-through), so its template states its peers and this
 * handler only updates the second cluster. Without the custom resource, the documented
 * alternative is CloudFormation alone in two deploys ("Configuring Aurora DSQL clusters using AWS
 * CloudFormation": create both with the witness, then add both ARNs to `Clusters` and update
 * both stacks). A cluster already peered as asked is left alone, so a repeated or unchanged
 * request changes nothing; one that lost its peer, or has another witness, is refused with the
 * reason (AWS documents neither a re-peering nor a change of witness).
 * @returns the ARNs of the clusters that were updated
 */
export async function ensurePeered(config: PeeringConfig, rt: Runtime): Promise<string[]> {
  const [a, b] = config.clusters;
  const pairs = [[a, b], [b, a]] as const;
  // Both clusters are checked before either is changed, so a missing one leaves the other as it was.
  const states = await Promise.all(pairs.map(async ([cluster, peer]) => {
    const current = await describe(cluster, rt);
    if (!current) {
      throw new Error(`DSQL cluster ${cluster.arn} does not exist; it cannot be peered with ${peer.arn}.`);
    }
    if (GOING.has(current.status ?? '')) {
      throw new Error(`DSQL cluster ${cluster.arn} is ${current.status}; it cannot be peered with ${peer.arn}.`);
    }
    return current;
  }));
  // A cluster peered with a third cluster is not re-peered: AWS documents peering a cluster
  // created with a witness (PENDING_SETUP) with its peer's ARN, not moving a peered cluster to
  // another peer, and doing so would split one database into two.
  pairs.forEach(([cluster, peer], i) => {
    const others = peersOf(cluster, states[i]).filter((arn) => arn !== peer.arn);
    if (others.length > 0) {
      throw new Error(`DSQL cluster ${cluster.arn} is already peered with ${others.join(', ')}; it cannot be peered with ${peer.arn}. `
        + 'AWS documents no re-peering of a peered cluster: delete the old pair (each cluster) and create new clusters.');
    }
  });
  // Only documented calls: a cluster already peered as asked is left alone; one waiting in
  // PENDING_SETUP (or still CREATING) with the same witness gets the one UpdateCluster of step 3;
  // anything else is refused with the reason, before either cluster is changed.
  const toUpdate = pairs.filter(([cluster, peer], i) => {
    const state = states[i];
    if (isPeeredWith(cluster, state, peer, config.witnessRegion)) {
      rt.log('already peered', { cluster: cluster.arn, peer: peer.arn });
      return false;
    }
    const witness = state.multiRegionProperties?.witnessRegion;
    if (witness !== undefined && witness !== config.witnessRegion) {
      throw new Error(`DSQL cluster ${cluster.arn} has witness Region ${witness}, not ${config.witnessRegion}; AWS documents no change of a cluster's `
        + 'witness Region, so the handler does not make one: create the cluster with the witness of its peer.');
    }
    if (!PEERABLE.has(state.status ?? '')) {
      throw new Error(`DSQL cluster ${cluster.arn} is ${state.status} and does not list its peer ${peer.arn}. AWS documents peering a cluster `
        + 'once, while it waits in PENDING_SETUP after its creation with a witness ("Using AWS CLI", step 3), and no re-peering of a cluster '
        + 'that lost its peer, so the handler refuses: replace both clusters (new construct ids) and peer the new pair.');
    }
    return true;
  });
  const updated: string[] = [];
  for (const [cluster, peer] of toUpdate) {
    await withRetry(`UpdateCluster ${cluster.arn}`, () => rt.clientFor(cluster.region).send(new UpdateClusterCommand({
      identifier: cluster.identifier,
      multiRegionProperties: { witnessRegion: config.witnessRegion, clusters: [peer.arn] },
    })), rt);
    rt.log('peering requested', { cluster: cluster.arn, peer: peer.arn, witnessRegion: config.witnessRegion });
    updated.push(cluster.arn);
  }
  return updated;
}

/**
 * Deletes both clusters of a peered pair, as AWS documents the deletion of a multi-Region
 * cluster ("Using AWS CLI", Delete multi-Region clusters: delete each peered cluster; the first
 * stays PENDING_DELETE until its peer is deleted; DeleteCluster API reference:
 * https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_DeleteCluster.html).
 * Only clusters of this pair are deleted: one that is gone or already being deleted is skipped,
 * and so is one that is not peered with the other (a create that never peered them, or a cluster
 * peered elsewhere), whose stack still owns it.
 * @returns the ARNs of the clusters whose deletion was requested
 */
export async function deletePair(config: PeeringConfig, rt: Runtime): Promise<string[]> {
  const [a, b] = config.clusters;
  const pairs = [[a, b], [b, a]] as const;
  const states = await Promise.all(pairs.map(([cluster]) => describe(cluster, rt)));
  const deleted: string[] = [];
  for (const [i, [cluster, peer]] of pairs.entries()) {
    const current = states[i];
    if (!current || GOING.has(current.status ?? '')) {
      rt.log('cluster gone or being deleted', { cluster: cluster.arn, status: current?.status ?? 'NOT_FOUND' });
      continue;
    }
    const peerState = states[1 - i];
    const peerGoing = !peerState || GOING.has(peerState.status ?? '');
    const listsPeer = peersOf(cluster, current).includes(peer.arn);
    const peerListsIt = peerState ? peersOf(peer, peerState).includes(cluster.arn) : false;
    if (!listsPeer || (!peerListsIt && !peerGoing)) {
      rt.log('not peered with this pair, left alone', { cluster: cluster.arn, peer: peer.arn });
      continue;
    }
    try {
      await withRetry(`DeleteCluster ${cluster.arn}`,
        () => rt.clientFor(cluster.region).send(new DeleteClusterCommand({ identifier: cluster.identifier })), rt);
    } catch (err) {
      // Deleted between GetCluster and DeleteCluster: nothing left to do.
      if (errorName(err) === 'ResourceNotFoundException') continue;
      throw err;
    }
    rt.log('deletion requested', { cluster: cluster.arn, peer: peer.arn });
    deleted.push(cluster.arn);
  }
  return deleted;
}

/**
 * The Provider framework's onEvent: peers the pair (Create, Update), or on Delete either
 * deletes both clusters (DeleteClusters 'true', as AWS documents) or changes nothing, so a
 * retained pair stays one multi-Region database.
 */
export async function onEvent(event: PeeringEvent, rt: Runtime): Promise<OnEventResult> {
  if (event.RequestType === 'Delete') {
    const config = tryParseConfig(event.ResourceProperties, rt);
    // Properties that never peered anything (a Create that failed validation) leave nothing to undo.
    if (config) {
      rt.log('event', { requestType: event.RequestType, clusters: config.clusters.map((c) => c.arn), deleteClusters: config.deleteClusters });
      if (config.deleteClusters) {
        await deletePair(config, rt);
      } else {
        rt.log('clusters retained and left peered', { clusters: config.clusters.map((c) => c.arn) });
      }
    }
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'dsql-peering:none', Data: { Deadline: deadlineOf(config, rt) } };
  }
  const config = parseConfig(event.ResourceProperties);
  rt.log('event', { requestType: event.RequestType, clusters: config.clusters.map((c) => c.arn), witnessRegion: config.witnessRegion });
  await ensurePeered(config, rt);
  return { PhysicalResourceId: physicalIdOf(config), Data: { Deadline: deadlineOf(config, rt) } };
}

function tryParseConfig(props: PeeringResourceProperties, rt: Runtime): PeeringConfig | undefined {
  try {
    return parseConfig(props);
  } catch (err) {
    rt.log('properties not valid, nothing to delete', { error: (err as Error).message });
    return undefined;
  }
}

function deadlineOf(config: PeeringConfig | undefined, rt: Runtime): string {
  return new Date(rt.now() + (config?.timeoutSeconds ?? 0) * 1000).toISOString();
}

/**
 * The Provider framework's isComplete: true once both clusters are ACTIVE and list each other
 * (Create, Update); on Delete, at once when the clusters are kept, else once neither is still
 * DELETING or PENDING_DELETE (PENDING_DELETE lasts until the peer is deleted too). A FAILED
 * cluster, or the deadline passing, fails the deployment with each cluster's status.
 */
export async function isComplete(event: IsCompleteEvent, rt: Runtime): Promise<IsCompleteResult> {
  const config = event.RequestType === 'Delete' ? tryParseConfig(event.ResourceProperties, rt) : parseConfig(event.ResourceProperties);
  if (!config) return { IsComplete: true };
  if (event.RequestType === 'Delete' && !config.deleteClusters) return { IsComplete: true };
  const [a, b] = config.clusters;
  const states = await Promise.all(config.clusters.map((c) => describe(c, rt)));
  const summary = config.clusters.map((c, i) => `${c.arn} is ${states[i]?.status ?? 'NOT_FOUND'}`).join(', ');

  let done: boolean;
  if (event.RequestType === 'Delete') {
    done = states.every((s) => !s || !DELETE_IN_PROGRESS.has(s.status ?? ''));
  } else {
    config.clusters.forEach((c, i) => {
      const status = states[i]?.status;
      if (!states[i] || status === 'FAILED' || GOING.has(status ?? '')) {
        throw new Error(`DSQL peering of ${a.arn} and ${b.arn} (witness ${config.witnessRegion}) failed: cluster ${c.arn} is ${status ?? 'NOT_FOUND'}.`);
      }
    });
    done = READY.has(states[0]!.status ?? '') && READY.has(states[1]!.status ?? '')
      && isPeeredWith(a, states[0]!, b, config.witnessRegion) && isPeeredWith(b, states[1]!, a, config.witnessRegion);
  }
  rt.log('status', { requestType: event.RequestType, done, summary });
  if (done) {
    return event.RequestType === 'Delete'
      ? { IsComplete: true }
      : { IsComplete: true, Data: { WitnessRegion: config.witnessRegion } };
  }
  const deadline = Date.parse(event.Data?.Deadline ?? '');
  if (Number.isFinite(deadline) && rt.now() > deadline) {
    const what = event.RequestType === 'Delete' ? 'the deletion of both DSQL clusters' : 'DSQL peering';
    throw new Error(`Timed out after ${config.timeoutSeconds} s waiting for ${what} (witness ${config.witnessRegion}): ${summary}.`);
  }
  return { IsComplete: false };
}

function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}
