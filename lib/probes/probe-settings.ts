import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * The settings every scheduled probe shares (`HealthProbe`, `DsqlProbe`), which
 * `MultiRegionProbes` passes through to the probes it makes.
 */
export interface ProbeSettings {
  /**
   * CloudWatch namespace of the metrics.
   * @default 'MultiRegion/Probes'
   */
  readonly namespace?: string;

  /**
   * The schedule: probes per one-minute run, spread evenly over the minute (1 to 12). The
   * function runs every minute (EventBridge's finest rate); each probe publishes its datapoint as
   * soon as it ends, so a failure reaches the alarm up to 60/p s sooner than with one probe a
   * minute (the failover budget's publishing-interval term is 60/p s).
   * @default 1
   */
  readonly probesPerRun?: number;

  /**
   * Timeout of one check: for `HealthProbe` per target (connect, TLS, headers and body; 1 to
   * 30 s and shorter than the time between two probes), for `DsqlProbe` per connect and per
   * statement (1 to 10 s).
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * The probe's main alarm (`HealthProbe`: Region unhealthy; `DsqlProbe`: unreachable and
   * commit latency) fires when this many of the last `evaluationPeriods` one-minute periods breach.
   * @default 2
   */
  readonly datapointsToAlarm?: number;

  /**
   * One-minute periods the main alarm looks at.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * Consecutive one-minute periods without any result before the probe-not-running alarm fires.
   * @default 5
   */
  readonly notRunningEvaluationPeriods?: number;

  /**
   * Key of the probe's log group; with a `RegionalKey`, the key of the probe's own Region.
   * `MultiRegionProbes` uses each Region's `RegionalKey` and refuses this setting.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the probe's log group.
   * @default logs.RetentionDays.ONE_YEAR (AWS Control Tower CT.CLOUDWATCH.PR.2 asks for at least a year)
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The settings of a `DsqlProbe` beyond the shared ones.
 */
export interface DsqlProbeSettings extends ProbeSettings {
  /**
   * Database role the probe connects as. A role of its own (created by a `DsqlDatabaseRole`, as
   * `MultiRegionProbes` does) needs only `dsql:DbConnect`; `admin` needs `dsql:DbConnectAdmin`
   * and is discouraged.
   * @default 'mrcdk_probe'
   */
  readonly databaseRole?: string;

  /**
   * Schema of the probe's table; the role must be allowed to use it and create tables in it
   * (`DsqlDatabaseRole` with this `schemaName`).
   * @default 'mrcdk_probe' ('public' when the role is admin)
   */
  readonly schemaName?: string;

  /**
   * Name of the table the probe writes its rows to (and keeps small), in `schemaName`.
   * @default 'multi_region_consistency_probe'
   */
  readonly tableName?: string;

  /**
   * When set, the commit-latency alarm fires when the p90 commit latency of the probe's Region
   * stays above it (in `datapointsToAlarm` of `evaluationPeriods` minutes).
   * @default - no commit-latency alarm
   */
  readonly commitLatencyThreshold?: Duration;
}
