import { Duration } from 'aws-cdk-lib';
import { validationError } from '../private/errors';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DsqlDatabaseRole } from '../data/dsql-database-role';
import { DsqlPeeredClusters } from '../data/dsql-peered-clusters';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { DsqlProbe } from './dsql-probe';
import { HealthProbe } from './health-probe';
import { HealthTarget } from './health-target';
import { LagProbeDatabase } from './lag-probe-database';
import { aliased } from './private/settings';
import { DsqlProbeSettings, ProbeSettings } from './probe-settings';
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
   * Settings of every probe (schedule, timeout, alarm datapoints and periods, log retention,
   * namespace). Each log group is encrypted with its Region's `RegionalKey`, so
   * `encryptionKey` is refused here.
   * @default - each probe's defaults
   */
  readonly probeSettings?: ProbeSettings;
  /**
   * Settings of the health probes, over `probeSettings`.
   * @default - `probeSettings`
   */
  readonly healthProbeSettings?: ProbeSettings;
  /**
   * Settings of the DSQL probes, over `probeSettings`: also the database role (default
   * `mrcdk_probe`, created with a `DsqlDatabaseRole` in the stack of each pair's peering
   * resource and mapped to both probes' IAM roles), its schema and table.
   * @default - `probeSettings`
   */
  readonly dsqlProbeSettings?: DsqlProbeSettings;
  /**
   * @deprecated use `probeSettings.namespace`
   * @default 'MultiRegion/Probes'
   */
  readonly namespace?: string;
  /**
   * @deprecated use `healthProbeSettings.timeout`
   * @default Duration.seconds(5)
   */
  readonly healthTimeout?: Duration;
  /**
   * @deprecated use `probeSettings.probesPerRun`
   * @default 1
   */
  readonly probesPerRun?: number;
  /**
   * @deprecated use `probeSettings.logRetention`
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
  /** The database roles of the DSQL probes, one per pair (none when the probes connect as admin). */
  public readonly dsqlDatabaseRoles: DsqlDatabaseRole[] = [];
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

    for (const [name, settings] of [['probeSettings', props.probeSettings], ['healthProbeSettings', props.healthProbeSettings], ['dsqlProbeSettings', props.dsqlProbeSettings]] as const) {
      if (settings?.encryptionKey) {
        throw validationError('ProbeSettingsKey', `MultiRegionProbes '${id}': ${name}.encryptionKey is set, but each probe's log group is encrypted with the key of its own Region `
          + '(topology.regionalKey(region)); a key lives in one Region. Leave encryptionKey out.', this);
      }
    }
    const common = {
      ...props.probeSettings,
      namespace: aliased(this, 'probeSettings.namespace', props.probeSettings?.namespace, 'namespace', props.namespace),
      probesPerRun: aliased(this, 'probeSettings.probesPerRun', props.probeSettings?.probesPerRun, 'probesPerRun', props.probesPerRun),
      logRetention: aliased(this, 'probeSettings.logRetention', props.probeSettings?.logRetention, 'logRetention', props.logRetention),
    };
    const health: ProbeSettings = {
      ...common,
      ...defined(props.healthProbeSettings),
      timeout: aliased(this, 'healthProbeSettings.timeout', props.healthProbeSettings?.timeout ?? props.probeSettings?.timeout, 'healthTimeout', props.healthTimeout),
    };
    const dsqlSettings: DsqlProbeSettings = { ...common, ...defined(props.dsqlProbeSettings) };

    for (const entry of props.healthTargets) {
      this.healthProbes.set(entry.region, new HealthProbe(topology.regionalStack(entry.region), `${id}HealthProbe`, {
        ...health,
        targets: entry.targets,
        dsqlClusterArn: entry.dsqlClusterArn,
        encryptionKey: topology.regionalKey(entry.region),
      }));
    }
    for (const db of props.lagDatabases ?? []) {
      this.lagProbes.push(new ReplicationLagProbe(topology.regionalStack(db.probeRegion), `${id}LagProbe-${db.writerRegion}-${db.readerRegion}`, {
        database: db,
        namespace: common.namespace,
        probesPerRun: common.probesPerRun,
        encryptionKey: topology.regionalKey(db.probeRegion),
        logRetention: common.logRetention,
      }));
    }

    for (const pair of props.dsqlPairs ?? []) {
      const [home, other] = pair.peerRegions;
      const cluster = (region: string) => ({ region, endpoint: pair.endpoint(region), clusterArn: pair.clusterArn(region) });
      const settings = { ...dsqlSettings, databaseName: pair.node.id };
      const withPeer = new DsqlProbe(topology.regionalStack(home), `${id}DsqlProbe-${pair.node.id}`, {
        ...settings, cluster: cluster(home), peer: cluster(other), encryptionKey: topology.regionalKey(home),
      });
      const alone = new DsqlProbe(topology.regionalStack(other), `${id}DsqlProbe-${pair.node.id}`, {
        ...settings, cluster: cluster(other), encryptionKey: topology.regionalKey(other),
      });
      this.dsqlProbes.push(withPeer, alone);
      if (withPeer.databaseRole !== 'admin') {
        // One role for the pair, created through the cluster of the peering's Region after the
        // peering (peered clusters are one database); both probes' IAM roles map to it.
        this.dsqlDatabaseRoles.push(new DsqlDatabaseRole(topology.regionalStack(home), `${id}DsqlProbeRole-${pair.node.id}`, {
          peeredClusters: pair,
          roleName: withPeer.databaseRole,
          iamRoles: [withPeer.role, alone.role],
          schemaName: withPeer.schemaName,
          logEncryptionKey: topology.regionalKey(home),
          logRetention: common.logRetention,
        }));
      }
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

/** The settings that are set, so an undefined one does not hide the shared value. */
function defined<T extends object>(settings: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(settings ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
