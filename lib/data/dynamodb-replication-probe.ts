import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { registerAlarm } from '../private/alarm-registry';
import { RegionalKey } from '../keys/regional-key';
import { validationError } from '../private/errors';
import { handlerCode } from '../private/handler-code';
import { partitionOfStack } from '../topology/regions';
import { DynamoDbGlobalTable } from './dynamodb-global-table';
import { acknowledgeLambdaOutsideVpc } from '../private/control-tower';
import { acknowledgePutMetricData, putMetricDataStatement } from '../private/metric-permissions';
import { HandlerRuntime } from '../runtime/handler-runtime';


/**
 * Properties of a `DynamoDbReplicationProbe`.
 */
export interface DynamoDbReplicationProbeProps {
  /** The global table to measure. */
  readonly globalTable: DynamoDbGlobalTable;
  /** Region of the replica written to. */
  readonly writerRegion: string;
  /** Region of the replica read from. */
  readonly readerRegion: string;
  /** Name of the table's partition key (a string attribute). */
  readonly partitionKeyName: string;
  /**
   * Name of the table's sort key (a string attribute); probe items use the value `probe`.
   * @default - the table has no sort key
   */
  readonly sortKeyName?: string;
  /**
   * Name of the table's time-to-live attribute, so probe items expire even if a delete fails.
   * @default - none
   */
  readonly timeToLiveAttribute?: string;
  /**
   * CloudWatch namespace of the metrics.
   * @default 'MultiRegion/Probes'
   */
  readonly namespace?: string;
  /**
   * How long the probe waits for the item on the reader; the lag is then published as this value, a lower bound.
   * @default Duration.seconds(10)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Key of the probe's log group.
   * @default - the global table's key of the probe's Region
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the probe's log group.
   * @default logs.RetentionDays.ONE_YEAR (AWS Control Tower CT.CLOUDWATCH.PR.2 asks for at least a year)
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A scheduled Lambda that measures a DynamoDB global table's replication from `writerRegion`
 * to `readerRegion` even without traffic: it puts a probe item into the writer's replica,
 * reads the reader's replica until the item is there, and deletes it. Publishes
 * `ReplicationLag` (ms), `WriterReachable`, `ReaderReachable` (dimensions TableName,
 * WriterRegion, ReaderRegion) in the probe's Region, with warning and critical lag alarms at
 * the table's thresholds, an unreachable alarm and a probe-not-running alarm.
 *
 * Put it in the stack of the writer's or the reader's Region. Its role may write only the
 * writer's replica and read only the reader's, each with that Region's key; the other
 * Region's key is named by its alias (`kms:ResourceAliases`), not by a cross-Region reference.
 */
export class DynamoDbReplicationProbe extends Construct {
  /** The Region written to. */
  public readonly writerRegion: string;
  /** The Region read from. */
  public readonly readerRegion: string;
  /** The Region the probe runs in and publishes to. */
  public readonly probeRegion: string;
  /** The metric namespace. */
  public readonly namespace: string;
  /** The probe function. */
  public readonly probeFunction: lambda.IFunction;
  /** Fires above the table's warning threshold. */
  public readonly lagWarningAlarm: cloudwatch.Alarm;
  /** Fires above the table's critical threshold. */
  public readonly lagCriticalAlarm: cloudwatch.Alarm;
  /** Fires when a replica cannot be reached. */
  public readonly unreachableAlarm: cloudwatch.Alarm;
  /** Fires when the probe published nothing for five minutes. */
  public readonly probeNotRunningAlarm: cloudwatch.Alarm;

  private readonly tableName: string;
  private readonly table: DynamoDbGlobalTable;

  constructor(scope: Construct, id: string, props: DynamoDbReplicationProbeProps) {
    super(scope, id);
    const table = props.globalTable;
    this.table = table;
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw validationError('ProbeRegionUnknown', `DynamoDbReplicationProbe '${id}' needs a stack with a concrete Region; '${stack.stackName}' is environment-agnostic.`, this);
    }
    for (const [what, region] of [['writerRegion', props.writerRegion], ['readerRegion', props.readerRegion]] as const) {
      if (!table.replicaRegions.includes(region)) {
        throw validationError('NotAReplicaRegion', `${what} '${region}' has no replica of ${table.tableName}; replica Regions: ${table.replicaRegions.join(', ')}.`, this);
      }
    }
    if (props.writerRegion === props.readerRegion) {
      throw validationError('SameRegion', `writerRegion and readerRegion are both '${props.writerRegion}'; replication is measured between two Regions.`, this);
    }
    if (stack.region !== props.writerRegion && stack.region !== props.readerRegion) {
      throw validationError('ProbeRegion', `DynamoDbReplicationProbe '${id}' is in a stack of ${stack.region} but measures ${props.writerRegion} to ${props.readerRegion}; put it in the stack of one of those.`, this);
    }
    validateProbeKeys(this, table, props);
    if (props.encryptionKey instanceof RegionalKey && props.encryptionKey.region !== stack.region) {
      throw validationError('LogKeyOfAnotherRegion', `encryptionKey ${props.encryptionKey.node.path} is the key of ${props.encryptionKey.region}, but the probe's log group is in ${stack.region}; `
        + `CloudWatch Logs uses a key of its own Region only: give the key of ${stack.region}, or leave encryptionKey out (the table's key there).`, this);
    }
    this.writerRegion = props.writerRegion;
    this.readerRegion = props.readerRegion;
    this.probeRegion = stack.region;
    this.tableName = table.tableName;
    this.namespace = props.namespace ?? 'MultiRegion/Probes';
    const timeoutMs = (props.visibilityTimeout ?? Duration.seconds(10)).toMilliseconds();
    if (timeoutMs <= table.latencyCriticalThresholdMs || timeoutMs >= 50_000) {
      throw validationError('InvalidVisibilityTimeout', `visibilityTimeout of ${timeoutMs} ms is not valid; it must exceed the critical threshold (${table.latencyCriticalThresholdMs} ms) and stay under 50 s.`, this);
    }

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey ?? table.encryptionKey(this.probeRegion),
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `DynamoDB replication probe ${this.writerRegion} to ${this.readerRegion}: its log group, its metrics, one replica each way`,
    });
    const policy = new iam.Policy(this, 'Policy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [table.tableArn(this.writerRegion)] }),
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn(this.readerRegion)] }),
        putMetricDataStatement(this.namespace),
      ],
    });
    for (const [region, actions] of [[this.writerRegion, ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']], [this.readerRegion, ['kms:Decrypt', 'kms:DescribeKey']]] as const) {
      policy.addStatements(this.keyStatement(region, [...actions], stack, policy));
    }
    acknowledgePutMetricData(policy, this.namespace);

    const fn = new lambda.Function(this, 'Function', {
      code: handlerCode('dynamodb-replication-probe'),
      handler: 'index.handler',
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(Math.ceil(timeoutMs / 1000) + 20),
      description: `DynamoDB replication probe ${this.tableName} ${this.writerRegion} to ${this.readerRegion}`,
      role,
      logGroup,
      environment: {
        DYNAMODB_PROBE_CONFIG: stack.toJsonString({
          namespace: this.namespace,
          tableName: this.tableName,
          partitionKey: props.partitionKeyName,
          sortKey: props.sortKeyName,
          timeToLiveAttribute: props.timeToLiveAttribute,
          writerRegion: this.writerRegion,
          readerRegion: this.readerRegion,
          visibilityTimeoutMs: timeoutMs,
          pollIntervalMs: 50,
        }),
      },
    });
    fn.node.addDependency(policy);
    acknowledgeLambdaOutsideVpc(fn, 'the probe calls the DynamoDB and CloudWatch APIs of two Regions; give the table a VPC endpoint policy of your own if your controls require a VPC.');
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    new events.Rule(this, 'Schedule', {
      description: `DynamoDB replication probe ${this.tableName} ${this.writerRegion} to ${this.readerRegion}: every minute`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    this.probeFunction = fn;

    const lagAlarm = (alarmId: string, level: string, thresholdMs: number) => registerAlarm(new cloudwatch.Alarm(this, alarmId, {
      alarmDescription: `DynamoDB ${this.tableName}: probe item ${this.writerRegion} to ${this.readerRegion} visible after more than ${thresholdMs / 1000} s (${level}) in 2 of the last 3 minutes.`,
      metric: this.metricLag(),
      threshold: thresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.lagWarningAlarm = lagAlarm('LagWarning', 'warning', table.latencyWarningThresholdMs);
    this.lagCriticalAlarm = lagAlarm('LagCritical', 'critical', table.latencyCriticalThresholdMs);
    this.unreachableAlarm = registerAlarm(new cloudwatch.Alarm(this, 'Unreachable', {
      alarmDescription: `DynamoDB ${this.tableName}: the replica in ${this.writerRegion} or ${this.readerRegion} was unreachable in 2 of the last 3 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: 'MIN([writer, reader])',
        usingMetrics: { writer: this.metric('WriterReachable', cloudwatch.Stats.MINIMUM), reader: this.metric('ReaderReachable', cloudwatch.Stats.MINIMUM) },
        label: 'Both replicas reachable',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.probeNotRunningAlarm = registerAlarm(new cloudwatch.Alarm(this, 'ProbeNotRunning', {
      alarmDescription: `The DynamoDB replication probe of ${this.tableName} ${this.writerRegion} to ${this.readerRegion} published nothing for 5 minutes.`,
      metric: this.metric('WriterReachable', cloudwatch.Stats.SAMPLE_COUNT),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }));
  }

  /** Time from the writer's acknowledgement until the item was visible on the reader, in ms; Maximum over one minute. */
  public metricLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationLag', cloudwatch.Stats.MAXIMUM, props);
  }

  private metric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { TableName: this.tableName, WriterRegion: this.writerRegion, ReaderRegion: this.readerRegion },
      statistic,
      period: Duration.minutes(1),
      region: this.probeRegion,
      ...props,
    });
  }

  /**
   * The key of `region`'s replica: by ARN in the probe's own Region; in the other Region by
   * alias (`kms:ResourceAliases`) through DynamoDB there, so no key ARN crosses Regions.
   */
  private keyStatement(region: string, actions: string[], stack: Stack, policy: iam.Policy): iam.PolicyStatement {
    const key = this.table.encryptionKey(region);
    if (region === this.probeRegion) {
      return new iam.PolicyStatement({ actions, resources: [key.keyArn] });
    }
    const aliasName = key instanceof RegionalKey ? (key.alias.node.defaultChild as kms.CfnAlias).aliasName : undefined;
    if (aliasName === undefined || Token.isUnresolved(aliasName)) {
      throw validationError('KeyAliasUnknown', `the key of ${region} (${key.node.path}) has no literal alias, so the probe in ${this.probeRegion} cannot name it without a cross-Region reference; `
        + 'give the topology RegionalKeys with literal aliases, or put the probe in that Region.', this);
    }
    const resource = `arn:${partitionOfStack(stack)}:kms:${region}:${stack.account}:key/*`;
    Validations.of(policy).acknowledge({
      id: 'MultiRegionChecks::MultiRegion-KMS2',
      reason: `The probe reads the replica in ${region} through DynamoDB there (kms:ViaService dynamodb.${region}); the key is named by its alias, the only way to name another Region's key `
        + 'without a cross-Region reference. No resource of this Region is encrypted with it.',
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
      reason: `Limited to the one key whose alias is ${aliasName} (kms:ResourceAliases) and to calls through DynamoDB in ${region} (kms:ViaService).`,
    });
    return new iam.PolicyStatement({
      actions,
      resources: [resource],
      conditions: {
        'StringEquals': { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliasName },
      },
    });
  }
}

/**
 * The probe writes and reads an item by string key values: its key names must be the table's
 * own (a name that is not the table's partition or sort key makes every PutItem fail with a
 * ValidationException, and the probe would report the replica unreachable for ever).
 */
function validateProbeKeys(scope: Construct, table: DynamoDbGlobalTable, props: DynamoDbReplicationProbeProps): void {
  const pk = table.partitionKey;
  if (props.partitionKeyName !== pk.name) {
    throw validationError('NotTheTablePartitionKey', `partitionKeyName '${props.partitionKeyName}' is not the partition key of ${table.tableName}, which is '${pk.name}'; give partitionKeyName: '${pk.name}'.`, scope);
  }
  if (pk.type !== dynamodb.AttributeType.STRING) {
    throw validationError('ProbeNeedsStringKey', `the partition key '${pk.name}' of ${table.tableName} is of type ${pk.type}; the probe writes string keys, so it needs a table whose partition key is a STRING.`, scope);
  }
  const sk = table.sortKey;
  if (sk === undefined && props.sortKeyName !== undefined) {
    throw validationError('TableHasNoSortKey', `sortKeyName '${props.sortKeyName}' was given, but ${table.tableName} has no sort key; leave sortKeyName out.`, scope);
  }
  if (sk !== undefined && props.sortKeyName !== sk.name) {
    throw validationError('NotTheTableSortKey', `sortKeyName ${props.sortKeyName === undefined ? 'is missing' : `'${props.sortKeyName}' is not the sort key`} of ${table.tableName}, whose sort key is '${sk.name}'; give sortKeyName: '${sk.name}'.`, scope);
  }
  if (sk !== undefined && sk.type !== dynamodb.AttributeType.STRING) {
    throw validationError('ProbeNeedsStringKey', `the sort key '${sk.name}' of ${table.tableName} is of type ${sk.type}; the probe writes string keys, so it needs a STRING sort key.`, scope);
  }
  if (props.timeToLiveAttribute !== undefined && table.timeToLiveAttribute !== undefined && props.timeToLiveAttribute !== table.timeToLiveAttribute) {
    throw validationError('NotTheTableTtlAttribute', `timeToLiveAttribute '${props.timeToLiveAttribute}' is not the time-to-live attribute of ${table.tableName}, which is '${table.timeToLiveAttribute}'; `
      + `give timeToLiveAttribute: '${table.timeToLiveAttribute}' so probe items expire.`, scope);
  }
}
