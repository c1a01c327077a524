import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { HealthProbe } from './health-probe';
import { ReplicationLagProbe } from './replication-lag-probe';

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
   * Route 53 health checks whose status (AWS/Route53 HealthCheckStatus, us-east-1) to show.
   * @default - none; add with `addRoute53HealthChecks()`
   */
  readonly route53HealthCheckIds?: string[];
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
    if (props.route53HealthCheckIds?.length) this.addRoute53HealthChecks(props.route53HealthCheckIds);
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
    if (probe.route53HealthCheckIds.length > 0) {
      widgets.push(new cloudwatch.GraphWidget({
        title: `${probe.region}: Route 53 checkers reporting healthy (%)`,
        left: probe.route53HealthCheckIds.map((hc) => probe.metricRoute53CheckersHealthyPercent(hc, { label: hc })),
        leftYAxis: { min: 0, max: 100 },
        width: 8,
      }));
    }
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

  /** Adds a graph of Route 53's own status of the given health checks (1 = healthy). */
  public addRoute53HealthChecks(healthCheckIds: string[]): void {
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({
      title: 'Route 53 health checks (1 = healthy)',
      left: healthCheckIds.map((id) => new cloudwatch.Metric({
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensionsMap: { HealthCheckId: id },
        statistic: cloudwatch.Stats.MINIMUM,
        period: Duration.minutes(1),
        region: 'us-east-1',
        label: id,
      })),
      leftYAxis: { min: 0, max: 1 },
      width: 24,
    }));
  }
}
