import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { assertKnownRegion, assertNoDuplicateRegions } from '../topology/regions';
import { RegionalEndpoint } from './regional-endpoint';

/**
 * One active Region as routing sees it: its endpoint and, optionally, the alarm that says the
 * Region is unhealthy beyond what its endpoint shows.
 */
export interface RoutedRegion {
  /** The active Region, for example `us-east-1`. */
  readonly region: string;

  /** The endpoint that serves the Region. */
  readonly endpoint: RegionalEndpoint;

  /**
   * An alarm that is in ALARM when the Region is unhealthy (for example the probes' "Region
   * unhealthy" alarm). Route 53 then follows it through a CLOUDWATCH_METRIC health check,
   * combined with the endpoint check by a CALCULATED one, so DNS leaves the Region even if the
   * endpoint still answers. Route 53 accepts metric alarms on standard-resolution metrics with
   * a plain statistic (Average, Minimum, Maximum, Sum or SampleCount), not extended statistics.
   * @default - DNS follows the endpoint check only
   */
  readonly healthAlarm?: cloudwatch.IAlarm;

  /**
   * The URL of the Region's deep-health endpoint (for example `DeepHealthEndpoint.url`): 200 while
   * the Region can serve, 503 while it cannot. Route 53 and, with `followDeepHealth`, the
   * accelerator controller check it directly.
   * @default - no deep-health endpoint
   */
  readonly deepHealthUrl?: string;

  /**
   * The Region of `healthAlarm`.
   * @default - the alarm's own Region when it is known at synth, else `region`
   */
  readonly healthAlarmRegion?: string;

  /**
   * Share of this Region's accelerator traffic that Global Accelerator sends to it (0 to 100).
   * Global Accelerator ignores the dial when it fails over, so a standby at 0 still takes
   * traffic once the primary is unhealthy.
   * @default 100 for the active and primary Regions, 0 for the standbys of an active-passive app
   */
  readonly trafficDialPercentage?: number;

  /**
   * How fast `healthAlarm` can fire, for the failover budget, when the library cannot read it
   * from the alarm (an imported alarm), or to state the metric's publishing interval.
   * @default - read from the alarm when it is an `Alarm` of this app; else the budget shows UNKNOWN terms and warns
   */
  readonly healthAlarmTiming?: HealthAlarmTiming;

  /**
   * Time Elastic Load Balancing takes to mark this Region's load balancer targets unhealthy
   * (target group health-check interval x unhealthy threshold), which Global Accelerator follows
   * for load balancer endpoints. Give it when the target groups are not in this app.
   * @default - read from the target groups behind the load balancer when they are in this app; else UNKNOWN in the budget
   */
  readonly targetHealthDetection?: Duration;
}

/**
 * The timing of a Region's health alarm, as the failover budget needs it.
 */
export interface HealthAlarmTiming {
  /** How often the alarm's metric gets a datapoint, for example a probe's schedule of one minute. */
  readonly metricInterval: Duration;
  /** The alarm's period. */
  readonly period: Duration;
  /** Breaching datapoints that put the alarm into ALARM (the M of an M-out-of-N alarm). */
  readonly datapointsToAlarm: number;
}

/**
 * Checks that `regions` covers every active Region of `topology` exactly once, with endpoints in
 * the right Region, and returns them in the order of `topology.activeRegions`.
 */
export function resolveRoutedRegions(topology: IMultiRegionTopology, regions: readonly RoutedRegion[], what: string): RoutedRegion[] {
  regions.forEach((r, i) => assertKnownRegion(r.region, `${what}.regions[${i}].region`));
  assertNoDuplicateRegions(regions.map((r) => r.region), `${what}.regions`);
  for (const r of regions) {
    if (!topology.activeRegions.includes(r.region)) {
      throw new Error(`${what}.regions names '${r.region}', which is not an active Region of ${topology.node.path}; active Regions: ${topology.activeRegions.join(', ')}.`);
    }
    if (r.endpoint === undefined) {
      throw new Error(`${what}.regions entry for '${r.region}' has no endpoint; give one with RegionalEndpoint.fromLoadBalancer(), fromLoadBalancerAttributes() or fromDomainName().`);
    }
    if (r.endpoint.region !== undefined && r.endpoint.region !== r.region) {
      throw new Error(`${what}.regions entry for '${r.region}' has endpoint ${r.endpoint.description} in '${r.endpoint.region}'; each Region must be served by an endpoint in that Region.`);
    }
    if (r.healthAlarmRegion !== undefined) {
      assertKnownRegion(r.healthAlarmRegion, `${what}.regions entry for '${r.region}': healthAlarmRegion`);
    }
  }
  const missing = topology.activeRegions.filter((region) => !regions.some((r) => r.region === region));
  if (missing.length > 0) {
    throw new Error(`${what} has no endpoint for active Region(s) ${missing.join(', ')}; add { region, endpoint } for every active Region (${topology.activeRegions.join(', ')}).`);
  }
  return topology.activeRegions.map((region) => regions.find((r) => r.region === region)!);
}

/** The Region of a Region's health alarm: as given, else the alarm's own, else the Region it guards. */
export function healthAlarmRegionOf(r: RoutedRegion): string {
  if (r.healthAlarmRegion !== undefined) return r.healthAlarmRegion;
  const own = r.healthAlarm?.env.region;
  return own !== undefined && !Token.isUnresolved(own) ? own : r.region;
}
