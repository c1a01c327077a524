import { Duration } from 'aws-cdk-lib';
import { validationError } from '../private/errors';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { HealthProbe } from './health-probe';
import { HealthTarget } from './health-target';
import { LagProbeDatabase } from './lag-probe-database';
import { ProbeAlarmTopic } from './probe-alarm-topic';
import { ProbesDashboard } from './probes-dashboard';
import { ReplicationLagProbe } from './replication-lag-probe';

/**
 * What the health probe of one Region checks.
 */
export interface RegionHealthTargets {
  /** An active Region of the topology. */
  readonly region: string;
  /** Its endpoints. */
  readonly targets: HealthTarget[];
  /**
   * ARN of the Region's Aurora DSQL cluster, whose status counts towards the Region's health.
   * @default - no cluster check
   */
  readonly dsqlClusterArn?: string;
  /**
   * Route 53 health checks of this Region whose checkers' view the probe publishes.
   * @default - none
   */
  readonly route53HealthCheckIds?: string[];
}

/**
 * Properties of `MultiRegionProbes`.
 */
export interface MultiRegionProbesProps {
  /** The topology whose Regions are probed. */
  readonly topology: IMultiRegionTopology;
  /** Health-probe targets, one entry per probed Region. */
  readonly healthTargets: RegionHealthTargets[];
  /**
   * Region pairs whose replication lag is measured; each probe lives in the pair's `probeRegion`.
   * @default - no lag probes
   */
  readonly lagDatabases?: LagProbeDatabase[];
  /**
   * CloudWatch namespace of every probe's metrics.
   * @default 'MultiRegion/Probes'
   */
  readonly namespace?: string;
  /**
   * Per-target timeout of the health probes.
   * @default Duration.seconds(5)
   */
  readonly healthTimeout?: Duration;
  /**
   * Probes per one-minute run, for every probe.
   * @default 1
   */
  readonly probesPerRun?: number;
  /**
   * Whether each Region gets a `ProbeAlarmTopic` (encrypted with its `RegionalKey`) that all
   * of its probes' alarms notify.
   * @default true
   */
  readonly alarmTopics?: boolean;
  /**
   * Retention of the probes' log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Route 53 health checks to show on the dashboard (for example those routing creates from
   * the Region-unhealthy alarms).
   * @default - none
   */
  readonly dashboardRoute53HealthCheckIds?: string[];
}

/**
 * Both probes for every Region of a `MultiRegionApp`: a `HealthProbe` in each Region with
 * targets, a `ReplicationLagProbe` per database pair, log groups and topics under each
 * Region's own key, and one `ProbesDashboard` in the us-east-1 global stack.
 */
export class MultiRegionProbes extends Construct {
  /** The health probes, by Region. */
  private readonly healthProbes = new Map<string, HealthProbe>();
  /** The lag probes, in the order of `lagDatabases`. */
  public readonly lagProbes: ReplicationLagProbe[] = [];
  /** The alarm topics, by Region (empty when `alarmTopics` is false). */
  private readonly topics = new Map<string, ProbeAlarmTopic>();
  /** The dashboard. */
  public readonly dashboard: ProbesDashboard;

  constructor(scope: Construct, id: string, props: MultiRegionProbesProps) {
    super(scope, id);
    const topology = props.topology;
    const seen = new Set<string>();
    for (const entry of props.healthTargets) {
      if (!topology.activeRegions.includes(entry.region)) {
        throw new Error(`MultiRegionProbes '${id}': healthTargets names '${entry.region}', which is not an active Region; active Regions: ${topology.activeRegions.join(', ')}.`);
      }
      if (seen.has(entry.region)) {
        throw new Error(`MultiRegionProbes '${id}': healthTargets names '${entry.region}' twice; give each Region one entry with all its targets.`);
      }
      seen.add(entry.region);
    }
    const unprobed = topology.activeRegions.filter((r) => !seen.has(r));
    if (unprobed.length > 0) {
      throw validationError('RegionWithoutProbe', `MultiRegionProbes '${id}': active Region ${unprobed.join(', ')} has no healthTargets entry, so no probe, `
        + 'no alarm and no dashboard row would watch it; give every active Region an entry with at least one target.', this);
    }
    for (const db of props.lagDatabases ?? []) {
      for (const region of [db.writerRegion, db.readerRegion]) {
        if (!topology.activeRegions.includes(region)) {
          throw new Error(`MultiRegionProbes '${id}': lag database pair ${db.writerRegion} → ${db.readerRegion} names '${region}', which is not an active Region; active Regions: ${topology.activeRegions.join(', ')}.`);
        }
      }
    }

    const topicOf = (region: string) => {
      if (props.alarmTopics === false) return undefined;
      let topic = this.topics.get(region);
      if (!topic) {
        topic = new ProbeAlarmTopic(topology.regionalStack(region), `${id}AlarmTopic`, {
          key: topology.regionalKey(region),
          displayName: `Probe alarms of ${region}`,
        });
        this.topics.set(region, topic);
      }
      return topic.topic;
    };

    for (const entry of props.healthTargets) {
      this.healthProbes.set(entry.region, new HealthProbe(topology.regionalStack(entry.region), `${id}HealthProbe`, {
        targets: entry.targets,
        dsqlClusterArn: entry.dsqlClusterArn,
        route53HealthCheckIds: entry.route53HealthCheckIds,
        namespace: props.namespace,
        timeout: props.healthTimeout,
        probesPerRun: props.probesPerRun,
        encryptionKey: topology.regionalKey(entry.region),
        logRetention: props.logRetention,
        alarmTopic: topicOf(entry.region),
      }));
    }
    for (const db of props.lagDatabases ?? []) {
      this.lagProbes.push(new ReplicationLagProbe(topology.regionalStack(db.probeRegion), `${id}LagProbe-${db.writerRegion}-${db.readerRegion}`, {
        database: db,
        namespace: props.namespace,
        probesPerRun: props.probesPerRun,
        encryptionKey: topology.regionalKey(db.probeRegion),
        logRetention: props.logRetention,
        alarmTopic: topicOf(db.probeRegion),
      }));
    }

    this.dashboard = new ProbesDashboard(topology.globalStack, `${id}Dashboard`, {
      dashboardName: `${topology.stackNamePrefix}-probes`,
      healthProbes: [...this.healthProbes.values()],
      lagProbes: this.lagProbes,
      route53HealthCheckIds: props.dashboardRoute53HealthCheckIds,
    });
  }

  /** The health probe of a Region. */
  public healthProbe(region: string): HealthProbe {
    const probe = this.healthProbes.get(region);
    if (!probe) {
      throw new Error(`MultiRegionProbes '${this.node.id}' has no health probe in '${region}'; probed Regions: ${[...this.healthProbes.keys()].join(', ')}.`);
    }
    return probe;
  }

  /** The Region-unhealthy alarm of a Region, for a Route 53 CLOUDWATCH_METRIC health check. */
  public regionUnhealthyAlarm(region: string): cloudwatch.Alarm {
    return this.healthProbe(region).regionUnhealthyAlarm;
  }

  /** The Regions with a health probe. */
  public get probedRegions(): string[] {
    return [...this.healthProbes.keys()];
  }
}
