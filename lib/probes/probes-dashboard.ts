import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ROUTE53_METRICS_REGION } from '../topology/multi-region-topology';
import { DsqlProbe } from './dsql-probe';
import { HealthProbe } from './health-probe';
import { ReplicationLagProbe } from './replication-lag-probe';
import { Route53HealthCheckReference } from './route53-health-check-reference';

/**
 * Properties of a `ProbesDashboard`.
 */
export interface ProbesDashboardProps {
  /**
   * Name of the dashboard.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * Health probes to show, one row each: Region health and latency per target.
   * @default - none; add with `addHealthProbe()`
   */
  readonly healthProbes?: HealthProbe[];

  /**
   * Lag probes to show, one graph per Region pair with the warning and critical bands.
   * @default - none; add with `addLagProbe()`
   */
  readonly lagProbes?: ReplicationLagProbe[];

  /**
   * Aurora DSQL probes to show, one row each: commit latency, reachability and, for the probe
   * with a peer, read-after-write violations.
   * @default - none; add with `addDsqlProbe()`
   */
  readonly dsqlProbes?: DsqlProbe[];

  /**
   * Route 53 health checks to show: `HealthCheckStatus` and `HealthCheckPercentageHealthy`
   * from the `AWS/Route53` metrics in us-east-1. Only from the dashboard's own stack (the
   * global stack, where `DnsRouting` keeps them).
   * @default - none; add with `addRoute53HealthChecks()`
   */
  readonly route53HealthChecks?: Route53HealthCheckReference[];
}

/**
 * One CloudWatch dashboard for every Region's probes. Put it in the us-east-1 global stack:
 * Route 53 health-check metrics exist only there, and the probe widgets read their own
 * Regions' metrics across Regions.
 */
export class ProbesDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ProbesDashboardProps = {}) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    (props.healthProbes ?? []).forEach((p) => this.addHealthProbe(p));
    (props.lagProbes ?? []).forEach((p) => this.addLagProbe(p));
    (props.dsqlProbes ?? []).forEach((p) => this.addDsqlProbe(p));
    if (props.route53HealthChecks?.length) this.addRoute53HealthChecks(props.route53HealthChecks);
  }

  /** Adds a row for a Region's health probe: Region health, per-target health and latency. */
  public addHealthProbe(probe: HealthProbe): void {
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({
        title: `${probe.region}: health (1 = healthy)`,
        left: [probe.metricRegionHealthy({ label: 'Region' }), ...probe.targetNames.map((t) => probe.metricHealthy(t, { label: t }))],
        leftYAxis: { min: 0, max: 1 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `${probe.region}: latency p90 (ms)`,
        left: probe.targetNames.map((t) => probe.metricLatency(t, { label: t })),
        leftYAxis: { min: 0 },
        width: 8,
      }),
    ];
    this.dashboard.addWidgets(...widgets);
  }

  /** Adds a graph of one Region pair's lag, with lines at the warning and critical thresholds. */
  public addLagProbe(probe: ReplicationLagProbe): void {
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Replication lag ${probe.writerRegion} → ${probe.readerRegion} (ms)`,
        left: [probe.metricLag({ label: 'max lag' })],
        leftYAxis: { min: 0 },
        leftAnnotations: [
          { value: probe.warningThresholdMs, label: `warning ${probe.warningThresholdMs / 1000} s`, color: '#ff7f0e', fill: cloudwatch.Shading.ABOVE },
          { value: probe.criticalThresholdMs, label: `critical ${probe.criticalThresholdMs / 1000} s`, color: '#d62728', fill: cloudwatch.Shading.ABOVE },
        ],
        width: 16,
      }),
      new cloudwatch.GraphWidget({
        title: `${probe.writerRegion} → ${probe.readerRegion}: reachable (1 = yes)`,
        left: [probe.metricWriterReachable({ label: `writer ${probe.writerRegion}` }), probe.metricReaderReachable({ label: `reader ${probe.readerRegion}` })],
        leftYAxis: { min: 0, max: 1 },
        width: 8,
      }),
    );
  }

  /**
   * Adds a row for an Aurora DSQL probe: commit latency in its Region (p50, p90, max), the
   * reachability of each cluster it connects to and, with a peer, read-after-write violations
   * both ways (any value above 0 is a broken consistency promise).
   */
  public addDsqlProbe(probe: DsqlProbe): void {
    const regions = [probe.region, ...(probe.peerRegion ? [probe.peerRegion] : [])];
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({
        title: `${probe.databaseName} ${probe.region}: commit latency (ms)`,
        left: [
          probe.metricCommitLatency({ statistic: cloudwatch.Stats.percentile(50), label: 'p50' }),
          probe.metricCommitLatency({ label: 'p90' }),
          probe.metricCommitLatency({ statistic: cloudwatch.Stats.MAXIMUM, label: 'max' }),
        ],
        leftYAxis: { min: 0 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `${probe.databaseName} from ${probe.region}: endpoint reachable (1 = yes)`,
        left: regions.map((r) => probe.metricEndpointReachable(r, { label: r })),
        leftYAxis: { min: 0, max: 1 },
        width: 8,
      }),
    ];
    if (probe.peerRegion) {
      widgets.push(new cloudwatch.GraphWidget({
        title: `${probe.databaseName}: read-after-write violations (must stay 0)`,
        left: [
          probe.metricReadAfterWriteViolation(probe.region, probe.peerRegion, { label: `${probe.region} → ${probe.peerRegion}` }),
          probe.metricReadAfterWriteViolation(probe.peerRegion, probe.region, { label: `${probe.peerRegion} → ${probe.region}` }),
        ],
        leftYAxis: { min: 0, max: 1 },
        leftAnnotations: [{ value: 1, label: 'violation (critical)', color: '#d62728', fill: cloudwatch.Shading.ABOVE }],
        width: 8,
      }));
    }
    this.dashboard.addWidgets(...widgets);
  }

  /**
   * Adds Route 53's own view of the given health checks, from the `AWS/Route53` metrics in
   * us-east-1: `HealthCheckStatus` (1 healthy) of each record's check and
   * `HealthCheckPercentageHealthy` (share of checkers seeing the endpoint healthy) of each
   * endpoint check. Alarms on `HealthCheckStatus` are `DnsRouting`'s endpoint alarms.
   *
   * TypeScript also still takes health-check ids (`string[]`, the form before 0.1.0), deprecated
   * since 0.2.0 with a synth warning: it draws only the status graph, labelled by id.
   */
  public addRoute53HealthChecks(healthChecks: Route53HealthCheckReference[]): void;
  // Deprecated since 0.2.0, to be removed in 0.3.0 at the earliest (CHANGELOG.md): the id form that went
  // from the TypeScript API without a deprecation before 0.1.0. A TypeScript-only overload with no
  // JSDoc: jsii publishes the first signature and would merge this one's docs (and a @deprecated tag)
  // into it, so the deprecation is a synth warning instead.
  public addRoute53HealthChecks(healthCheckIds: string[]): void;
  public addRoute53HealthChecks(healthChecks: Array<Route53HealthCheckReference | string>): void {
    // The overloads keep one form per call.
    const ids = healthChecks.filter((hc): hc is string => typeof hc === 'string');
    if (ids.length > 0) {
      Annotations.of(this).addWarningV2('multi-region-cdk:deprecatedHealthCheckIds', 'ProbesDashboard.addRoute53HealthChecks(ids: string[]) is deprecated '
        + 'since 0.2.0 and goes in 0.3.0 at the earliest: pass Route53HealthCheckReference objects ({ region, healthCheckId, endpointHealthCheckId }).');
      // The pre-0.1.0 graph: the status of each check, labelled by its id.
      this.dashboard.addWidgets(new cloudwatch.GraphWidget({
        title: 'Route 53 health checks (1 = healthy)',
        left: ids.map((id) => new cloudwatch.Metric({
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          dimensionsMap: { HealthCheckId: id },
          statistic: cloudwatch.Stats.MINIMUM,
          period: Duration.minutes(1),
          region: ROUTE53_METRICS_REGION,
          label: id,
        })),
        leftYAxis: { min: 0, max: 1 },
        width: 24,
      }));
      return;
    }
    this.addRoute53HealthCheckReferences(healthChecks.filter((hc): hc is Route53HealthCheckReference => typeof hc !== 'string'));
  }

  private addRoute53HealthCheckReferences(healthChecks: Route53HealthCheckReference[]): void {
    const metric = (metricName: string, id: string, statistic: string, label: string) => new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName,
      dimensionsMap: { HealthCheckId: id },
      statistic,
      period: Duration.minutes(1),
      region: ROUTE53_METRICS_REGION,
      label,
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Route 53 health checks: status (1 = healthy)',
        left: healthChecks.map((hc) => metric('HealthCheckStatus', hc.healthCheckId, cloudwatch.Stats.MINIMUM, hc.region)),
        leftYAxis: { min: 0, max: 1 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Route 53 checkers reporting the endpoint healthy (%)',
        left: healthChecks.map((hc) => metric('HealthCheckPercentageHealthy', hc.endpointHealthCheckId ?? hc.healthCheckId, cloudwatch.Stats.AVERAGE, hc.region)),
        leftYAxis: { min: 0, max: 100 },
        width: 12,
      }),
    );
  }
}
