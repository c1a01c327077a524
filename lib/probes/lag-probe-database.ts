import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { unscopedValidationError } from '../private/errors';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EndpointSpec } from '../../lambda/lag-probe/endpoint-spec';
import { DsqlPeeredClusters } from '../data/dsql-peered-clusters';
import { assertKnownRegion, partitionOf } from '../topology/regions';

/** What the handler checks (lambda/lag-probe/secret-replication.ts). */
interface SecretReplicationSpec {
  readonly secretId: string;
  readonly region: string;
  readonly replicaRegions: string[];
}

/**
 * The primary of a replicated secret: the probe reads its `ReplicationStatus` and publishes
 * whether the replica of the probe's Region is in sync.
 */
export interface ReplicatedSecretPrimary {
  /** Name of the primary secret. */
  readonly secretName: string;
  /** Region of the primary secret. */
  readonly region: string;
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
  /**
   * The database's name in the probe's metrics (dimension `Database`), so two databases probed
   * over the same Region pair keep apart metrics and alarms.
   * @default - the writer's host name (the host of writerConnectionString)
   */
  readonly name?: string;
  /**
   * When `passwordSecret` is a replica, its primary: every run the probe calls DescribeSecret on
   * it (in its Region, so the probe needs a route to Secrets Manager there) and publishes
   * `SecretReplicaInSync` for the probe's Region, with an alarm. CloudFormation reports a
   * replicated secret complete even when a replica failed, so this is how a failure shows.
   * @default - not checked
   */
  readonly passwordSecretPrimary?: ReplicatedSecretPrimary;
}


/**
 * The pair of endpoints a `ReplicationLagProbe` writes to and reads from: an asynchronously
 * replicated database, whose replica trails its writer by a lag worth measuring.
 *
 * Peered Aurora DSQL clusters are not one: they replicate synchronously and are strongly
 * consistent at both endpoints, so a lag would only time a read round trip and its 1 s / 5 s
 * alarms could never fire; probe them with `DsqlProbe` (commit latency, read-after-write).
 *
 * New kinds of asynchronous store come in as a static factory here, an endpoint kind in
 * `lambda/lag-probe/endpoint-spec.ts` and its connection in `lambda/lag-probe/endpoints.ts`.
 */
export class LagProbeDatabase {
  /**
   * Both directions of a `DsqlPeeredClusters` pair, as lag-probe databases: the probe writes a
   * heartbeat to one cluster and reads it from the other (IAM tokens over TLS; `databaseUser`
   * `admin`, the default, needs `dsql:DbConnectAdmin`, any other role `dsql:DbConnect`, granted on
   * both clusters). Both probes live in the Region of the peering resource, whose stack already
   * references the other Region's cluster, so the regional stacks do not depend on each other.
   *
   * @deprecated since 0.2.0, to be removed in 0.3.0 at the earliest: peered Aurora DSQL clusters
   * replicate synchronously, so the lag this measures is one read round trip and the lag alarms
   * (1 s, 5 s) never fire. Probe the pair with `MultiRegionProbesProps.dsqlPairs` (a `DsqlProbe`
   * per Region: commit latency, read-after-write both ways, reachability). Kept because it was
   * removed from the TypeScript API without a deprecation before 0.1.0.
   */
  public static dsqlPeers(clusters: DsqlPeeredClusters, databaseUser?: string): LagProbeDatabase[] {
    const [home, other] = clusters.peerRegions;
    const user = databaseUser ?? 'admin';
    const action = user === 'admin' ? 'dsql:DbConnectAdmin' : 'dsql:DbConnect';
    const endpoint = (region: string): EndpointSpec => ({ kind: 'dsql', host: clusters.endpoint(region), region, user });
    const pair = (writer: string, reader: string) => new LagProbeDatabase(writer, reader, home, clusters.node.path, endpoint(writer), endpoint(reader),
      (grantee: iam.IGrantable) => {
        iam.Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [clusters.clusterArn(writer), clusters.clusterArn(reader)] });
        return undefined;
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
    assertRegionsOfHosts(options);
    assertNoPassword(options);
    const name = options.name ?? hostOf(options.writerConnectionString);
    if (name === undefined) {
      throw unscopedValidationError('LagProbeDatabaseNameUnknown', 'LagProbeDatabase.postgres: the writer\'s host is not known at synth (writerConnectionString is built from tokens); '
        + 'give name, for example the cluster identifier, for the metrics\' Database dimension.');
    }
    if ((!Token.isUnresolved(name) && !/^[\x20-\x7e]{1,255}$/.test(name))) {
      throw unscopedValidationError('InvalidLagProbeDatabaseName', `LagProbeDatabase.postgres: name '${name ?? ''}' is not valid; give 1 to 255 printable ASCII characters `
        + '(a CloudWatch dimension value), for example the cluster identifier.');
    }
    const secretArn = options.passwordSecret?.secretArn;
    const probeRegion = probeRegionOf(options);
    const primary = options.passwordSecretPrimary;
    if (primary !== undefined) {
      assertKnownRegion(primary.region, 'LagProbeDatabase.postgres passwordSecretPrimary.region');
      if (options.passwordSecret === undefined) {
        throw unscopedValidationError('SecretPrimaryWithoutSecret', 'LagProbeDatabase.postgres: passwordSecretPrimary was given without passwordSecret; give the replica the probe reads as passwordSecret.');
      }
      if (primary.region === probeRegion) {
        throw unscopedValidationError('SecretPrimaryInProbeRegion', `LagProbeDatabase.postgres: passwordSecretPrimary is in ${primary.region}, the probe's own Region, so there is no replica to check; leave it out.`);
      }
    }
    return new LagProbeDatabase(
      options.writerRegion,
      options.readerRegion,
      probeRegion,
      name,
      { kind: 'postgres', connectionString: options.writerConnectionString, passwordSecretArn: secretArn },
      { kind: 'postgres', connectionString: options.readerConnectionString, passwordSecretArn: secretArn },
      (grantee) => {
        options.passwordSecret?.grantRead(grantee);
        if (primary === undefined) return undefined;
        const stack = Stack.of(grantee as unknown as Construct);
        // DescribeSecret is the permission for ReplicationStatus (Secrets Manager API Reference, DescribeSecret).
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['secretsmanager:DescribeSecret'],
          resourceArns: [`arn:${partitionOf(primary.region)}:secretsmanager:${primary.region}:${stack.account}:secret:${primary.secretName}-??????`],
        });
        return { secretId: primary.secretName, region: primary.region, replicaRegions: [probeRegion] };
      },
    );
  }

  private constructor(
    /** Region written to. */
    public readonly writerRegion: string,
    /** Region read from. */
    public readonly readerRegion: string,
    /** Region whose stack holds the probe. */
    public readonly probeRegion: string,
    /** The database's name (the `Database` dimension of the probe's metrics). */
    public readonly name: string,
    private readonly writer: EndpointSpec,
    private readonly reader: EndpointSpec,
    private readonly grant: (grantee: iam.IGrantable) => SecretReplicationSpec | undefined,
  ) {}

  /**
   * Grants the probe's role what it needs to connect, and returns the endpoint part of the
   * handler configuration.
   * @internal
   */
  public _bind(grantee: iam.IGrantable): { writer: EndpointSpec; reader: EndpointSpec; secretReplication?: SecretReplicationSpec } {
    const secretReplication = this.grant(grantee);
    return { writer: this.writer, reader: this.reader, ...(secretReplication ? { secretReplication } : {}) };
  }
}

/** The host of a connection string, when it is a literal. */
function hostOf(connectionString: string): string | undefined {
  if (Token.isUnresolved(connectionString)) {
    // Built from tokens: the host is the part between '@' (or '//') and the port or path.
    return undefined;
  }
  return /^postgres(ql)?:\/\/(?:[^@/]*@)?([^:/?]+)/.exec(connectionString)?.[2];
}

/**
 * A password written into a connection string lands in the function's environment and the
 * template in clear text; the probe takes it from a secret instead.
 */
function assertNoPassword(options: PostgresLagProbeDatabaseOptions): void {
  for (const [what, cs] of [['writerConnectionString', options.writerConnectionString], ['readerConnectionString', options.readerConnectionString]] as const) {
    const userInfo = /^postgres(ql)?:\/\/([^@/]*)@/.exec(cs)?.[2];
    const inQuery = /[?&]password=/i.test(cs);
    if ((userInfo !== undefined && userInfo.includes(':')) || inQuery) {
      throw unscopedValidationError('PasswordInConnectionString', `LagProbeDatabase.postgres: ${what} holds a password (${cs.replace(/:[^:@/]*@/, ':****@').replace(/password=[^&]*/i, 'password=****')}); `
        + 'it would be stored in clear text in the template and the function\'s environment. Write postgres://user@host:5432/db and give the password in passwordSecret.');
    }
  }
}

function probeRegionOf(options: { writerRegion: string; readerRegion: string; probeRegion?: string }): string {
  const region = options.probeRegion ?? options.writerRegion;
  if (region !== options.writerRegion && region !== options.readerRegion) {
    throw new Error(`LagProbeDatabase: probeRegion '${region}' is neither the writer's (${options.writerRegion}) nor the reader's (${options.readerRegion}) Region; the probe must run in one of them.`);
  }
  return region;
}

/**
 * An Aurora or RDS endpoint names its Region (`<name>.cluster-<id>.<region>.rds.amazonaws.com`):
 * the writer and reader Regions must be those of their hosts, or a swapped pair would measure
 * the other direction under this one's name. Hosts that name no Region are not checked.
 */
function assertRegionsOfHosts(options: PostgresLagProbeDatabaseOptions): void {
  const sides = [
    ['writer', options.writerRegion, options.writerConnectionString],
    ['reader', options.readerRegion, options.readerConnectionString],
  ] as const;
  for (const [side, region, connectionString] of sides) {
    if (Token.isUnresolved(connectionString)) continue;
    const hostRegion = /@?([^@/:]+)(:\d+)?\//.exec(connectionString.replace(/^postgres(ql)?:\/\//, ''))?.[1]
      .match(/\.([a-z]{2}(-gov)?-[a-z]+-\d)\.rds\.amazonaws\.com(\.cn)?$/)?.[1];
    if (hostRegion !== undefined && hostRegion !== region) {
      throw unscopedValidationError('LagProbeRegionMismatch', `LagProbeDatabase.postgres: ${side}Region is '${region}' but the ${side} host `
        + `of '${connectionString}' is in '${hostRegion}'; give each side the Region of its own endpoint (writer and reader swapped?).`);
    }
  }
}
