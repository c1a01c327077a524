import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { validationError } from '../private/errors';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { assertKnownRegion } from '../topology/regions';
import { DsqlCluster } from './dsql-cluster';
import { DsqlPeering } from './dsql-peering';
import { allowsUnlistedRegionSet, checkDsqlRegionSet, DSQL_MULTI_REGION_SETS_SOURCE, DSQL_UNLISTED_REGION_SET_CONTEXT } from './dsql-region-sets';
import { IReplicatedDataStore, ReplicationMode } from './replicated-data-store';
import { registerOwnedResources } from '../compliance/private/owned-resources';

/**
 * Properties of `DsqlPeeredClusters`.
 */
export interface DsqlPeeredClustersProps {
  /** The app's Regions and stacks; each cluster goes into its Region's stack. */
  readonly topology: IMultiRegionTopology;

  /**
   * The two Regions that get a cluster, both active Regions of `topology`. The first one holds
   * the peering resource.
   * @default - the topology's active Regions (there must be exactly two), primary Region first
   */
  readonly peerRegions?: string[];

  /**
   * The witness Region.
   * @default - the topology's witness Region
   */
  readonly witnessRegion?: string;

  /**
   * Whether the service refuses to delete the clusters.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the clusters when they leave their stacks.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Tags of both clusters, besides the stacks' own tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };

  /**
   * A VPC for the peering functions (see `DsqlPeering.vpc`), for accounts whose controls require
   * every Lambda function in a VPC (AWS Control Tower CT.LAMBDA.PR.3).
   * @default - the peering functions run outside a VPC
   */
  readonly peeringVpc?: ec2.IVpc;

  /**
   * How long a deployment waits for the peered clusters to become ACTIVE before it fails.
   * @default Duration.minutes(30)
   */
  readonly peeringTimeout?: Duration;

  /**
   * Accept peer and witness Regions that are not one Region set of the library's table
   * (`DSQL_MULTI_REGION_SETS`, from the Aurora DSQL User Guide's "Region availability"), with a
   * warning naming that page: for a set AWS added after this release. The same switch exists on
   * `DsqlPeering`, `DsqlCluster`, `MultiRegionApp` and `MultiRegionTopology`, and as the context
   * key `multi-region-cdk:dsql-allow-unlisted-region-set`.
   * @default - the context key's value, else false: an unlisted set fails synth
   */
  readonly allowUnlistedRegionSet?: boolean;
}

/**
 * A multi-Region Aurora DSQL database in one `cdk deploy --all`: a cluster in each of two
 * Regional stacks, encrypted with that Region's `RegionalKey`, with the same witness Region,
 * and a `DsqlPeering` custom resource in the first Region's stack that peers them.
 *
 * The second Region's stack deploys first (the first one reads its cluster's ARN through a
 * cross-Region reference); its cluster waits in PENDING_SETUP until the peering resource runs.
 */
export class DsqlPeeredClusters extends Construct implements IReplicatedDataStore {
  /** Context key that accepts an unlisted DSQL Region set with a warning (as `allowUnlistedRegionSet` does). */
  public static readonly ALLOW_UNLISTED_REGION_SET_CONTEXT = DSQL_UNLISTED_REGION_SET_CONTEXT;

  /** Peered DSQL clusters commit synchronously: a commit is durable in both Regions before it returns. */
  public readonly replicationMode = ReplicationMode.SYNCHRONOUS;
  /** 0: a Region failure loses no committed transaction. */
  public readonly worstCaseRpoSeconds = 0;
  /** Where the RPO of 0 comes from. */
  public readonly rpoBasis = 'Aurora DSQL peered clusters replicate synchronously: a commit returns only once it is durable in both Regions (strong consistency at both endpoints), so RPO is 0';
  /** The two Regions with a cluster, the one holding the peering resource first. */
  public readonly peerRegions: string[];
  /** The witness Region. */
  public readonly witnessRegion: string;
  /** The peering custom resource. */
  public readonly peering: DsqlPeering;
  private readonly clusters = new Map<string, DsqlCluster>();

  constructor(scope: Construct, id: string, props: DsqlPeeredClustersProps) {
    super(scope, id);
    const topology = props.topology;
    const peers = props.peerRegions ?? defaultPeers(topology);
    const witness = props.witnessRegion ?? topology.witnessRegion;
    const allowUnlisted = allowsUnlistedRegionSet(props.allowUnlistedRegionSet, this, topology);
    validateDsqlRegions(peers, witness, topology, this, allowUnlisted);
    if (props.removalPolicy === RemovalPolicy.DESTROY && (props.deletionProtection ?? true)) {
      throw validationError('DestroyWithDeletionProtection', `DsqlPeeredClusters '${id}': removalPolicy DESTROY with deletion protection on `
        + 'cannot delete the clusters (DeleteCluster refuses a protected cluster, so the stack deletion would fail); '
        + 'set deletionProtection: false as well, or keep RemovalPolicy.RETAIN.', this);
    }
    this.peerRegions = [...peers];
    this.witnessRegion = witness!;

    // The documented "peer during creation" (Aurora DSQL User Guide, "Using AWS CLI", step 2): the
    // second Region's cluster is created with the witness only (it waits in PENDING_SETUP); the
    // first Region's cluster is created with the witness and its peer's ARN (a cross-Region
    // reference, so its stack deploys second), so its template states its live peers. The
    // peering resource then does only step 3: UpdateCluster of the second cluster with the first
    // one's ARN, which CloudFormation alone could only do in a second deploy
    // ("Configuring Aurora DSQL clusters using AWS CloudFormation": update both stacks with
    // MultiRegionProperties.Clusters).
    const [home, other] = this.peerRegions;
    const common = {
      witnessRegion: this.witnessRegion,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      tags: props.tags,
      allowUnlistedRegionSet: allowUnlisted,
    };
    const second = new DsqlCluster(topology.regionalStack(other), id, { ...common, encryptionKey: topology.regionalKey(other) });
    const first = new DsqlCluster(topology.regionalStack(home), id, {
      ...common, encryptionKey: topology.regionalKey(home), peerClusterArns: [second.clusterArn],
    });
    this.clusters.set(home, first);
    this.clusters.set(other, second);
    registerOwnedResources(this, first, second);

    this.peering = new DsqlPeering(topology.regionalStack(home), `${id}Peering`, {
      localCluster: this.cluster(home),
      peerCluster: this.cluster(other),
      witnessRegion: this.witnessRegion,
      logEncryptionKey: topology.regionalKey(home),
      timeout: props.peeringTimeout,
      // Clusters that leave with their stacks are deleted as AWS documents (each peered cluster);
      // retained ones stay peered.
      deleteClusters: props.removalPolicy === RemovalPolicy.DESTROY,
      vpc: props.peeringVpc,
      allowUnlistedRegionSet: allowUnlisted,
    });
  }

  /** The cluster of `region`, one of `peerRegions`. */
  public cluster(region: string): DsqlCluster {
    const cluster = this.clusters.get(region);
    if (!cluster) {
      throw validationError('NoClusterInRegion', `'${region}' has no DSQL cluster in ${this.node.path}; Regions with one: ${this.peerRegions.join(', ')}.`, this);
    }
    return cluster;
  }

  /** The ARN of the cluster of `region`. */
  public clusterArn(region: string): string {
    return this.cluster(region).clusterArn;
  }

  /** The identifier of the cluster of `region`. */
  public clusterIdentifier(region: string): string {
    return this.cluster(region).clusterIdentifier;
  }

  /** The endpoint of the cluster of `region`, `<identifier>.dsql.<region>.on.aws`. */
  public endpoint(region: string): string {
    return this.cluster(region).endpoint;
  }

  /** Lets `grantee` connect with a custom database role to the cluster of `region` only. */
  public grantConnect(grantee: iam.IGrantable, region: string): iam.Grant {
    return this.cluster(region).grantConnect(grantee);
  }

  /** Lets `grantee` connect as `admin` to the cluster of `region` only. */
  public grantConnectAdmin(grantee: iam.IGrantable, region: string): iam.Grant {
    return this.cluster(region).grantConnectAdmin(grantee);
  }
}

function defaultPeers(topology: IMultiRegionTopology): string[] {
  const active = topology.activeRegions;
  const primary = topology.primaryRegion;
  return primary ? [primary, ...active.filter((r) => r !== primary)] : [...active];
}

/**
 * Checks a DSQL multi-Region Region set at synth: two peered Regions that are active Regions of
 * the topology, and a witness, all three different and in one supported Region set.
 */
function validateDsqlRegions(peers: readonly string[], witness: string | undefined, topology: IMultiRegionTopology, scope: IConstruct, allowUnlisted: boolean): void {
  if (peers.length !== 2) {
    throw validationError('PeerCount', `Aurora DSQL peers exactly two clusters, but ${peers.length} peer Regions were given (${peers.join(', ') || 'none'}); `
      + 'set peerRegions to two of the active Regions '
      + `(${topology.activeRegions.join(', ')}).`, scope);
  }
  peers.forEach((r, i) => assertKnownRegion(r, `peerRegions[${i}]`, scope));
  if (peers[0] === peers[1]) {
    throw validationError('DuplicatePeerRegion', `peerRegions lists '${peers[0]}' twice; the two clusters must be in two different Regions.`, scope);
  }
  for (const region of peers) {
    if (!topology.activeRegions.includes(region)) {
      throw validationError('PeerNotActive', `peer Region '${region}' is not an active Region of ${topology.node.path}; active Regions: ${topology.activeRegions.join(', ')}.`, scope);
    }
  }
  const set = checkDsqlRegionSet(scope, `DsqlPeeredClusters '${scope.node.id}' peers`, peers, allowUnlisted);
  const validWitnesses = set ? set.regions.filter((r) => !peers.includes(r)) : [];
  const listed = validWitnesses.join(', ');
  const witnessHint = validWitnesses.length > 0 ? `one of ${listed}` : 'a third Region of the peers\' Region set';
  if (witness === undefined) {
    throw validationError('MissingWitness', `Aurora DSQL multi-Region clusters need a witness Region, and none was given for peers ${peers.join(', ')}; `
      + `set witnessRegion (on the MultiRegionApp or here) to ${validWitnesses.length > 0 ? `one of: ${listed}` : witnessHint}.`, scope);
  }
  assertKnownRegion(witness, 'witnessRegion', scope);
  if (peers.includes(witness)) {
    throw validationError('WitnessIsPeer', `witnessRegion '${witness}' is also a peer Region; the witness must be a third Region: ${witnessHint}.`, scope);
  }
  if (set && !set.regions.includes(witness)) {
    if (!allowUnlisted) {
      throw validationError('UnsupportedWitness', `witnessRegion '${witness}' is not supported for peers ${peers.join(', ')} (${set.name} Region set); `
        + `valid witnesses: ${validWitnesses.join(', ')}. Source: ${DSQL_MULTI_REGION_SETS_SOURCE}. If AWS lists it now, set allowUnlistedRegionSet: true `
        + `(or the context key ${DSQL_UNLISTED_REGION_SET_CONTEXT}=true) to accept it with a warning.`, scope);
    }
    checkDsqlRegionSet(scope, `DsqlPeeredClusters '${scope.node.id}' peers and witness`, [...peers, witness], true);
  }
}
