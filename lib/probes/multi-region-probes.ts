import { Duration } from 'aws-cdk-lib';
import { validationError } from '../private/errors';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DsqlPeeredClusters } from '../data/dsql-peered-clusters';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { DsqlProbe } from './dsql-probe';
import { HealthProbe } from './health-probe';
import { HealthTarget } from './health-target';
import { LagProbeDatabase } from './lag-probe-database';
import { ProbesDashboard } from './probes-dashboard';
import { ReplicationLagProbe } from './replication-lag-probe';
import { Route53HealthCheckReference } from './route53-health-check-reference';

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
   * Asynchronously replicated Region pairs whose replication lag is measured; each probe lives
   * in the pair's `probeRegion`. Not for peered Aurora DSQL clusters (synchronous): use `dsqlPairs`.
   * @default - no lag probes
   */
  readonly lagDatabases?: LagProbeDatabase[];
  /**
   * Peered Aurora DSQL cluster pairs: each gets a `DsqlProbe` in both Regions (commit latency
   * and reachability), and the one in the Region of the peering resource, whose stack already
   * references the other cluster, also checks read-after-write both ways. No lag alarms: the
   * replication is synchronous.
   * @default - no DSQL probes
   */
  readonly dsqlPairs?: DsqlPeeredClusters[];
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
   * Retention of the probes' log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Route 53 health checks to show on the dashboard (`AWS/Route53` metrics in us-east-1). They
   * must be in the global stack, like the dashboard; when they are made after the probes (as
   * `DnsRouting` is, from the probes' alarms), add them with `dashboard.addRoute53HealthChecks()`.
   * @default - none
   */
  readonly route53HealthChecks?: Route53HealthCheckReference[];
}

/**
 * The probes for every Region of a topology: a `HealthProbe` in each Region with targets, a
 * `ReplicationLagProbe` per asynchronous database pair, `DsqlProbe`s per peered Aurora DSQL
 * pair, log groups under each Region's own key, and one `ProbesDashboard` in the us-east-1
 * global stack. Their alarms notify the topics of the app's `AlarmTopics`.
 */
export class MultiRegionProbes extends Construct {
  /** The health probes, by Region. */
  private readonly healthProbes = new Map<string, HealthProbe>();
  /** The lag probes, in the order of `lagDatabases`. */
  public readonly lagProbes: ReplicationLagProbe[] = [];
  /** The DSQL probes, two per pair in the order of `dsqlPairs`: the one with the peer first. */
  public readonly dsqlProbes: DsqlProbe[] = [];
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

    for (const pair of props.dsqlPairs ?? []) {
      for (const region of pair.peerRegions) {
        if (!topology.activeRegions.includes(region)) {
          throw new Error(`MultiRegionProbes '${id}': DSQL pair ${pair.node.path} has a cluster in '${region}', which is not an active Region; active Regions: ${topology.activeRegions.join(', ')}.`);
        }
      }
    }

    for (const entry of props.healthTargets) {
      this.healthProbes.set(entry.region, new HealthProbe(topology.regionalStack(entry.region), `${id}HealthProbe`, {
        targets: entry.targets,
        dsqlClusterArn: entry.dsqlClusterArn,
        namespace: props.namespace,
        timeout: props.healthTimeout,
        probesPerRun: props.probesPerRun,
        encryptionKey: topology.regionalKey(entry.region),
        logRetention: props.logRetention,
      }));
    }
    for (const db of props.lagDatabases ?? []) {
      this.lagProbes.push(new ReplicationLagProbe(topology.regionalStack(db.probeRegion), `${id}LagProbe-${db.writerRegion}-${db.readerRegion}`, {
        database: db,
        namespace: props.namespace,
        probesPerRun: props.probesPerRun,
        encryptionKey: topology.regionalKey(db.probeRegion),
        logRetention: props.logRetention,
      }));
    }

    for (const pair of props.dsqlPairs ?? []) {
      const [home, other] = pair.peerRegions;
      const cluster = (region: string) => ({ region, endpoint: pair.endpoint(region), clusterArn: pair.clusterArn(region) });
      const common = { databaseName: pair.node.id, namespace: props.namespace, probesPerRun: props.probesPerRun, logRetention: props.logRetention };
      this.dsqlProbes.push(new DsqlProbe(topology.regionalStack(home), `${id}DsqlProbe-${pair.node.id}`, {
        ...common, cluster: cluster(home), peer: cluster(other), encryptionKey: topology.regionalKey(home),
      }));
      this.dsqlProbes.push(new DsqlProbe(topology.regionalStack(other), `${id}DsqlProbe-${pair.node.id}`, {
        ...common, cluster: cluster(other), encryptionKey: topology.regionalKey(other),
      }));
    }

    this.dashboard = new ProbesDashboard(topology.globalStack, `${id}Dashboard`, {
      dashboardName: `${topology.stackNamePrefix}-probes`,
      healthProbes: [...this.healthProbes.values()],
      lagProbes: this.lagProbes,
      dsqlProbes: this.dsqlProbes,
      route53HealthChecks: props.route53HealthChecks,
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
