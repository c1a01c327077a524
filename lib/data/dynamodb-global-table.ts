import { Annotations, Arn, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { registerAlarm } from '../private/alarm-registry';
import { validationError } from '../private/errors';
import { regionalKeyAliasArn } from '../private/key-alias-arn';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { assertKnownRegion, partitionOfStack } from '../topology/regions';
import { DYNAMODB_MRSC_REGION_SETS, DYNAMODB_MRSC_REGION_SETS_SOURCE } from './dynamodb-region-sets';
import { IReplicatedDataStore, ReplicationMode } from './replicated-data-store';

/**
 * How the replicas of a DynamoDB global table agree.
 *
 * See "Consistency modes" in the DynamoDB Developer Guide
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html).
 */
export enum GlobalTableConsistency {
  /**
   * Multi-Region eventual consistency (MREC): every replica accepts writes and replicates them
   * asynchronously, usually within a second. Concurrent writes of one item in two Regions are
   * resolved by last writer wins: one of them is silently lost.
   */
  EVENTUAL = 'EVENTUAL',
  /**
   * Multi-Region strong consistency (MRSC): a write returns once it is durable in a second
   * Region, and strongly consistent reads see the latest write in every Region (RPO 0). Needs
   * three replicas, or two replicas and a witness, all in one supported Region set.
   */
  STRONG = 'STRONG',
}

/**
 * Properties of a `DynamoDbGlobalTable`.
 */
export interface DynamoDbGlobalTableProps {
  /** The app's Regions, stacks and keys. The table resource goes into the first replica Region's stack. */
  readonly topology: IMultiRegionTopology;

  /** Partition key of the table. */
  readonly partitionKey: dynamodb.Attribute;

  /**
   * Sort key of the table.
   * @default - no sort key
   */
  readonly sortKey?: dynamodb.Attribute;

  /**
   * Name of the table, the same in every Region. A concrete name lets the other Regions' stacks
   * (alarms, grants, probes) name their replica without a cross-Region reference.
   * @default `<topology.stackNamePrefix>-<id>`
   */
  readonly tableName?: string;

  /**
   * The Regions with a replica, all active Regions of the topology. The first one holds the
   * `AWS::DynamoDB::GlobalTable` resource.
   * @default - the topology's active Regions, primary Region first
   */
  readonly replicaRegions?: string[];

  /**
   * Eventual (MREC, last writer wins) or strong (MRSC) multi-Region consistency.
   * @default GlobalTableConsistency.EVENTUAL
   */
  readonly consistency?: GlobalTableConsistency;

  /**
   * The witness Region of a strongly consistent table with two replicas. Not allowed with
   * `GlobalTableConsistency.EVENTUAL`.
   * @default - for STRONG with two replicas, the topology's witness Region; otherwise none
   */
  readonly witnessRegion?: string;

  /**
   * Point-in-time recovery on every replica.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;

  /**
   * Deletion protection on every replica.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the table when it leaves its stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Name of the time-to-live attribute.
   * @default - no time to live
   */
  readonly timeToLiveAttribute?: string;

  /**
   * Replication latency above which the warning alarm of a Region pair fires (the "concerning" band).
   * @default Duration.seconds(1)
   */
  readonly latencyWarningThreshold?: Duration;

  /**
   * Replication latency above which the critical alarm of a Region pair fires; with eventual
   * consistency this is also the table's `worstCaseRpoSeconds`.
   * @default Duration.seconds(5)
   */
  readonly latencyCriticalThreshold?: Duration;

  /**
   * Five-minute periods the latency alarms look at (DynamoDB aggregates `ReplicationLatency`
   * at five-minute granularity).
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * Breaching periods among `evaluationPeriods` that fire a latency alarm.
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

const READ_ACTIONS = [
  'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable',
];
/**
 * Stream actions act on the stream's ARN (`<table ARN>/stream/<label>`), not the table's (Service
 * Authorization Reference, Amazon DynamoDB: GetRecords and GetShardIterator take the `stream` resource type).
 */
const STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
/**
 * DynamoDB aggregates every metric but a named few at five-minute granularity, and
 * `ReplicationLatency` is not among the one-minute ones (DynamoDB Developer Guide, "DynamoDB
 * Metrics and dimensions"): shorter periods would rarely hold a datapoint.
 */
const REPLICATION_LATENCY_PERIOD = Duration.minutes(5);
const WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable',
];
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'];

/** Alarms on the replication latency from one Region's replica to another's. */
export interface ReplicationLatencyAlarms {
  /** The Region where the write happened (the metric is published there). */
  readonly sourceRegion: string;
  /** The Region receiving the write. */
  readonly receivingRegion: string;
  /** Fires above the warning threshold. */
  readonly warning: cloudwatch.Alarm;
  /** Fires above the critical threshold. */
  readonly critical: cloudwatch.Alarm;
}

/**
 * A DynamoDB global table over the topology's active Regions (`TableV2` underneath), with:
 *
 * - every replica encrypted with its own Region's `RegionalKey` (never one key for all, never a
 *   multi-Region key); the keys of the other Regions are named by alias ARN
 *   (`arn:aws:kms:<region>:<account>:alias/...`, accepted by `ReplicaSSESpecification`), so no
 *   key ARN crosses Regions, and the table's stack deploys after theirs;
 * - point-in-time recovery and deletion protection on by default;
 * - multi-Region eventual consistency by default. **Last writer wins**: two Regions writing the
 *   same item at about the same time keep only one of the writes, silently. Route each item's
 *   writes to one Region, use conditional writes with a version attribute, or choose
 *   `GlobalTableConsistency.STRONG` (MRSC) where that loss is unacceptable;
 * - grants per Region (`grantReadData(grantee, region)` and friends) naming that Region's
 *   replica and that Region's key only;
 * - `ReplicationLatency` alarms for every ordered Region pair (1 s warning, 5 s critical by
 *   default), each in the source Region's stack, where DynamoDB publishes the metric.
 *
 * The table resource lives in the first replica Region's stack, not under this construct: tag
 * it for data residency with `DataResidency.tag(globalTable.table, DataClass.PII)` (the guard
 * then checks every replica and witness Region).
 *
 * Sources: "Encryption at rest: How it works" and "DynamoDB global tables security" in the
 * DynamoDB Developer Guide
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-security.html),
 * and the CloudFormation reference of `AWS::DynamoDB::GlobalTable ReplicaSSESpecification`.
 */
export class DynamoDbGlobalTable extends Construct implements IReplicatedDataStore {
  /** The table (in the first replica Region's stack). */
  public readonly table: dynamodb.TableV2;
  /** The table name, the same in every Region. */
  public readonly tableName: string;
  /** The Regions with a replica; the first holds the table resource. */
  public readonly replicaRegions: string[];
  /** The consistency mode. */
  public readonly consistency: GlobalTableConsistency;
  /** The witness Region of an MRSC table with two replicas. */
  public readonly witnessRegion?: string;
  /** Synchronous for MRSC, asynchronous for MREC. */
  public readonly replicationMode: ReplicationMode;
  /** 0 for MRSC; for MREC the critical replication-latency threshold. */
  public readonly worstCaseRpoSeconds: number;
  /** Where `worstCaseRpoSeconds` comes from. */
  public readonly rpoBasis: string;
  /** The warning threshold of the latency alarms, in ms. */
  public readonly latencyWarningThresholdMs: number;
  /** The critical threshold of the latency alarms, in ms. */
  public readonly latencyCriticalThresholdMs: number;
  /** The latency alarms of every ordered Region pair (none for MRSC, which replicates synchronously). */
  public readonly latencyAlarms: ReplicationLatencyAlarms[] = [];
  /** The table's partition key. */
  public readonly partitionKey: dynamodb.Attribute;
  /** The table's sort key, if it has one. */
  public readonly sortKey?: dynamodb.Attribute;
  /** The table's time-to-live attribute, if it has one. */
  public readonly timeToLiveAttribute?: string;

  private readonly topology: IMultiRegionTopology;

  constructor(scope: Construct, id: string, props: DynamoDbGlobalTableProps) {
    super(scope, id);
    const topology = props.topology;
    this.topology = topology;
    const regions = props.replicaRegions ?? defaultRegions(topology);
    this.consistency = props.consistency ?? GlobalTableConsistency.EVENTUAL;
    this.witnessRegion = validateGlobalTableRegions(this, regions, this.consistency, props.witnessRegion, topology);
    this.replicaRegions = [...regions];
    this.partitionKey = props.partitionKey;
    this.sortKey = props.sortKey;
    this.timeToLiveAttribute = props.timeToLiveAttribute;
    if (this.consistency === GlobalTableConsistency.STRONG && props.timeToLiveAttribute !== undefined) {
      // Refused until AWS documents it: the DynamoDB Developer Guide's multi-Region strong
      // consistency pages and the CloudFormation GlobalTable reference say nothing of TTL on an
      // MRSC table, and a deploy that fails half-way through the replicas is costly to undo.
      throw validationError('TtlWithStrongConsistency', `timeToLiveAttribute '${props.timeToLiveAttribute}' was given for a strongly consistent (MRSC) global table; `
        + 'AWS does not document time to live for multi-Region strong consistency (DynamoDB Developer Guide, "Multi-Region strong consistency"), so it is refused: '
        + 'remove timeToLiveAttribute, or use consistency: GlobalTableConsistency.EVENTUAL.', this);
    }
    this.tableName = props.tableName ?? `${topology.stackNamePrefix}-${id}`;
    if (!Token.isUnresolved(this.tableName) && !/^[a-zA-Z0-9_.-]{3,255}$/.test(this.tableName)) {
      throw validationError('InvalidTableName', `tableName '${this.tableName}' is not valid; DynamoDB table names are 3 to 255 letters, digits, '_', '-' and '.'.`, this);
    }
    this.latencyWarningThresholdMs = (props.latencyWarningThreshold ?? Duration.seconds(1)).toMilliseconds();
    this.latencyCriticalThresholdMs = (props.latencyCriticalThreshold ?? Duration.seconds(5)).toMilliseconds();
    if (this.latencyWarningThresholdMs <= 0 || this.latencyCriticalThresholdMs <= this.latencyWarningThresholdMs) {
      throw validationError('InvalidLatencyThresholds', `latency thresholds warning ${this.latencyWarningThresholdMs} ms and critical ${this.latencyCriticalThresholdMs} ms are not valid; use 0 < warning < critical.`, this);
    }
    const periods = props.evaluationPeriods ?? 3;
    const datapoints = props.datapointsToAlarm ?? 2;
    if (!Number.isInteger(periods) || !Number.isInteger(datapoints) || periods < 1 || datapoints < 1 || datapoints > periods) {
      throw validationError('InvalidAlarmPeriods', `datapointsToAlarm ${datapoints} of evaluationPeriods ${periods} is not valid; use whole numbers with 1 <= datapointsToAlarm <= evaluationPeriods.`, this);
    }

    const [home, ...others] = this.replicaRegions;
    const homeStack = topology.regionalStack(home);
    const replicaKeyArns: { [region: string]: string } = {};
    for (const region of this.replicaRegions) {
      const key = topology.regionalKey(region);
      if (key instanceof RegionalKey) key.allowService(KeyService.DYNAMODB);
      if (region !== home) {
        replicaKeyArns[region] = regionalKeyAliasArn(key, topology.regionalStack(region));
        // The alias ARN is a literal, not a reference: order the deployment by hand.
        try {
          homeStack.addStackDependency(topology.regionalStack(region), `the global table's replica in ${region} is encrypted with that Region's key`);
        } catch (err) {
          throw validationError('DeploymentOrderCycle', `the global table's stack (${home}) must deploy after ${region}'s (whose key encrypts the replica there), `
            + `but ${region}'s stack already deploys after ${home}'s (${(err as Error).message}); choose another home Region with replicaRegions, `
            + `for example [${[...others].reverse().map((r) => `'${r}'`).join(', ')}, '${home}'] (the first Region holds the table).`, this);
        }
      }
    }

    const pitr = props.pointInTimeRecovery ?? true;
    const deletionProtection = props.deletionProtection ?? true;
    this.table = new dynamodb.TableV2(homeStack, id, {
      tableName: this.tableName,
      partitionKey: props.partitionKey,
      sortKey: props.sortKey,
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(topology.regionalKey(home), replicaKeyArns),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pitr },
      deletionProtection,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      timeToLiveAttribute: props.timeToLiveAttribute,
      multiRegionConsistency: this.consistency === GlobalTableConsistency.STRONG ? dynamodb.MultiRegionConsistency.STRONG : dynamodb.MultiRegionConsistency.EVENTUAL,
      witnessRegion: this.witnessRegion,
      replicas: others.map((region) => ({
        region,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pitr },
        deletionProtection,
      })),
    });

    if (this.consistency === GlobalTableConsistency.STRONG) {
      this.replicationMode = ReplicationMode.SYNCHRONOUS;
      this.worstCaseRpoSeconds = 0;
      this.rpoBasis = `DynamoDB global table ${this.tableName} uses multi-Region strong consistency: a write returns once durable in a second Region (${this.replicaRegions.join(', ')}${this.witnessRegion ? `, witness ${this.witnessRegion}` : ''}).`;
    } else {
      this.replicationMode = ReplicationMode.ASYNCHRONOUS;
      this.worstCaseRpoSeconds = this.latencyCriticalThresholdMs / 1000;
      this.rpoBasis = `DynamoDB global table ${this.tableName} replicates asynchronously (MREC); the critical ReplicationLatency alarm of each Region pair fires above ${this.worstCaseRpoSeconds} s.`;
      Annotations.of(this).addInfo(`DynamoDB global table ${this.tableName} uses multi-Region eventual consistency: concurrent writes of one item in two Regions `
        + 'are resolved by last writer wins (one write is lost silently). Route each item\'s writes to one Region, use conditional writes, '
        + 'or set consistency: GlobalTableConsistency.STRONG.');
      for (const source of this.replicaRegions) {
        for (const receiving of this.replicaRegions.filter((r) => r !== source)) {
          this.latencyAlarms.push(this.latencyAlarmPair(source, receiving, periods, datapoints));
        }
      }
    }
  }

  /** The ARN of the replica of `region`. */
  public tableArn(region: string): string {
    const stack = this.stackOf(region);
    return Arn.format({ partition: partitionOfStack(stack), service: 'dynamodb', region, account: stack.account, resource: 'table', resourceName: this.tableName }, stack);
  }

  /** The replica of `region`, for APIs that take an `ITableV2` (its grants name that replica only). */
  public replica(region: string): dynamodb.ITableV2 {
    this.stackOf(region);
    // TableV2.replica() refuses the table's own Region: there the table is the replica.
    return region === this.replicaRegions[0] ? this.table : this.table.replica(region);
  }

  /** The KMS key of the replica of `region` (that Region's `RegionalKey`). */
  public encryptionKey(region: string): kms.IKey {
    this.stackOf(region);
    return this.topology.regionalKey(region);
  }

  /** Lets `grantee` read items of the replica of `region` (and its indexes) and decrypt with that Region's key. */
  public grantReadData(grantee: iam.IGrantable, region: string): iam.Grant {
    return this.grantData(grantee, region, READ_ACTIONS, KEY_READ_ACTIONS, true);
  }

  /** Lets `grantee` write items of the replica of `region` and encrypt with that Region's key. */
  public grantWriteData(grantee: iam.IGrantable, region: string): iam.Grant {
    return this.grantData(grantee, region, WRITE_ACTIONS, KEY_WRITE_ACTIONS);
  }

  /** Lets `grantee` read and write items of the replica of `region`, with that Region's key. */
  public grantReadWriteData(grantee: iam.IGrantable, region: string): iam.Grant {
    return this.grantData(grantee, region, [...new Set([...READ_ACTIONS, ...WRITE_ACTIONS])], KEY_WRITE_ACTIONS, true);
  }

  /**
   * DynamoDB's `ReplicationLatency` from `sourceRegion`'s replica to `receivingRegion`'s, in ms
   * (dimensions TableName and ReceivingRegion, published in the source Region); Maximum over five
   * minutes by default, the granularity DynamoDB aggregates it at.
   * See https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
   */
  public metricReplicationLatency(sourceRegion: string, receivingRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    this.stackOf(sourceRegion);
    this.stackOf(receivingRegion);
    if (sourceRegion === receivingRegion) {
      throw validationError('SameRegion', `sourceRegion and receivingRegion are both '${sourceRegion}'; replication latency is between two different replica Regions.`, this);
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/DynamoDB',
      metricName: 'ReplicationLatency',
      dimensionsMap: { TableName: this.tableName, ReceivingRegion: receivingRegion },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: REPLICATION_LATENCY_PERIOD,
      region: sourceRegion,
      unit: cloudwatch.Unit.MILLISECONDS,
      ...props,
    });
  }

  /** Dashboard widgets: one replication-latency graph per source Region, with the warning and critical bands. */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    if (this.consistency === GlobalTableConsistency.STRONG) {
      return [new cloudwatch.TextWidget({
        markdown: `**${this.tableName}**: multi-Region strong consistency (${this.replicaRegions.join(', ')}); no asynchronous replication lag to show.`,
        width: 24, height: 2,
      })];
    }
    return this.replicaRegions.map((source) => new cloudwatch.GraphWidget({
      title: `${this.tableName}: replication latency from ${source} (ms)`,
      left: this.replicaRegions.filter((r) => r !== source).map((r) => this.metricReplicationLatency(source, r, { label: `to ${r}` })),
      leftAnnotations: [
        { value: this.latencyWarningThresholdMs, label: 'warning', color: cloudwatch.Color.ORANGE },
        { value: this.latencyCriticalThresholdMs, label: 'critical', color: cloudwatch.Color.RED },
      ],
      leftYAxis: { min: 0 },
      width: 24 / Math.min(this.replicaRegions.length, 3),
    }));
  }

  /** Adds `dashboardWidgets()` to a dashboard as one row. */
  public addToDashboard(dashboard: cloudwatch.Dashboard): void {
    dashboard.addWidgets(...this.dashboardWidgets());
  }

  private latencyAlarmPair(source: string, receiving: string, periods: number, datapoints: number): ReplicationLatencyAlarms {
    const stack = this.topology.regionalStack(source);
    const alarm = (level: string, thresholdMs: number) => registerAlarm(new cloudwatch.Alarm(stack, `${this.node.id}Latency${pascal(receiving)}${level}`, {
      alarmDescription: `DynamoDB global table ${this.tableName}: replication latency ${source} to ${receiving} above ${thresholdMs / 1000} s (${level.toLowerCase()}) in ${datapoints} of the last ${periods} five-minute periods.`,
      metric: this.metricReplicationLatency(source, receiving),
      threshold: thresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      // No writes means no metric: that is not lag. The write-then-observe probe covers idle tables.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    return { sourceRegion: source, receivingRegion: receiving, warning: alarm('Warning', this.latencyWarningThresholdMs), critical: alarm('Critical', this.latencyCriticalThresholdMs) };
  }

  private grantData(grantee: iam.IGrantable, region: string, actions: string[], keyActions: string[], streams = false): iam.Grant {
    const arn = this.tableArn(region);
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [arn, `${arn}/index/*`] });
    if (streams) {
      iam.Grant.addToPrincipal({ grantee, actions: STREAM_READ_ACTIONS, resourceArns: [`${arn}/stream/*`] });
      const principal = grantee.grantPrincipal;
      if (Construct.isConstruct(principal)) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${Stack.of(principal).resolve(arn)}/stream/*]`,
          reason: 'DynamoDB names a stream by the time it was enabled (its label), known only once deployed; the wildcard stays within this Region\'s replica of the table.',
        });
      }
    }
    iam.Grant.addToPrincipal({ grantee, actions: keyActions, resourceArns: [this.topology.regionalKey(region).keyArn] });
    return grant;
  }

  private stackOf(region: string): Stack {
    if (!this.replicaRegions.includes(region)) {
      throw validationError('NoReplica', `'${region}' has no replica of ${this.tableName}; replica Regions: ${this.replicaRegions.join(', ')}.`, this);
    }
    return this.topology.regionalStack(region);
  }
}

function defaultRegions(topology: IMultiRegionTopology): string[] {
  const primary = topology.primaryRegion;
  return primary ? [primary, ...topology.activeRegions.filter((r) => r !== primary)] : [...topology.activeRegions];
}

function pascal(region: string): string {
  return region.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/**
 * Checks the Regions of a global table at synth; returns the witness Region (if any).
 * Each error names the bad value and what would be valid.
 */
function validateGlobalTableRegions(scope: Construct, regions: readonly string[], consistency: GlobalTableConsistency,
  witness: string | undefined, topology: IMultiRegionTopology): string | undefined {
  regions.forEach((r, i) => assertKnownRegion(r, `replicaRegions[${i}]`));
  if (regions.length < 2) {
    throw validationError('TooFewReplicas', `a global table needs at least two replica Regions, got ${regions.length} (${regions.join(', ') || 'none'}); `
      + `use two or more of the active Regions (${topology.activeRegions.join(', ')}).`, scope);
  }
  if (new Set(regions).size !== regions.length) {
    throw validationError('DuplicateReplicaRegion', `replicaRegions (${regions.join(', ')}) lists a Region twice; give each Region once.`, scope);
  }
  for (const region of regions) {
    if (!topology.activeRegions.includes(region)) {
      throw validationError('ReplicaRegionNotActive', `replica Region '${region}' is not an active Region of ${topology.node.path}; active Regions: ${topology.activeRegions.join(', ')}.`, scope);
    }
  }
  if (consistency === GlobalTableConsistency.EVENTUAL) {
    if (witness !== undefined) {
      throw validationError('WitnessWithEventualConsistency', `witnessRegion '${witness}' was given for a global table with eventual consistency (MREC); `
        + 'a witness exists only for multi-Region strong consistency: remove it, or set consistency: GlobalTableConsistency.STRONG.', scope);
    }
    return undefined;
  }
  const sets = DYNAMODB_MRSC_REGION_SETS.map((s) => `${s.name}: ${s.regions.join(', ')}`).join('; ');
  const set = DYNAMODB_MRSC_REGION_SETS.find((s) => s.regions.includes(regions[0]));
  const outside = regions.filter((r) => !set?.regions.includes(r));
  if (!set || outside.length > 0) {
    throw validationError('UnsupportedMrscRegionSet', `DynamoDB multi-Region strong consistency does not support the replica Regions ${regions.join(', ')}`
      + ` (${set ? `${outside.join(', ')} outside the ${set.name} set` : `${regions[0]} is in no supported set`}); all replicas and the witness must come from one Region set (${sets}). `
      + `Source: ${DYNAMODB_MRSC_REGION_SETS_SOURCE}`, scope);
  }
  if (regions.length > 3) {
    throw validationError('TooManyMrscReplicas', `a strongly consistent global table has three replicas, or two and a witness; got ${regions.length} (${regions.join(', ')}).`, scope);
  }
  if (regions.length === 3) {
    if (witness !== undefined) {
      throw validationError('WitnessWithThreeReplicas', `witnessRegion '${witness}' was given for a strongly consistent table with three replicas (${regions.join(', ')}); `
        + 'use three replicas or two replicas and a witness, not both.', scope);
    }
    return undefined;
  }
  const candidates = set.regions.filter((r) => !regions.includes(r));
  const chosen = witness ?? topology.witnessRegion;
  if (chosen === undefined) {
    throw validationError('MissingWitness', `a strongly consistent global table with two replicas (${regions.join(', ')}) needs a witness Region; `
      + `set witnessRegion (here or on the topology) to one of: ${candidates.join(', ')}.`, scope);
  }
  assertKnownRegion(chosen, 'witnessRegion');
  if (regions.includes(chosen)) {
    throw validationError('WitnessIsReplica', `witnessRegion '${chosen}' is also a replica Region; choose a third Region: one of ${candidates.join(', ')}.`, scope);
  }
  if (!set.regions.includes(chosen)) {
    throw validationError('UnsupportedMrscWitness', `witnessRegion '${chosen}' is not in the ${set.name} Region set of the replicas ${regions.join(', ')}; `
      + `valid witnesses: ${candidates.join(', ')}. Source: ${DYNAMODB_MRSC_REGION_SETS_SOURCE}`, scope);
  }
  return chosen;
}
