import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { registerAlarm } from '../private/alarm-registry';
import { validationError } from '../private/errors';
import { assertKnownRegion } from '../topology/regions';
import { DEFAULT_PROBE_NAMESPACE } from './namespace';
import { probeNotRunningAlarm } from './private/probe-alarms';
import { concreteRegion, createProbeFunction } from './private/probe-function';
import { aliased } from './private/settings';
import { validateNamespace, validateNOfM, validateProbesPerRun } from './private/validation';
import { DsqlProbeSettings } from './probe-settings';

/**
 * One Aurora DSQL cluster endpoint a `DsqlProbe` connects to.
 */
export interface DsqlProbeCluster {
  /** Region of the cluster. */
  readonly region: string;
  /** Endpoint host name, for example `<id>.dsql.us-east-1.on.aws`. */
  readonly endpoint: string;
  /** ARN of the cluster, `arn:aws:dsql:<region>:<account>:cluster/<id>`. */
  readonly clusterArn: string;
}

/**
 * Properties of a `DsqlProbe`.
 */
export interface DsqlProbeProps extends DsqlProbeSettings {
  /** The cluster in the probe's own Region (the Region of its stack); its commit latency is measured. */
  readonly cluster: DsqlProbeCluster;

  /**
   * The peered cluster in the other Region. With a peer the probe also checks read-after-write
   * both ways (commit here, read there at once; commit there, read here) and the peer's
   * reachability, and gets the consistency-violation alarm.
   *
   * Give the peer to the probe whose stack already references the other Region (with
   * `DsqlPeeredClusters`, the stack of the peering resource): a probe with a peer in each
   * Region would make the two regional stacks reference each other, a cycle.
   * @default - commit latency and reachability of `cluster` only
   */
  readonly peer?: DsqlProbeCluster;

  /**
   * Name of the cluster pair: the `Database` dimension of the metrics.
   * @default 'dsql'
   */
  readonly databaseName?: string;

  /**
   * @deprecated use `databaseRole` (the `DsqlProbeSettings` name)
   * @default 'mrcdk_probe'
   */
  readonly databaseUser?: string;
}

/**
 * A scheduled Lambda for a pair of peered Aurora DSQL clusters, which replicate synchronously:
 * a commit returns once it is durable in both Regions and both endpoints are strongly
 * consistent, so a replication lag has nothing to show (a lag probe would only time one read
 * round trip, and its alarms could never fire). Instead it measures what the synchronous path
 * costs and whether it keeps its promise:
 *
 * - `CommitLatency` (ms): one small write transaction (a single-row INSERT, committed) on the
 *   cluster of the probe's own Region, timed from inside that Region;
 * - `ReadAfterWriteViolation` (0/1), with a peer: commit in one Region and read at once in the
 *   other, both ways; 1 means the committed row was not visible, which strong consistency rules
 *   out; any 1 fires `consistencyViolationAlarm` (critical);
 * - `EndpointReachable` (0/1) per cluster it connects to (connect, IAM token, `SELECT 1`).
 *
 * Use one in each Region of the pair (only one of them with `peer`), or `MultiRegionProbes`'
 * `dsqlPairs`, which does that.
 *
 * "Both endpoints present a single logical database that supports concurrent read and write
 * operations with strong data consistency" (Aurora DSQL User Guide, "Configuring multi-Region
 * clusters", https://docs.aws.amazon.com/aurora-dsql/latest/userguide/configuring-multi-region-clusters.html).
 */
export class DsqlProbe extends Construct {
  /** The database role a probe connects as unless told otherwise (`dsql:DbConnect` only). */
  public static readonly DEFAULT_DATABASE_ROLE = 'mrcdk_probe';
  /** The schema of the probe's table unless told otherwise. */
  public static readonly DEFAULT_SCHEMA = 'mrcdk_probe';

  /** The Region of the probe and of `cluster`. */
  public readonly region: string;
  /** The Region of the peer, when there is one. */
  public readonly peerRegion?: string;
  /** The `Database` dimension. */
  public readonly databaseName: string;
  /** The metric namespace. */
  public readonly namespace: string;
  /** The probe function (named so because `function` is reserved in the jsii target languages). */
  public readonly probeFunction: lambda.IFunction;
  /** The probe's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The probe function's role: map it to `databaseRole` with a `DsqlDatabaseRole`. */
  public readonly role: iam.IRole;
  /** The database role the probe connects as. */
  public readonly databaseRole: string;
  /** The schema of the probe's table. */
  public readonly schemaName: string;
  /** The probe's table, in `schemaName`. */
  public readonly tableName: string;
  /** Fires (critical) when a read right after a commit in the other Region missed the row; only with a peer. */
  public readonly consistencyViolationAlarm?: cloudwatch.Alarm;
  /** Fires when the p90 commit latency stays above `commitLatencyThreshold`; only when it is set. */
  public readonly commitLatencyAlarm?: cloudwatch.Alarm;
  /** Fires when a cluster the probe connects to was unreachable in N of the last M minutes. */
  public readonly unreachableAlarm: cloudwatch.Alarm;
  /** Fires when no probe result arrived for several minutes. */
  public readonly probeNotRunningAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DsqlProbeProps) {
    super(scope, id);
    const where = `DsqlProbe '${id}'`;
    this.region = concreteRegion(this, where);
    checkCluster(this, props.cluster, 'cluster');
    if (props.cluster.region !== this.region) {
      throw validationError('DsqlProbeRegion', `${where} is in a stack of ${this.region} but its cluster is in '${props.cluster.region}'; put the probe in the stack of its cluster's Region, which it times commits in.`, this);
    }
    if (props.peer) {
      checkCluster(this, props.peer, 'peer');
      if (props.peer.clusterArn === props.cluster.clusterArn) {
        throw validationError('DsqlProbePeerIsCluster', `${where}: peer is the probe's own cluster (${Token.isUnresolved(props.cluster.clusterArn) ? 'the same ARN' : props.cluster.clusterArn}); `
          + 'the peer must be the cluster of the pair\'s other Region.', this);
      }
      if (props.peer.region === this.region) {
        throw validationError('DsqlProbePeer', `${where}: peer is in '${props.peer.region}', the probe's own Region; the peer must be the cluster in the other Region of the pair.`, this);
      }
      this.peerRegion = props.peer.region;
    }
    this.databaseName = props.databaseName ?? 'dsql';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(this.databaseName)) {
      throw validationError('DsqlProbeDatabaseName', `${where}: databaseName '${this.databaseName}' is not valid; use 1 to 64 letters, digits, '.', '_' or '-' (it is the Database metric dimension).`, this);
    }
    this.namespace = props.namespace ?? DEFAULT_PROBE_NAMESPACE;
    validateNamespace(this.namespace, where);
    const probesPerRun = props.probesPerRun ?? 1;
    validateProbesPerRun(probesPerRun, where);
    const datapoints = props.datapointsToAlarm ?? 2;
    const periods = props.evaluationPeriods ?? 3;
    validateNOfM(datapoints, periods, where);
    const notRunningPeriods = props.notRunningEvaluationPeriods ?? 5;
    validateNOfM(notRunningPeriods, notRunningPeriods, `${where} not-running alarm`);
    const table = props.tableName ?? 'multi_region_consistency_probe';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) {
      throw validationError('DsqlProbeTableName', `${where}: tableName '${table}' is not valid; use a lower-case SQL identifier of up to 63 letters, digits and underscores.`, this);
    }
    const user = aliased(this, 'databaseRole', props.databaseRole, 'databaseUser', props.databaseUser) ?? DsqlProbe.DEFAULT_DATABASE_ROLE;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user)) {
      throw validationError('DsqlProbeDatabaseRole', `${where}: databaseRole '${user}' is not valid; use a lower-case SQL identifier, for example ${DsqlProbe.DEFAULT_DATABASE_ROLE}.`, this);
    }
    const schema = props.schemaName ?? (user === 'admin' ? 'public' : DsqlProbe.DEFAULT_SCHEMA);
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw validationError('DsqlProbeSchemaName', `${where}: schemaName '${schema}' is not valid; use a lower-case SQL identifier, for example ${DsqlProbe.DEFAULT_SCHEMA}.`, this);
    }
    const connectTimeoutMs = (props.timeout ?? Duration.seconds(5)).toMilliseconds();
    if (connectTimeoutMs < 1000 || connectTimeoutMs > 10_000) {
      throw validationError('DsqlProbeTimeout', `${where}: timeout of ${connectTimeoutMs} ms is not valid; use 1 to 10 seconds (each connect and statement; a run makes up to six).`, this);
    }
    this.databaseRole = user;
    this.schemaName = schema;
    this.tableName = table;

    const probe = createProbeFunction(this, {
      handlerDir: 'dsql-probe',
      description: props.peer
        ? `Aurora DSQL probe of ${this.region}: commit latency, read-after-write with ${props.peer.region}`
        : `Aurora DSQL probe of ${this.region}: commit latency`,
      environment: {},
      namespace: this.namespace,
      // Connects, the table, two writes and two reads, each bounded by the connect timeout.
      timeout: probesPerRun > 1 ? Duration.seconds(75) : Duration.seconds(6 * connectTimeoutMs / 1000 + 10),
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.probeFunction = probe.fn;
    this.role = probe.role;
    this.logGroup = probe.logGroup;
    const clusters = [props.cluster, ...(props.peer ? [props.peer] : [])];
    iam.Grant.addToPrincipal({
      grantee: probe.role,
      actions: [user === 'admin' ? 'dsql:DbConnectAdmin' : 'dsql:DbConnect'],
      resourceArns: clusters.map((c) => c.clusterArn),
    });
    const spec = (c: DsqlProbeCluster) => ({ kind: 'dsql', host: c.endpoint, region: c.region, user });
    probe.fn.addEnvironment('DSQL_PROBE_CONFIG', Stack.of(this).toJsonString({
      namespace: this.namespace,
      database: this.databaseName,
      schema,
      table,
      connectTimeoutMs,
      local: spec(props.cluster),
      ...(props.peer ? { peer: spec(props.peer) } : {}),
    }));
    probe.fn.addEnvironment('PROBES_PER_RUN', String(probesPerRun));

    if (props.peer) {
      // Any miss is a broken promise, not noise: one datapoint in one minute is enough.
      this.consistencyViolationAlarm = registerAlarm(new cloudwatch.Alarm(this, 'ConsistencyViolation', {
        alarmDescription: `CRITICAL: a read right after a commit missed the row between ${this.region} and ${props.peer.region} `
          + `(${this.databaseName}); peered Aurora DSQL clusters are strongly consistent, so this must never happen.`,
        metric: new cloudwatch.MathExpression({
          expression: 'MAX([ab, ba])',
          usingMetrics: {
            ab: this.metricReadAfterWriteViolation(this.region, props.peer.region),
            ba: this.metricReadAfterWriteViolation(props.peer.region, this.region),
          },
          label: 'Read-after-write violations',
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    if (props.commitLatencyThreshold) {
      const thresholdMs = props.commitLatencyThreshold.toMilliseconds();
      if (thresholdMs <= 0) {
        throw validationError('DsqlProbeCommitLatencyThreshold', `${where}: commitLatencyThreshold of ${thresholdMs} ms is not valid; use a positive duration.`, this);
      }
      this.commitLatencyAlarm = registerAlarm(new cloudwatch.Alarm(this, 'CommitLatency', {
        alarmDescription: `Aurora DSQL commit latency p90 in ${this.region} (${this.databaseName}) above ${thresholdMs} ms in ${datapoints} of the last ${periods} minutes.`,
        metric: this.metricCommitLatency(),
        threshold: thresholdMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: datapoints,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
    const reachable = clusters.map((c) => this.metricEndpointReachable(c.region));
    this.unreachableAlarm = registerAlarm(new cloudwatch.Alarm(this, 'Unreachable', {
      alarmDescription: `An Aurora DSQL endpoint (${clusters.map((c) => c.region).join(', ')}) was unreachable from ${this.region} in ${datapoints} of the last ${periods} minutes.`,
      metric: reachable.length === 1 ? reachable[0] : new cloudwatch.MathExpression({
        expression: 'MIN([local, peer])',
        usingMetrics: { local: reachable[0], peer: reachable[1] },
        label: 'Every endpoint reachable',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.probeNotRunningAlarm = probeNotRunningAlarm(this, this.metricEndpointReachable(this.region), notRunningPeriods,
      `The Aurora DSQL probe of ${this.region} (${this.databaseName}) published nothing for ${notRunningPeriods} minutes.`);
  }

  /** Time of one small write transaction on this Region's cluster, in ms; p90 over one minute by default. */
  public metricCommitLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CommitLatency', { Region: this.region }, { statistic: cloudwatch.Stats.percentile(90), ...props });
  }

  /**
   * 1 when a row committed in `writerRegion` was not visible in `readerRegion` right after; Maximum over one minute by default.
   * Published only by a probe with a peer.
   */
  public metricReadAfterWriteViolation(writerRegion: string, readerRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const regions = [this.region, ...(this.peerRegion ? [this.peerRegion] : [])];
    if (!this.peerRegion || !regions.includes(writerRegion) || !regions.includes(readerRegion) || writerRegion === readerRegion) {
      throw validationError('DsqlProbeNoSuchPair', `DsqlProbe '${this.node.id}' checks no read-after-write from '${writerRegion}' to '${readerRegion}'; `
        + (this.peerRegion ? `it checks ${this.region} → ${this.peerRegion} and back.` : 'it has no peer.'), this);
    }
    return this.metric('ReadAfterWriteViolation', { WriterRegion: writerRegion, ReaderRegion: readerRegion }, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** 1 when the cluster of `region` (this Region's, or the peer's) answered, else 0; Minimum over one minute by default. */
  public metricEndpointReachable(activeRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (activeRegion !== this.region && activeRegion !== this.peerRegion) {
      throw validationError('DsqlProbeNoSuchRegion', `DsqlProbe '${this.node.id}' connects to no cluster in '${activeRegion}'; it connects to ${[this.region, this.peerRegion].filter((r) => r).join(' and ')}.`, this);
    }
    return this.metric('EndpointReachable', { Region: activeRegion }, { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  private metric(metricName: string, dimensions: Record<string, string>, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { Database: this.databaseName, ...dimensions },
      period: Duration.minutes(1),
      region: this.region,
      ...props,
    });
  }
}

function checkCluster(scope: Construct, c: DsqlProbeCluster, what: string): void {
  assertKnownRegion(c.region, `DsqlProbe ${what}.region`);
  if (!Token.isUnresolved(c.clusterArn) && !/^arn:aws[a-z-]*:dsql:[a-z0-9-]+:\d{12}:cluster\/[a-z0-9]+$/.test(c.clusterArn)) {
    throw validationError('DsqlProbeClusterArn', `DsqlProbe ${what}.clusterArn '${c.clusterArn}' is not a DSQL cluster ARN; expected arn:aws:dsql:<region>:<account>:cluster/<id>.`, scope);
  }
  if (!Token.isUnresolved(c.endpoint) && !/^[a-z0-9.-]+$/.test(c.endpoint)) {
    throw validationError('DsqlProbeEndpoint', `DsqlProbe ${what}.endpoint '${c.endpoint}' is not a host name; expected <id>.dsql.<region>.on.aws.`, scope);
  }
  // An endpoint of another cluster or Region than the ARN would sign tokens for one cluster and grant another.
  const arn = Token.isUnresolved(c.clusterArn) ? undefined : /:dsql:([a-z0-9-]+):\d{12}:cluster\/([a-z0-9]+)$/.exec(c.clusterArn);
  if (arn && arn[1] !== c.region) {
    throw validationError('DsqlProbeClusterRegion', `DsqlProbe ${what}: clusterArn '${c.clusterArn}' is in ${arn[1]} but region is '${c.region}'; give the Region of the cluster.`, scope);
  }
  if (arn && !Token.isUnresolved(c.endpoint) && c.endpoint !== `${arn[2]}.dsql.${arn[1]}.on.aws`) {
    throw validationError('DsqlProbeEndpointMismatch', `DsqlProbe ${what}: endpoint '${c.endpoint}' is not the endpoint of ${c.clusterArn}; it is ${arn[2]}.dsql.${arn[1]}.on.aws.`, scope);
  }
}
