import { Token } from 'aws-cdk-lib';
import { unscopedValidationError } from '../private/errors';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EndpointSpec } from '../../lambda/lag-probe/endpoint-spec';
import { DsqlPeeredClusters } from '../data/dsql-peered-clusters';
import { assertKnownRegion } from '../topology/regions';

/**
 * Options of `LagProbeDatabase.dsql()`: two peered Aurora DSQL clusters, one per Region.
 */
export interface DsqlLagProbeDatabaseOptions {
  /** Endpoint host name of the cluster written to, for example `<id>.dsql.us-east-1.on.aws`. */
  readonly writerEndpoint: string;
  /** ARN of the cluster written to. */
  readonly writerClusterArn: string;
  /** Region of the cluster written to. */
  readonly writerRegion: string;
  /** Endpoint host name of the peer cluster read from. */
  readonly readerEndpoint: string;
  /** ARN of the peer cluster read from. */
  readonly readerClusterArn: string;
  /** Region of the peer cluster read from. */
  readonly readerRegion: string;
  /**
   * Database role the probe connects as. `admin` needs `dsql:DbConnectAdmin`; any other role
   * (created with `CREATE ROLE ... WITH LOGIN` and mapped with `AWS IAM GRANT`) needs only
   * `dsql:DbConnect`, the least privilege, and the right to create the heartbeat table.
   * @default 'admin'
   */
  readonly databaseUser?: string;
  /**
   * The Region whose stack holds the probe: the writer's or the reader's.
   * @default - the writer's Region
   */
  readonly probeRegion?: string;
}

/**
 * Options of `LagProbeDatabase.postgres()`: a PostgreSQL primary and a replica (Aurora
 * Global Database, RDS read replica, or any streaming standby).
 */
export interface PostgresLagProbeDatabaseOptions {
  /**
   * Connection string of the primary, `postgres://user@host:5432/db?sslmode=require`.
   * Leave the password out and give `passwordSecret`.
   */
  readonly writerConnectionString: string;
  /** Region of the primary. */
  readonly writerRegion: string;
  /** Connection string of the replica. */
  readonly readerConnectionString: string;
  /** Region of the replica. */
  readonly readerRegion: string;
  /**
   * Secret whose JSON holds `password` (and optionally `username`), as RDS-managed secrets do;
   * the probe reads it at run time and is granted read access to it.
   * @default - credentials come from the connection strings
   */
  readonly passwordSecret?: secretsmanager.ISecret;
  /**
   * The Region whose stack holds the probe: the writer's or the reader's.
   * @default - the writer's Region
   */
  readonly probeRegion?: string;
}


/**
 * The pair of endpoints a `ReplicationLagProbe` writes to and reads from.
 */
export class LagProbeDatabase {
  /** Two peered Aurora DSQL clusters; IAM tokens over TLS. */
  public static dsql(options: DsqlLagProbeDatabaseOptions): LagProbeDatabase {
    assertKnownRegion(options.writerRegion, 'LagProbeDatabase.dsql writerRegion');
    assertKnownRegion(options.readerRegion, 'LagProbeDatabase.dsql readerRegion');
    assertDistinct(options.writerRegion, options.readerRegion);
    assertSameRegions(options);
    for (const [what, arn] of [['writerClusterArn', options.writerClusterArn], ['readerClusterArn', options.readerClusterArn]]) {
      if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:dsql:[a-z0-9-]+:\d{12}:cluster\/[a-z0-9]+$/.test(arn)) {
        throw new Error(`LagProbeDatabase.dsql: ${what} '${arn}' is not a DSQL cluster ARN; expected arn:aws:dsql:<region>:<account>:cluster/<id>.`);
      }
    }
    const user = options.databaseUser ?? 'admin';
    const action = user === 'admin' ? 'dsql:DbConnectAdmin' : 'dsql:DbConnect';
    return new LagProbeDatabase(
      options.writerRegion,
      options.readerRegion,
      probeRegionOf(options),
      { kind: 'dsql', host: options.writerEndpoint, region: options.writerRegion, user },
      { kind: 'dsql', host: options.readerEndpoint, region: options.readerRegion, user },
      (grantee) => iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [options.writerClusterArn, options.readerClusterArn] }),
    );
  }

  /**
   * Both directions of a `DsqlPeeredClusters` pair. Both probes live in the Region of the
   * peering resource, whose stack already references the other Region's cluster, so the two
   * regional stacks do not come to depend on each other.
   */
  public static dsqlPeers(clusters: DsqlPeeredClusters, databaseUser?: string): LagProbeDatabase[] {
    const [home, other] = clusters.peerRegions;
    const pair = (writer: string, reader: string) => LagProbeDatabase.dsql({
      writerRegion: writer, writerEndpoint: clusters.endpoint(writer), writerClusterArn: clusters.clusterArn(writer),
      readerRegion: reader, readerEndpoint: clusters.endpoint(reader), readerClusterArn: clusters.clusterArn(reader),
      databaseUser,
      probeRegion: home,
    });
    return [pair(home, other), pair(other, home)];
  }

  /** A PostgreSQL primary and replica, by connection string. */
  public static postgres(options: PostgresLagProbeDatabaseOptions): LagProbeDatabase {
    assertKnownRegion(options.writerRegion, 'LagProbeDatabase.postgres writerRegion');
    assertKnownRegion(options.readerRegion, 'LagProbeDatabase.postgres readerRegion');
    for (const [what, cs] of [['writerConnectionString', options.writerConnectionString], ['readerConnectionString', options.readerConnectionString]]) {
      if (!Token.isUnresolved(cs) && !/^postgres(ql)?:\/\//.test(cs)) {
        throw new Error(`LagProbeDatabase.postgres: ${what} '${cs}' is not a connection string; expected postgres://user@host:5432/db.`);
      }
    }
    const secretArn = options.passwordSecret?.secretArn;
    return new LagProbeDatabase(
      options.writerRegion,
      options.readerRegion,
      probeRegionOf(options),
      { kind: 'postgres', connectionString: options.writerConnectionString, passwordSecretArn: secretArn },
      { kind: 'postgres', connectionString: options.readerConnectionString, passwordSecretArn: secretArn },
      (grantee) => options.passwordSecret?.grantRead(grantee),
    );
  }

  private constructor(
    /** Region written to. */
    public readonly writerRegion: string,
    /** Region read from. */
    public readonly readerRegion: string,
    /** Region whose stack holds the probe. */
    public readonly probeRegion: string,
    private readonly writer: EndpointSpec,
    private readonly reader: EndpointSpec,
    private readonly grant: (grantee: iam.IGrantable) => void,
  ) {}

  /**
   * Grants the probe's role what it needs to connect, and returns the endpoint part of the
   * handler configuration.
   * @internal
   */
  public _bind(grantee: iam.IGrantable): { writer: EndpointSpec; reader: EndpointSpec } {
    this.grant(grantee);
    return { writer: this.writer, reader: this.reader };
  }
}

function probeRegionOf(options: { writerRegion: string; readerRegion: string; probeRegion?: string }): string {
  const region = options.probeRegion ?? options.writerRegion;
  if (region !== options.writerRegion && region !== options.readerRegion) {
    throw new Error(`LagProbeDatabase: probeRegion '${region}' is neither the writer's (${options.writerRegion}) nor the reader's (${options.readerRegion}) Region; the probe must run in one of them.`);
  }
  return region;
}

function assertDistinct(writer: string, reader: string): void {
  if (writer === reader) {
    throw new Error(`LagProbeDatabase: writerRegion and readerRegion are both '${writer}'; cross-Region lag needs two different Regions.`);
  }
}

/**
 * The writer and reader Regions must be those of the clusters (read from each endpoint,
 * `<id>.dsql.<region>.on.aws`, and from each concrete ARN): a swapped pair would measure the
 * other direction under this one's name.
 */
function assertSameRegions(options: DsqlLagProbeDatabaseOptions): void {
  const sides = [
    ['writer', options.writerRegion, options.writerEndpoint, options.writerClusterArn],
    ['reader', options.readerRegion, options.readerEndpoint, options.readerClusterArn],
  ] as const;
  for (const [side, region, endpoint, arn] of sides) {
    const fromEndpoint = Token.isUnresolved(endpoint) ? undefined : /\.dsql\.([a-z0-9-]+)\.on\.aws$/.exec(endpoint)?.[1];
    const fromArn = Token.isUnresolved(arn) ? undefined : arn.split(':')[3];
    for (const [source, value, actual] of [['endpoint', endpoint, fromEndpoint], ['cluster ARN', arn, fromArn]] as const) {
      if (actual !== undefined && actual !== region) {
        throw unscopedValidationError('LagProbeRegionMismatch', `LagProbeDatabase.dsql: ${side}Region is '${region}' but the ${side} ${source} '${value}' is in '${actual}'; `
          + 'give each side the Region of its own cluster (writer and reader swapped?).');
      }
    }
  }
}
