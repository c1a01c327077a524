import { createHash } from 'crypto';
import { Annotations, CrossStackReferences, Duration, ReferenceStrength, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { registerAlarm } from '../private/alarm-registry';
import { validationError } from '../private/errors';
import { IMultiRegionTopology, ROUTE53_METRICS_REGION } from '../topology/multi-region-topology';
import { Posture } from '../topology/posture';
import { FailoverBudgetReport } from './failover-budget-report';
import { FailoverPathBudget, FailoverTerm, FailoverTermBasis, RegionFailoverTime } from './failover-budget';
import { EndpointHealthCheckProtocol, defaultPortOf } from './health-check-protocol';
import { RegionalEndpoint } from './regional-endpoint';
import { deepHealthTimingOf } from './deep-health-endpoint';
import { RoutedRegion, healthAlarmRegionOf, resolveRoutedRegions } from './routed-region';
import { alarmTerms, ELB_ALIAS_TTL_SECONDS, ELB_ALIAS_TTL_SOURCE } from './private/detection-terms';
import { describeBudget, pathBudget, reactionTerm, regionFailoverTime, unknownTerm } from './private/failover-math';
import { checkInterval, checkRecordInZone, checkThreshold, normalizeDomainName } from './routing-validation';

/** Regions Route 53 can run health checkers in (the `Regions` of a health check). */
export const ROUTE53_CHECKER_REGIONS: readonly string[] = [
  'us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1',
];

/** Above this TTL a failover record gets a warning: clients keep the failed Region's answer that long. */
export const FAILOVER_TTL_WARNING_SECONDS = 60;
/** Above this TTL a failover record is refused. */
export const FAILOVER_TTL_MAX_SECONDS = 300;

/**
 * Properties of `DnsRouting`.
 */
export interface DnsRoutingProps {
  /** The topology: its posture picks latency (active-active) or failover (active-passive) records. */
  readonly topology: IMultiRegionTopology;

  /**
   * The public hosted zone of `recordName`, for example
   * `HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName })` (no look-up).
   */
  readonly hostedZone: route53.IHostedZone;

  /** The name clients resolve, for example `app.example.com`; the zone's apex or a name below it. */
  readonly recordName: string;

  /** One entry per active Region, each with its endpoint. */
  readonly regions: RoutedRegion[];

  /**
   * How Route 53 checks each endpoint.
   * @default EndpointHealthCheckProtocol.HTTPS
   */
  readonly healthCheckProtocol?: EndpointHealthCheckProtocol;

  /**
   * Time between two checks from one checker: 10 s (fast, billed extra) or 30 s.
   * @default Duration.seconds(10)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Consecutive failed checks before an endpoint counts as unhealthy (1 to 10).
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * Regions the health checkers run in, at least three of `ROUTE53_CHECKER_REGIONS`.
   * @default - chosen by Route 53
   */
  readonly healthCheckRegions?: string[];

  /**
   * TTL of records that cannot be aliases (domain-name endpoints and load balancers imported
   * without a canonical hosted zone id). Failover records warn above 60 s and refuse above 300 s.
   * @default Duration.seconds(60)
   */
  readonly ttl?: Duration;

  /**
   * Whether alias records also follow the load balancer's own target health, on top of the
   * record's health check. Failover alias records must follow it.
   * @default - true for failover records, false for latency records
   */
  readonly evaluateTargetHealth?: boolean;

  /**
   * Health of a Region whose `healthAlarm` has too little data (for example while its probe is
   * not reporting).
   * @default route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS
   */
  readonly insufficientDataHealthStatus?: route53.InsufficientDataHealthStatusEnum;

  /**
   * Whether each Region gets an alarm on its endpoint health check's `HealthCheckStatus`, so a
   * Region that Route 53 takes out of DNS is noticed (failover itself is silent). The alarms
   * live in this construct's stack, which must then be in us-east-1, where the metric exists.
   * @default true
   */
  readonly endpointAlarms?: boolean;

  /**
   * For the failover budget: how long a Route 53 CLOUDWATCH_METRIC health check (and the
   * CALCULATED check above it) takes to follow a health alarm into ALARM. AWS documents no
   * figure (Route 53 "monitors the data stream for the corresponding alarm"), so the budget
   * shows this as an ASSUMED term; set it to what you measured.
   * @default Duration.seconds(60)
   */
  readonly alarmHealthCheckDelay?: Duration;

  /**
   * For the failover budget: how long Route 53 takes from a health check turning unhealthy to
   * DNS answers without the Region. AWS documents no figure for that; the closest is that record
   * changes "generally propagate to all Route 53 name servers ... within 60 seconds" (Route 53 API
   * Reference, ChangeResourceRecordSets), so the budget shows an ASSUMED 60 s. Set it to a figure
   * you measured (the budget then marks it DECLARED).
   * @default Duration.seconds(60)
   */
  readonly healthChangePropagation?: Duration;

  /**
   * Whether records for load balancers with a canonical hosted zone id are aliases. An alias
   * answer carries the load balancer's own TTL of 60 s, which every failover then pays; with
   * `false` the records are CNAMEs to the load balancer's name with `ttl` (for example 10 s), at
   * the price of Route 53 billing CNAME queries (alias queries to a load balancer are free), no
   * CNAME at the zone apex, and no evaluateTargetHealth (the record's health check guards it).
   * @default true
   */
  readonly aliasRecords?: boolean;
}

/**
 * Route 53 records for a multi-Region service, each guarded by a health check: latency records
 * (one per Region) for an active-active topology, PRIMARY and SECONDARY failover records for an
 * active-passive one. Put it in `topology.globalStack` (us-east-1), where the health checks'
 * metrics and their alarms live.
 *
 * A Region with a `deepHealthUrl` gets an HTTPS health check on that URL, and its record a
 * CALCULATED check that is healthy only while the endpoint check and the deep-health check are:
 * DNS follows the Region's deep health on Route 53's data plane. A Region with a `healthAlarm`
 * gets a CLOUDWATCH_METRIC check on the alarm in that CALCULATED check too; Route 53 follows an
 * alarm's data stream with its own copy of the alarm's settings and does not support M-out-of-N
 * alarms, so such alarms are refused, and the check is replaced whenever the alarm's settings change.
 */
export class DnsRouting extends Construct {
  /** `latency` or `failover`. */
  public readonly routingPolicy: string;
  /** The fully qualified record name, without the trailing dot. */
  public readonly recordName: string;
  /** Worst-case time to move DNS traffic off a failed Region. */
  public readonly failoverBudget: FailoverPathBudget;
  /** The Regions this routing sends traffic to, with their endpoints, in the order of the topology's active Regions. */
  public readonly routedRegions: RoutedRegion[];
  private readonly recordHealthChecks = new Map<string, route53.IHealthCheck>();
  private readonly endpointHealthChecks = new Map<string, route53.IHealthCheck>();
  private readonly recordsByRegion = new Map<string, route53.RecordSet>();
  private readonly endpointAlarmsByRegion = new Map<string, cloudwatch.Alarm>();
  private readonly deepHealthChecks = new Map<string, route53.IHealthCheck>();
  private readonly deepHealthAlarmsByRegion = new Map<string, cloudwatch.Alarm>();
  private readonly aliasRecords: boolean;

  constructor(scope: Construct, id: string, props: DnsRoutingProps) {
    super(scope, id);
    // Strong cross-Region references (export writer and reader): a regional stack cannot drop
    // or replace a load balancer this routing still points at, so routing never goes stale.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const regions = resolveRoutedRegions(props.topology, props.regions, 'DnsRouting');
    this.routedRegions = regions;
    const stackRegion = Stack.of(this).region;
    if ((props.endpointAlarms ?? true) && !Token.isUnresolved(stackRegion) && stackRegion !== ROUTE53_METRICS_REGION) {
      throw new Error(`DnsRouting '${id}' is in a stack of ${stackRegion}, but Route 53 health-check metrics, and so the endpoint alarms, exist only in ${ROUTE53_METRICS_REGION}; `
        + 'put it in topology.globalStack, or set endpointAlarms: false.');
    }
    const zoneName = zoneNameOf(props.hostedZone);
    checkRecordInZone(props.recordName, zoneName);
    this.recordName = normalizeDomainName(props.recordName);

    const protocol = props.healthCheckProtocol ?? EndpointHealthCheckProtocol.HTTPS;
    const intervalSeconds = checkInterval(props.healthCheckInterval ?? Duration.seconds(10), 'DnsRouting healthCheckInterval');
    const failureThreshold = checkThreshold(props.failureThreshold ?? 3, 'DnsRouting failureThreshold');
    const checkerRegions = checkCheckerRegions(props.healthCheckRegions);
    const ttl = props.ttl ?? Duration.seconds(60);
    validateRecordTtl(this, ttl);
    const failover = props.topology.posture === Posture.ACTIVE_PASSIVE;
    this.routingPolicy = failover ? 'failover' : 'latency';
    if (failover) {
      this.checkFailoverShape(props.topology, ttl);
      if (props.evaluateTargetHealth === false) {
        throw new Error('evaluateTargetHealth is false, but failover alias records must evaluate target health; leave it out or set it to true.');
      }
    }
    const evaluateTargetHealth = props.evaluateTargetHealth ?? failover;
    const isApex = this.recordName === normalizeDomainName(zoneName);
    this.aliasRecords = props.aliasRecords ?? true;
    for (const r of regions) {
      if (r.healthAlarm) checkAlarmForRoute53(r);
    }

    const times: RegionFailoverTime[] = [];
    for (const r of regions) {
      const endpointCheck = new route53.HealthCheck(this, `EndpointHealthCheck-${r.region}`, {
        type: healthCheckTypeOf(protocol),
        fqdn: r.endpoint.dnsName,
        port: r.endpoint.healthCheckPort ?? defaultPortOf(protocol),
        resourcePath: protocol === EndpointHealthCheckProtocol.TCP ? undefined : r.endpoint.healthPath,
        requestInterval: Duration.seconds(intervalSeconds),
        failureThreshold,
        regions: checkerRegions,
      });
      Tags.of(endpointCheck).add('Name', `${this.recordName} ${r.region} endpoint`);
      this.endpointHealthChecks.set(r.region, endpointCheck);
      if (props.endpointAlarms ?? true) {
        this.endpointAlarmsByRegion.set(r.region, registerAlarm(this.metricEndpointHealthCheckStatus(r.region).createAlarm(this, `EndpointUnhealthy-${r.region}`, {
          alarmDescription: `Route 53 sees the ${r.region} endpoint of ${this.recordName} as unhealthy, so its record leaves DNS.`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })));
      }

      const deepCheck = r.deepHealthUrl !== undefined ? this.newDeepHealthCheck(r, intervalSeconds, failureThreshold, checkerRegions) : undefined;
      if (deepCheck && (props.endpointAlarms ?? true)) {
        this.deepHealthAlarmsByRegion.set(r.region, registerAlarm(this.healthCheckStatus(deepCheck, {}).createAlarm(this, `DeepHealthUnhealthy-${r.region}`, {
          alarmDescription: `Route 53 sees the deep health of ${r.region} (${r.deepHealthUrl}) as unhealthy, so its record leaves DNS.`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        })));
      }
      const recordCheck = r.healthAlarm || deepCheck
        ? this.combinedCheck(r, endpointCheck, deepCheck, props.insufficientDataHealthStatus)
        : endpointCheck;
      this.recordHealthChecks.set(r.region, recordCheck);

      const role = failover ? (r.region === props.topology.primaryRegion ? route53.Failover.PRIMARY : route53.Failover.SECONDARY) : undefined;
      this.recordsByRegion.set(r.region, this.newRecord(r, props.hostedZone, recordCheck, role, ttl, isApex, evaluateTargetHealth));
      times.push(regionFailoverTime(r.region, this.termsOf(r, protocol, intervalSeconds, failureThreshold, ttl, props.alarmHealthCheckDelay, props.healthChangePropagation)));
    }

    this.failoverBudget = pathBudget({
      path: 'dns',
      constructPath: this.node.path,
      routingPolicy: this.routingPolicy,
      formula: 'max(endpoint check: failure threshold x (interval + per-check timeouts); deep health: cache + failure threshold x (interval + 4 s + 2 s); deep-health alarm: publishing interval + evaluation periods x period + Route 53 alarm-check delay) '
        + '+ Route 53 acting on the health change + the TTL resolvers get (record TTL, or 60 s for a load balancer alias)',
      regions: times,
      caveats: [
        'Resolvers and clients that ignore the TTL keep the failed answer longer; established connections stay on the failed Region until they break.',
        ...(regions.some((r) => r.healthAlarm) ? ['A health alarm that treats missing data as not breaching never fires when its probe cannot run; the endpoint check covers a Region that is down altogether.'] : []),
      ],
    });
    if (!this.failoverBudget.complete) {
      Annotations.of(this).addWarningV2('multi-region-cdk:failover-budget-unknown',
        `The DNS failover budget has UNKNOWN terms (${this.failoverBudget.regions.flatMap((r) => r.unknownTerms.map((t) => `${r.region}: ${t}`)).join('; ')}); its worst case is at least ${this.failoverBudget.worstCaseSeconds} s.`);
    }
    FailoverBudgetReport.of(this).addPath(this.failoverBudget);
    Annotations.of(this).addInfo(describeBudget(this.failoverBudget));
  }

  private termsOf(r: RoutedRegion, protocol: EndpointHealthCheckProtocol, intervalSeconds: number, failureThreshold: number, ttl: Duration,
    alarmCheckDelay?: Duration, healthChangePropagation?: Duration): FailoverTerm[] {
    const timeouts = checkTimeoutsOf(protocol);
    const terms: FailoverTerm[] = [{
      name: 'Route 53 endpoint health check: failure threshold x (request interval + per-check timeouts)',
      seconds: failureThreshold * (intervalSeconds + timeouts.seconds),
      source: `${failureThreshold} x (${intervalSeconds} s + ${timeouts.seconds} s) (DnsRouting failureThreshold, healthCheckInterval; ${timeouts.source})`,
      basis: FailoverTermBasis.CONFIGURED,
      branch: 'endpoint check',
    }];
    if (r.deepHealthUrl !== undefined) {
      const branch = 'deep health';
      const timing = deepHealthTimingOf(r.deepHealthUrl);
      const https = checkTimeoutsOf(EndpointHealthCheckProtocol.HTTPS);
      terms.push(timing
        ? { name: 'deep-health cache: a healthy answer cached just before the failure is served this long', seconds: timing.cacheSeconds, source: timing.source, basis: FailoverTermBasis.CONFIGURED, branch }
        : r.deepHealthCacheTime
          ? { name: 'deep-health cache: a healthy answer cached just before the failure is served this long', seconds: r.deepHealthCacheTime.toSeconds(), source: `deepHealthCacheTime of ${r.region}, as the app states it`, basis: FailoverTermBasis.DECLARED, branch }
          : unknownTerm('deep-health cache', `${r.deepHealthUrl} is not a DeepHealthEndpoint of this app; give deepHealthCacheTime for ${r.region}`, branch), {
        name: 'Route 53 deep-health check: failure threshold x (request interval + per-check timeouts)',
        seconds: failureThreshold * (intervalSeconds + https.seconds),
        source: `${failureThreshold} x (${intervalSeconds} s + ${https.seconds} s) (DnsRouting failureThreshold, healthCheckInterval; ${https.source})`,
        basis: FailoverTermBasis.CONFIGURED,
        branch,
      });
    }
    if (r.healthAlarm) {
      terms.push(...alarmTerms(r, 'deep-health alarm'), {
        name: 'Route 53 alarm-based health check follows the alarm',
        seconds: (alarmCheckDelay ?? Duration.seconds(60)).toSeconds(),
        source: alarmCheckDelay
          ? 'DnsRouting alarmHealthCheckDelay, as the app states it'
          : 'AWS documents no figure: Route 53 "monitors the data stream for the corresponding alarm" (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"); set DnsRouting alarmHealthCheckDelay to a measured figure',
        basis: alarmCheckDelay ? FailoverTermBasis.DECLARED : FailoverTermBasis.ASSUMED,
        branch: 'deep-health alarm',
      });
    }
    terms.push(reactionTerm({
      name: 'Route 53 acts on the health change (DNS answers leave the Region)',
      measured: healthChangePropagation,
      measuredSource: 'DnsRouting healthChangePropagation, as measured by the app',
      assumedSeconds: 60,
      assumedSource: 'AWS documents no figure for how soon a health check\'s new status changes the answers; the closest documented figure is that changes "generally propagate to all Route 53 name servers ... within 60 seconds" '
        + '(Route 53 API Reference, ChangeResourceRecordSets); set DnsRouting healthChangePropagation to a measured figure',
    }));
    terms.push(r.endpoint.isAlias && this.aliasRecords
      ? { name: 'resolver cache: TTL of the load balancer alias answer', seconds: ELB_ALIAS_TTL_SECONDS, source: ELB_ALIAS_TTL_SOURCE, basis: FailoverTermBasis.DOCUMENTED }
      : { name: 'resolver cache: record TTL', seconds: ttl.toSeconds(), source: 'DnsRouting ttl', basis: FailoverTermBasis.CONFIGURED });
    return terms;
  }

  /** The health check that guards the record of `region` (the CALCULATED one when the Region has a health alarm). */
  public healthCheck(region: string): route53.IHealthCheck {
    return this.lookUp(this.recordHealthChecks, region);
  }

  /** The health check of the endpoint of `region`. */
  public endpointHealthCheck(region: string): route53.IHealthCheck {
    return this.lookUp(this.endpointHealthChecks, region);
  }

  /** The record of `region`. */
  public record(region: string): route53.RecordSet {
    return this.lookUp(this.recordsByRegion, region);
  }

  /**
   * Route 53's `HealthCheckStatus` of the health check guarding `activeRegion` (1 healthy, 0 unhealthy).
   * The metric exists only in us-east-1, so put alarms on it in `topology.globalStack`.
   * (The parameter is not called `region`: jsii forbids a positional name that is also a property of the options struct.)
   */
  public metricHealthCheckStatus(activeRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.healthCheckStatus(this.healthCheck(activeRegion), props);
  }

  /** Route 53's `HealthCheckStatus` of the endpoint health check of `activeRegion` (1 healthy, 0 unhealthy). */
  public metricEndpointHealthCheckStatus(activeRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.healthCheckStatus(this.endpointHealthCheck(activeRegion), props);
  }

  /** The alarm on the endpoint health check of `region` (see `endpointAlarms`). */
  public endpointUnhealthyAlarm(region: string): cloudwatch.Alarm {
    return this.lookUp(this.endpointAlarmsByRegion, region);
  }

  private healthCheckStatus(check: route53.IHealthCheck, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: check.healthCheckId },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
      region: ROUTE53_METRICS_REGION,
      ...props,
    });
  }

  private lookUp<T>(map: Map<string, T>, region: string): T {
    const value = map.get(region);
    if (value === undefined) {
      throw new Error(`'${region}' is not routed by ${this.node.path}; routed Regions: ${[...map.keys()].join(', ')}.`);
    }
    return value;
  }

  /** The alarm on the deep-health check of `region` (see `endpointAlarms`), when it has a `deepHealthUrl`. */
  public deepHealthUnhealthyAlarm(region: string): cloudwatch.Alarm {
    return this.lookUp(this.deepHealthAlarmsByRegion, region);
  }

  /** The deep-health check of `region` (an HTTPS check of its `deepHealthUrl`), when it has one. */
  public deepHealthCheck(region: string): route53.IHealthCheck {
    return this.lookUp(this.deepHealthChecks, region);
  }

  private newDeepHealthCheck(r: RoutedRegion, intervalSeconds: number, failureThreshold: number, checkerRegions?: string[]): route53.IHealthCheck {
    const url = r.deepHealthUrl!;
    if (Token.isUnresolved(url)) {
      throw new Error(`deepHealthUrl of '${r.region}' is not known at synth; give a URL with a concrete host name and path, for example DeepHealthEndpoint.url.`);
    }
    const m = /^(https?):\/\/([^/:]+)(?::(\d+))?(\/[^?#]*)?$/.exec(url);
    if (!m) {
      throw new Error(`deepHealthUrl '${url}' of '${r.region}' is not an http(s) URL with a host name, for example https://us-east-1.app.example.com/deep-health.`);
    }
    const https = m[1] === 'https';
    const check = new route53.HealthCheck(this, `DeepHealthCheck-${r.region}`, {
      type: https ? route53.HealthCheckType.HTTPS : route53.HealthCheckType.HTTP,
      fqdn: m[2],
      port: m[3] ? Number(m[3]) : (https ? 443 : 80),
      resourcePath: m[4] ?? '/',
      requestInterval: Duration.seconds(intervalSeconds),
      failureThreshold,
      regions: checkerRegions,
    });
    Tags.of(check).add('Name', `${this.recordName} ${r.region} deep health`);
    this.deepHealthChecks.set(r.region, check);
    return check;
  }

  private combinedCheck(r: RoutedRegion, endpointCheck: route53.IHealthCheck, deepCheck: route53.IHealthCheck | undefined,
    insufficientData?: route53.InsufficientDataHealthStatusEnum): route53.IHealthCheck {
    const children = [endpointCheck];
    if (deepCheck) children.push(deepCheck);
    if (r.healthAlarm) {
      // Route 53 keeps its own copy of the alarm's settings and does not update it when the alarm
      // changes (Route 53 Developer Guide, "Updating health checks when you change CloudWatch alarm
      // settings"); the id carries a digest of those settings, so a change replaces the check.
      const alarmCheck = new route53.HealthCheck(this, `AlarmHealthCheck-${r.region}${alarmSettingsDigest(r.healthAlarm)}`, {
        type: route53.HealthCheckType.CLOUDWATCH_METRIC,
        alarmIdentifier: { name: r.healthAlarm.alarmName, region: healthAlarmRegionOf(r) },
        insufficientDataHealthStatus: insufficientData ?? route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
      });
      Tags.of(alarmCheck).add('Name', `${this.recordName} ${r.region} deep-health alarm`);
      children.push(alarmCheck);
    }
    // Healthy only while every child is: the endpoint answers AND deep health (and the alarm) say so.
    const combined = new route53.HealthCheck(this, `HealthCheck-${r.region}`, {
      type: route53.HealthCheckType.CALCULATED,
      childHealthChecks: children,
      healthThreshold: children.length,
    });
    Tags.of(combined).add('Name', `${this.recordName} ${r.region}`);
    return combined;
  }

  private newRecord(r: RoutedRegion, zone: route53.IHostedZone, healthCheck: route53.IHealthCheck,
    failover: route53.Failover | undefined, ttl: Duration, isApex: boolean, evaluateTargetHealth: boolean): route53.RecordSet {
    const common = {
      zone,
      recordName: `${this.recordName}.`,
      setIdentifier: failover ? `${r.region}-${failover.toLowerCase()}` : r.region,
      region: failover ? undefined : r.region,
      failover,
      healthCheck,
    };
    if (r.endpoint.isAlias && this.aliasRecords) {
      return new route53.ARecord(this, `Record-${r.region}`, {
        ...common,
        target: route53.RecordTarget.fromAlias(new LoadBalancerAlias(r.endpoint, evaluateTargetHealth)),
      });
    }
    if (isApex) {
      throw new Error(`recordName '${this.recordName}' is the zone's apex, where a CNAME is not allowed, but the endpoint of '${r.region}' (${r.endpoint.description}) `
        + 'needs one; use a name below the apex, or a load balancer with its canonical hosted zone id and aliasRecords left true so the record can be an alias.');
    }
    return new route53.CnameRecord(this, `Record-${r.region}`, { ...common, domainName: r.endpoint.dnsName, ttl });
  }

  private checkFailoverShape(topology: IMultiRegionTopology, ttl: Duration): void {
    if (topology.standbyRegions.length !== 1) {
      throw new Error(`Route 53 failover routing has one PRIMARY and one SECONDARY record, but ${topology.node.path} has ${topology.standbyRegions.length} standby Regions `
        + `(${topology.standbyRegions.join(', ')}); use exactly two active Regions for an active-passive app.`);
    }
    const seconds = ttl.toSeconds();
    if (seconds > FAILOVER_TTL_MAX_SECONDS) {
      throw new Error(`DnsRouting ttl is ${seconds} s on failover records; clients would keep a failed primary for that long. Use at most ${FAILOVER_TTL_MAX_SECONDS} s (${FAILOVER_TTL_WARNING_SECONDS} s or less is recommended).`);
    }
    if (seconds > FAILOVER_TTL_WARNING_SECONDS) {
      Annotations.of(this).addWarningV2('multi-region-cdk:routing-failover-ttl',
        `ttl is ${seconds} s on failover records: clients may keep a failed primary's answer for up to ${seconds} s after Route 53 fails over; ${FAILOVER_TTL_WARNING_SECONDS} s or less is recommended.`);
    }
  }
}

/** An alias to a load balancer, from its DNS name and canonical hosted zone id (which may come from another Region). */
class LoadBalancerAlias implements route53.IAliasRecordTarget {
  constructor(private readonly endpoint: RegionalEndpoint, private readonly evaluateTargetHealth: boolean) {}

  public bind(): route53.AliasRecordTargetConfig {
    return {
      hostedZoneId: this.endpoint.canonicalHostedZoneId!,
      // Only load balancers have a canonical hosted zone id; answer with their dual-stack name,
      // as Route 53's console and aws-cdk-lib's LoadBalancerTarget do.
      dnsName: `dualstack.${this.endpoint.dnsName}`,
      evaluateTargetHealth: this.evaluateTargetHealth,
    };
  }
}

/**
 * What one Route 53 check of the protocol can spend before it fails: HTTP and HTTPS "must be able
 * to establish a TCP connection with the endpoint within four seconds" and the endpoint "must
 * respond with an HTTP status code ... within two seconds after connecting"; TCP has ten seconds to
 * connect (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is
 * healthy"). The request interval runs from one response to the next request ("Values that you
 * specify when you create or update health checks", Request interval), so each check costs up to
 * interval + these.
 */
function checkTimeoutsOf(protocol: EndpointHealthCheckProtocol): { seconds: number; source: string } {
  return protocol === EndpointHealthCheckProtocol.TCP
    ? { seconds: 10, source: 'TCP: 10 s to connect; the interval runs from a response to the next request (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy")' }
    : { seconds: 6, source: 'HTTP(S): 4 s to connect + 2 s to the status; the interval runs from a response to the next request (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy")' };
}

/**
 * Route 53 "does not support 'M out of N' alarms" and its copy of an alarm's settings holds
 * EvaluationPeriods but no DatapointsToAlarm (Route 53 Developer Guide, "Values that you specify
 * when you create or update health checks", Monitoring a CloudWatch alarm; API Reference,
 * CloudWatchAlarmConfiguration), so such an alarm behind a Route 53 check is refused.
 */
function checkAlarmForRoute53(r: RoutedRegion): void {
  const alarm = r.healthAlarm!;
  if (!(alarm instanceof cloudwatch.Alarm)) return;
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const stack = Stack.of(cfn);
  const n = stack.resolve(cfn.evaluationPeriods);
  const m = stack.resolve(cfn.datapointsToAlarm);
  if (typeof n === 'number' && typeof m === 'number' && m < n) {
    throw new Error(`healthAlarm of '${r.region}' (${alarm.node.path}) alarms on ${m} of ${n} datapoints (DatapointsToAlarm ${m} < EvaluationPeriods ${n}), `
      + 'but Route 53 "does not support M out of N alarms" (Route 53 Developer Guide, "Values that you specify when you create or update health checks"); '
      + `use an alarm with DatapointsToAlarm equal to EvaluationPeriods, or better a deepHealthUrl that Route 53 checks directly.`);
  }
  if (cfn.metrics !== undefined) {
    throw new Error(`healthAlarm of '${r.region}' (${alarm.node.path}) uses metric math, which Route 53 alarm-based health checks do not support (Route 53 Developer Guide, "Values that you specify when you create or update health checks").`);
  }
}

/** A short digest of the alarm settings Route 53 copies, for the alarm check's id (empty for an imported alarm). */
function alarmSettingsDigest(alarm: cloudwatch.IAlarm): string {
  if (!(alarm instanceof cloudwatch.Alarm)) return '';
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const stack = Stack.of(cfn);
  const settings = [cfn.metricName, cfn.namespace, cfn.dimensions, cfn.statistic, cfn.extendedStatistic, cfn.period, cfn.evaluationPeriods,
    cfn.datapointsToAlarm, cfn.threshold, cfn.comparisonOperator, cfn.treatMissingData, cfn.unit].map((v) => stack.resolve(v) ?? null);
  return `-${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8)}`;
}

function healthCheckTypeOf(protocol: EndpointHealthCheckProtocol): route53.HealthCheckType {
  switch (protocol) {
    case EndpointHealthCheckProtocol.HTTP: return route53.HealthCheckType.HTTP;
    case EndpointHealthCheckProtocol.TCP: return route53.HealthCheckType.TCP;
    default: return route53.HealthCheckType.HTTPS;
  }
}

function checkCheckerRegions(regions: string[] | undefined): string[] | undefined {
  if (regions === undefined) return undefined;
  const unknown = regions.filter((r) => !ROUTE53_CHECKER_REGIONS.includes(r));
  if (unknown.length > 0) {
    throw new Error(`healthCheckRegions ${unknown.join(', ')} cannot run Route 53 health checkers; choose from ${ROUTE53_CHECKER_REGIONS.join(', ')}.`);
  }
  if (new Set(regions).size < 3) {
    throw new Error(`healthCheckRegions has ${new Set(regions).size} distinct Region(s) (${regions.join(', ')}); Route 53 needs at least three, or leave it out to let Route 53 choose.`);
  }
  return regions;
}

/** The zone's name; a zone imported by id alone has none, and the record could not be checked against it. */
function zoneNameOf(zone: route53.IHostedZone): string {
  try {
    return zone.zoneName;
  } catch {
    throw new Error(`hosted zone ${zone.node.path} has no name (imported with fromHostedZoneId); import it with HostedZone.fromHostedZoneAttributes(scope, id, { hostedZoneId, zoneName }).`);
  }
}

/** Route 53 TTLs are whole seconds from 0 to 2147483647 (API Reference, ResourceRecordSet, TTL). */
function validateRecordTtl(scope: Construct, ttl: Duration): void {
  const ms = ttl.toMilliseconds();
  if (ms % 1000 !== 0 || ms / 1000 > 2147483647) {
    throw validationError('InvalidRecordTtl', `TTL of ${ms} ms is not valid; Route 53 accepts 0 to 2147483647 seconds, in whole seconds.`, scope);
  }
}
