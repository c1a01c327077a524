import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { registerAlarm } from '../private/alarm-registry';
import { LagProbeDatabase } from './lag-probe-database';
import { DEFAULT_PROBE_NAMESPACE } from './namespace';
import { probeNotRunningAlarm } from './private/probe-alarms';
import { concreteRegion, createProbeFunction } from './private/probe-function';
import { validateNamespace, validateNOfM, validateProbesPerRun } from './private/validation';

/**
 * Properties of a `ReplicationLagProbe`.
 */
export interface ReplicationLagProbeProps {
  /** The writer and reader endpoints. */
  readonly database: LagProbeDatabase;

  /**
   * CloudWatch namespace of the metrics.
   * @default 'MultiRegion/Probes'
   */
  readonly namespace?: string;

  /**
   * How long the probe waits for the heartbeat on the reader before reporting it "not
   * visible"; the lag is then published as this value, a lower bound.
   * @default Duration.seconds(10)
   */
  readonly visibilityTimeout?: Duration;

  /**
   * Probes per one-minute run, spread evenly over the minute (1 to 12).
   * @default 1
   */
  readonly probesPerRun?: number;

  /**
   * Lag above which the warning alarm fires (the "concerning" band starts here).
   * @default Duration.seconds(1)
   */
  readonly warningThreshold?: Duration;

  /**
   * Lag above which the critical alarm fires.
   * @default Duration.seconds(5)
   */
  readonly criticalThreshold?: Duration;

  /**
   * The lag and unreachable alarms fire when this many of the last `evaluationPeriods`
   * one-minute periods breach.
   * @default 2
   */
  readonly datapointsToAlarm?: number;

  /**
   * One-minute periods the lag and unreachable alarms look at.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * Consecutive one-minute periods without any result before the probe-not-running alarm fires.
   * @default 5
   */
  readonly notRunningEvaluationPeriods?: number;

  /**
   * Name of the heartbeat table the probe creates and keeps small.
   * @default 'multi_region_heartbeat'
   */
  readonly tableName?: string;

  /**
   * Key of the probe's log group; with a `RegionalKey`, the key of the probe's own Region.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the probe's log group.
   * @default logs.RetentionDays.ONE_YEAR (AWS Control Tower CT.CLOUDWATCH.PR.2: at least a year)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * VPC to run in, for databases without a public endpoint (Aurora, RDS). DSQL needs none.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` to run in.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function in `vpc`.
   * @default - a new security group
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A scheduled Lambda that measures replication lag from `writerRegion` to `readerRegion`
 * by writing a heartbeat row through the writer and polling the reader until it shows up,
 * publishing `ReplicationLag` (ms), `WriterReachable`, `ReaderReachable` and `WriterReadOnly`
 * (0/1) by `Database`, `WriterRegion` and `ReaderRegion`, with warning and critical lag alarms,
 * an unreachable alarm, a writer-read-only alarm and a probe-not-running alarm.
 *
 * Put it in the stack of the writer's or the reader's Region; it publishes its metrics there.
 */
export class ReplicationLagProbe extends Construct {
  /** The Region written to. */
  public readonly writerRegion: string;
  /** The Region read from. */
  public readonly readerRegion: string;
  /** The Region the probe runs in and publishes its metrics to (the writer's or the reader's). */
  public readonly probeRegion: string;
  /** The metric namespace. */
  public readonly namespace: string;
  /** The lag thresholds, in ms: warning then critical. */
  public readonly warningThresholdMs: number;
  /** The critical lag threshold, in ms. */
  public readonly criticalThresholdMs: number;
  /** The probe function. */
  public readonly function: lambda.IFunction;
  /** The probe function, under a name jsii's target languages accept (`function` is reserved in them). */
  public readonly probeFunction: lambda.IFunction;
  /** The probe's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** Fires when the lag stays above the warning threshold. */
  public readonly lagWarningAlarm: cloudwatch.Alarm;
  /** Fires when the lag stays above the critical threshold. */
  public readonly lagCriticalAlarm: cloudwatch.Alarm;
  /** Fires when the writer or the reader cannot be reached. */
  public readonly unreachableAlarm: cloudwatch.Alarm;
  /** Fires when no probe result arrived for several minutes. */
  public readonly probeNotRunningAlarm: cloudwatch.Alarm;
  /**
   * Fires when the writer refused the heartbeat as read-only (SQLSTATE 25006), for example the
   * old primary after an Aurora switchover: the probe then measures no lag, which is not silence.
   */
  public readonly writerReadOnlyAlarm: cloudwatch.Alarm;
  /**
   * Fires when the replica of the password secret in the probe's Region is not in sync with
   * its primary (only with `passwordSecretPrimary`).
   */
  public readonly secretReplicaAlarm?: cloudwatch.Alarm;
  /** The database's name: the `Database` dimension of every metric. */
  public readonly databaseName: string;

  constructor(scope: Construct, id: string, props: ReplicationLagProbeProps) {
    super(scope, id);
    const where = `ReplicationLagProbe '${id}'`;
    const region = concreteRegion(this, where);
    this.writerRegion = props.database.writerRegion;
    this.databaseName = props.database.name;
    this.readerRegion = props.database.readerRegion;
    // Either end of the pair will do: the probe's place only shifts the measurement by half a
    // round trip between the two Regions. Being free to choose lets both directions of a pair
    // live in the one stack that already references the other Region, instead of a cycle.
    if (region !== this.writerRegion && region !== this.readerRegion) {
      throw new Error(`${where} is in a stack of ${region} but measures ${this.writerRegion} → ${this.readerRegion}; put it in the stack of one of those two Regions.`);
    }
    this.probeRegion = region;
    this.namespace = props.namespace ?? DEFAULT_PROBE_NAMESPACE;
    validateNamespace(this.namespace, where);
    const probesPerRun = props.probesPerRun ?? 1;
    validateProbesPerRun(probesPerRun, where);
    const visibilityTimeout = props.visibilityTimeout ?? Duration.seconds(10);
    const timeoutMs = visibilityTimeout.toMilliseconds();
    if (timeoutMs < 1000 || timeoutMs >= 60_000 / probesPerRun) {
      throw new Error(`${where}: visibilityTimeout of ${timeoutMs} ms is not valid; use at least 1 s and less than the ${Math.floor(60_000 / probesPerRun)} ms between probes.`);
    }
    this.warningThresholdMs = (props.warningThreshold ?? Duration.seconds(1)).toMilliseconds();
    this.criticalThresholdMs = (props.criticalThreshold ?? Duration.seconds(5)).toMilliseconds();
    if (this.warningThresholdMs <= 0 || this.criticalThresholdMs <= this.warningThresholdMs) {
      throw new Error(`${where}: thresholds warning ${this.warningThresholdMs} ms and critical ${this.criticalThresholdMs} ms are not valid; use 0 < warning < critical.`);
    }
    if (this.criticalThresholdMs >= timeoutMs) {
      throw new Error(`${where}: criticalThreshold ${this.criticalThresholdMs} ms is not below visibilityTimeout ${timeoutMs} ms; a lag that never shows up must breach it, so raise the timeout.`);
    }
    const datapoints = props.datapointsToAlarm ?? 2;
    const periods = props.evaluationPeriods ?? 3;
    validateNOfM(datapoints, periods, where);
    const notRunningPeriods = props.notRunningEvaluationPeriods ?? 5;
    validateNOfM(notRunningPeriods, notRunningPeriods, `${where} not-running alarm`);
    const table = props.tableName ?? 'multi_region_heartbeat';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) {
      throw new Error(`${where}: tableName '${table}' is not valid; use a lower-case SQL identifier of up to 63 letters, digits and underscores.`);
    }

    const probe = createProbeFunction(this, {
      handlerDir: 'lag-probe',
      description: `Replication-lag probe ${this.writerRegion} to ${this.readerRegion}`,
      // Node.js 20 and later runtimes do not load the Amazon-specific CA certificates, the Amazon
      // RDS CAs among them, unless NODE_EXTRA_CA_CERTS names Lambda's bundle (AWS Lambda
      // Developer Guide, "Building Lambda functions with Node.js", CA certificate loading);
      // sslmode=require is verify-full in the bundled pg-connection-string, which stays.
      environment: { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' },
      namespace: this.namespace,
      timeout: probesPerRun > 1 ? Duration.seconds(75) : Duration.seconds(Math.ceil(timeoutMs / 1000) + 20),
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    this.function = probe.fn;
    this.probeFunction = probe.fn;
    this.logGroup = probe.logGroup;
    const endpoints = props.database._bind(probe.role);
    probe.fn.addEnvironment('LAG_PROBE_CONFIG', Stack.of(this).toJsonString({
      namespace: this.namespace,
      writerRegion: this.writerRegion,
      readerRegion: this.readerRegion,
      database: this.databaseName,
      visibilityTimeoutMs: timeoutMs,
      pollIntervalMs: 50,
      table,
      ...endpoints,
    }));
    probe.fn.addEnvironment('PROBES_PER_RUN', String(probesPerRun));
    if (endpoints.secretReplication) {
      this.secretReplicaAlarm = registerAlarm(new cloudwatch.Alarm(this, 'SecretReplicaNotInSync', {
        alarmDescription: `The replica in ${this.probeRegion} of secret ${endpoints.secretReplication.secretId} (primary in ${endpoints.secretReplication.region}) was not in sync `
          + `in ${datapoints} of the last ${periods} minutes (Secrets Manager DescribeSecret ReplicationStatus): the probe, and operators after a failover, may have no credentials there.`,
        metric: this.metricSecretReplicaInSync(),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: datapoints,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }

    const lagAlarm = (alarmId: string, level: string, thresholdMs: number) => registerAlarm(new cloudwatch.Alarm(this, alarmId, {
      alarmDescription: `Replication lag ${this.writerRegion} to ${this.readerRegion} above ${thresholdMs / 1000} s (${level}) in ${datapoints} of the last ${periods} minutes.`,
      metric: this.metricLag(),
      threshold: thresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.lagWarningAlarm = lagAlarm('LagWarning', 'warning', this.warningThresholdMs);
    this.lagCriticalAlarm = lagAlarm('LagCritical', 'critical', this.criticalThresholdMs);
    this.unreachableAlarm = new cloudwatch.Alarm(this, 'Unreachable', {
      alarmDescription: `The writer (${this.writerRegion}) or the reader (${this.readerRegion}) was unreachable in ${datapoints} of the last ${periods} minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: 'MIN([writer, reader])',
        usingMetrics: { writer: this.metricWriterReachable(), reader: this.metricReaderReachable() },
        label: 'Both endpoints reachable',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Actions come from AlarmTopics, which notifies every registered alarm of the app.
    registerAlarm(this.unreachableAlarm);
    this.writerReadOnlyAlarm = registerAlarm(new cloudwatch.Alarm(this, 'WriterReadOnly', {
      alarmDescription: `The writer of ${this.databaseName} (${this.writerRegion}) refused the heartbeat as read-only (SQLSTATE 25006) in ${datapoints} of the last ${periods} minutes: `
        + 'no lag is measured; point the probe at the current primary (an Aurora global database\'s global writer endpoint follows it).',
      metric: this.metricWriterReadOnly(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    this.probeNotRunningAlarm = probeNotRunningAlarm(this, this.metricWriterReachable(), notRunningPeriods,
      `The replication-lag probe ${this.writerRegion} to ${this.readerRegion} published nothing for ${notRunningPeriods} minutes.`);
  }

  /** Time from the writer's commit until the row was visible on the reader, in ms; Maximum over one minute by default. */
  public metricLag(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationLag', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** 1 when the writer accepted the heartbeat, else 0. */
  public metricWriterReachable(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WriterReachable', { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /** 1 when the reader answered, else 0. */
  public metricReaderReachable(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReaderReachable', { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /** 1 when the writer refused the heartbeat as read-only (SQLSTATE 25006), else 0; Maximum over one minute. */
  public metricWriterReadOnly(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WriterReadOnly', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** 1 when the password secret's replica in the probe's Region was in sync with its primary, else 0 (only with `passwordSecretPrimary`). */
  public metricSecretReplicaInSync(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: 'SecretReplicaInSync',
      dimensionsMap: { Database: this.databaseName, ReplicaRegion: this.probeRegion },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
      region: this.probeRegion,
      ...props,
    });
  }

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { Database: this.databaseName, WriterRegion: this.writerRegion, ReaderRegion: this.readerRegion },
      period: Duration.minutes(1),
      region: this.probeRegion,
      ...props,
    });
  }
}
