import { Arn, ArnFormat, CfnTag, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { IRegionalKey, RegionalKey } from '../keys/regional-key';
import { KeyService } from '../keys/key-service';
import { allowsUnlistedRegionSet, checkDsqlRegionSet } from './dsql-region-sets';

/**
 * An Aurora DSQL cluster in one Region.
 */
export interface IDsqlCluster {
  /** The cluster's ARN. */
  readonly clusterArn: string;
  /** The cluster's identifier (the last part of its ARN). */
  readonly clusterIdentifier: string;
  /** The Region of the cluster. */
  readonly region: string;
  /** The PostgreSQL endpoint, `<identifier>.dsql.<region>.on.aws`. */
  readonly endpoint: string;

  /** Lets `grantee` connect with a token for a custom database role (`dsql:DbConnect`) to this cluster only. */
  grantConnect(grantee: iam.IGrantable): iam.Grant;

  /** Lets `grantee` connect as the `admin` role (`dsql:DbConnectAdmin`) to this cluster only. */
  grantConnectAdmin(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Properties of a `DsqlCluster`.
 */
export interface DsqlClusterProps {
  /**
   * The key that encrypts the cluster; it must belong to the cluster's Region. The key is told
   * to let DSQL use it (`KeyService.DSQL`) if it is a `RegionalKey`.
   */
  readonly encryptionKey: IRegionalKey;

  /**
   * The witness Region of a multi-Region cluster. The cluster then waits in PENDING_SETUP
   * until it is peered (see `DsqlPeeredClusters`).
   * @default - a single-Region cluster
   */
  readonly witnessRegion?: string;

  /**
   * ARNs of the peer cluster of a multi-Region cluster (one, in another Region of the witness's
   * Region set), rendered as `MultiRegionProperties.Clusters`: AWS documents creating the second
   * cluster of a pair with its peer's ARN ("peer during creation", Aurora DSQL User Guide,
   * "Using AWS CLI"); the peer must still be updated with this cluster's ARN (what
   * `DsqlPeering` does). Needs `witnessRegion`.
   * @default - no peer in the template
   */
  readonly peerClusterArns?: string[];

  /**
   * Accept a witness (and peer) Region outside the library's DSQL Region sets, with a warning;
   * see `DsqlPeeredClustersProps.allowUnlistedRegionSet`.
   * @default - the context key `multi-region-cdk:dsql-allow-unlisted-region-set`, else false
   */
  readonly allowUnlistedRegionSet?: boolean;

  /**
   * Whether the service refuses to delete the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Tags of the cluster (the stack's tags are added too).
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Attributes to import an existing DSQL cluster.
 */
export interface DsqlClusterAttributes {
  /** The cluster's ARN, naming its Region and identifier. */
  readonly clusterArn: string;
}

/**
 * One Aurora DSQL cluster (`AWS::DSQL::Cluster`) encrypted with its Region's customer-managed
 * key, deletion-protected and retained by default.
 */
export class DsqlCluster extends Resource implements IDsqlCluster {
  /** Imports a cluster by ARN (a concrete one: its Region and identifier are read from it). */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: DsqlClusterAttributes): IDsqlCluster {
    if (Token.isUnresolved(attrs.clusterArn)) {
      throw validationError('ClusterArnIsToken', `DsqlCluster.fromClusterAttributes('${id}') needs a concrete cluster ARN to know its Region, got a token.`, scope);
    }
    const parts = Arn.split(attrs.clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
    if (parts.service !== 'dsql' || parts.resource !== 'cluster' || !parts.region || !parts.resourceName) {
      throw validationError('InvalidClusterArn', `'${attrs.clusterArn}' is not a DSQL cluster ARN; expected arn:aws:dsql:<region>:<account>:cluster/<identifier>.`, scope);
    }
    const region = parts.region;
    const identifier = parts.resourceName;
    class Import extends Resource implements IDsqlCluster {
      public readonly clusterArn = attrs.clusterArn;
      public readonly clusterIdentifier = identifier;
      public readonly region = region;
      public readonly endpoint = endpointOf(identifier, region);
      public grantConnect(grantee: iam.IGrantable): iam.Grant {
        return grantOn(grantee, 'dsql:DbConnect', this.clusterArn);
      }
      public grantConnectAdmin(grantee: iam.IGrantable): iam.Grant {
        return grantOn(grantee, 'dsql:DbConnectAdmin', this.clusterArn);
      }
    }
    return new Import(scope, id, { environmentFromArn: attrs.clusterArn });
  }

  public readonly clusterArn: string;
  public readonly clusterIdentifier: string;
  public readonly region: string;
  public readonly endpoint: string;
  /** The witness Region, if the cluster is multi-Region. */
  public readonly witnessRegion?: string;
  /** The L1 resource, for what this construct does not cover. */
  public readonly cfnCluster: dsql.CfnCluster;

  constructor(scope: Construct, id: string, props: DsqlClusterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw validationError('RegionBoundInAgnosticStack', `DsqlCluster '${id}' lives in one Region, but stack ${stack.node.path} has no concrete `
        + "Region (environment-agnostic); its endpoint, key and witness depend on it: give the stack env: { region: 'us-east-1' } (or another Region code).", scope);
    }
    if (!Token.isUnresolved(props.encryptionKey.region)
      && props.encryptionKey.region !== stack.region) {
      throw validationError('KeyOfAnotherRegion', `DsqlCluster '${id}' in ${stack.region} cannot use the key of ${props.encryptionKey.region}; `
        + `use the key of ${stack.region} (MultiRegionApp.regionalKey('${stack.region}')).`, scope);
    }
    if (props.witnessRegion !== undefined && props.witnessRegion === stack.region) {
      throw validationError('WitnessIsOwnRegion', `DsqlCluster '${id}': witnessRegion '${props.witnessRegion}' is the cluster's own Region; the witness must be another Region.`, scope);
    }
    const peers = props.peerClusterArns ?? [];
    if (peers.length > 0 && props.witnessRegion === undefined) {
      throw validationError('PeersWithoutWitness', `DsqlCluster '${id}': peerClusterArns (${peers.join(', ')}) were given without a witnessRegion; `
        + 'a multi-Region cluster needs both: give witnessRegion, a third Region of the peers\' Region set.', scope);
    }
    if (peers.length > 1) {
      throw validationError('TooManyPeers', `DsqlCluster '${id}': peerClusterArns lists ${peers.length} clusters; Aurora DSQL peers exactly two clusters, so give the one peer's ARN.`, scope);
    }
    const peerRegions = peers.filter((arn) => !Token.isUnresolved(arn)).map((arn) => {
      const m = /^arn:aws[a-z-]*:dsql:([a-z0-9-]+):\d{12}:cluster\/[a-z0-9]+$/.exec(arn);
      if (!m) throw validationError('InvalidPeerClusterArn', `DsqlCluster '${id}': peerClusterArns holds '${arn}', which is not a DSQL cluster ARN; expected arn:aws:dsql:<region>:<account>:cluster/<identifier>.`, scope);
      if (m[1] === stack.region) {
        throw validationError('PeerInOwnRegion', `DsqlCluster '${id}': peer cluster ${arn} is in ${stack.region}, the cluster's own Region; the peer must be the cluster of the pair's other Region.`, scope);
      }
      return m[1];
    });
    if (props.witnessRegion !== undefined) {
      checkDsqlRegionSet(this, `DsqlCluster '${id}' (Region ${stack.region}, witness ${props.witnessRegion}${peerRegions.length ? `, peer ${peerRegions.join(', ')}` : ''})`,
        [stack.region, props.witnessRegion, ...peerRegions], allowsUnlistedRegionSet(props.allowUnlistedRegionSet, this));
    }
    // A RegionalKey only lets services it names use it; DSQL must be one of them.
    if (props.encryptionKey instanceof RegionalKey) {
      props.encryptionKey.allowService(KeyService.DSQL);
    }

    this.cfnCluster = new dsql.CfnCluster(this, 'Resource', {
      kmsEncryptionKey: props.encryptionKey.keyArn,
      deletionProtectionEnabled: props.deletionProtection ?? true,
      multiRegionProperties: props.witnessRegion
        ? { witnessRegion: props.witnessRegion, clusters: peers.length > 0 ? [...peers] : undefined }
        : undefined,
      tags: props.tags && Object.keys(props.tags).length > 0
        ? Object.entries(props.tags).map(([key, value]): CfnTag => ({ key, value }))
        : undefined,
    });
    this.cfnCluster.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.region = stack.region;
    this.witnessRegion = props.witnessRegion;
    this.clusterArn = this.cfnCluster.attrResourceArn;
    this.clusterIdentifier = this.cfnCluster.attrIdentifier;
    this.endpoint = endpointOf(this.clusterIdentifier, this.region);
  }

  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return grantOn(grantee, 'dsql:DbConnect', this.clusterArn);
  }

  public grantConnectAdmin(grantee: iam.IGrantable): iam.Grant {
    return grantOn(grantee, 'dsql:DbConnectAdmin', this.clusterArn);
  }
}

function endpointOf(identifier: string, region: string): string {
  return `${identifier}.dsql.${region}.on.aws`;
}

/**
 * A connecting principal needs only `dsql:DbConnect` (or `dsql:DbConnectAdmin`) on the cluster:
 * it signs an authentication token locally and never calls KMS. Aurora DSQL uses the cluster's
 * customer-managed key as its own service principal, `dsql.amazonaws.com`, on the cluster's
 * behalf (the key policy statement `AuroraDsqlClustersOfThisRegion` of `RegionalKey`, limited by
 * aws:SourceArn to this account's clusters of the key's Region), not through the caller's
 * credentials. Sources: Aurora DSQL User Guide, "Data encryption for Amazon Aurora DSQL",
 * "Authorizing use of your AWS KMS key for Aurora DSQL"
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/data-encryption.html), and
 * "Generating an authentication token"
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/SECTION_authentication-token.html),
 * which lists dsql:DbConnect / dsql:DbConnectAdmin as the permissions to connect. So no KMS
 * permission is granted here.
 */
function grantOn(grantee: iam.IGrantable, action: string, clusterArn: string): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [clusterArn] });
}
