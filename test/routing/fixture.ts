import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { App } from 'aws-cdk-lib';
import { MinimalRegionalEndpoint, MultiRegionApp, Posture, RegionalEndpoint, RoutedRegion } from '../../lib';
import { newTestApp } from '../helpers/app';

export const ZONE_ID = 'Z0EXAMPLE0000000000';
export const ZONE_NAME = 'example.com';

/** Canonical hosted zone ids of ALBs, as AWS publishes them, for imported endpoints. */
const ALB_ZONE_IDS: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

export interface Fixture {
  readonly app: App;
  readonly topology: MultiRegionApp;
}

/** Active-active us-east-1 + us-east-2, or active-passive eu-west-1 (primary) + eu-central-1. */
export function newTopology(posture: Posture = Posture.ACTIVE_ACTIVE, extraContext: Record<string, unknown> = {}, existingApp?: App): Fixture {
  const app = existingApp ?? newTestApp(extraContext);
  const topology = posture === Posture.ACTIVE_ACTIVE
    ? new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111', stackNamePrefix: 'shop' })
    : new MultiRegionApp(app, 'Shop', {
      activeRegions: ['eu-west-1', 'eu-central-1'], posture, primaryRegion: 'eu-west-1', account: '111111111111', stackNamePrefix: 'shop',
    });
  return { app, topology };
}

export function zoneIn(topology: MultiRegionApp): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME });
}

export function importedArn(region: string): string {
  return `arn:aws:elasticloadbalancing:${region}:111111111111:loadbalancer/app/web/0123456789abcdef`;
}

export function importedDnsName(region: string): string {
  return `web-123456.${region}.elb.amazonaws.com`;
}

/** Load balancers imported by ARN, DNS name and canonical hosted zone id. */
export function importedRegions(topology: MultiRegionApp, healthPath = '/health'): RoutedRegion[] {
  return topology.activeRegions.map((region) => ({
    region,
    endpoint: RegionalEndpoint.fromLoadBalancerAttributes({
      loadBalancerArn: importedArn(region),
      dnsName: importedDnsName(region),
      canonicalHostedZoneId: ALB_ZONE_IDS[region],
      healthPath,
    }),
  }));
}

/** Domain-name endpoints (CNAME records). */
export function domainRegions(topology: MultiRegionApp): RoutedRegion[] {
  return topology.activeRegions.map((region) => ({
    region,
    endpoint: RegionalEndpoint.fromDomainName(`api-${region}.${ZONE_NAME}`, { healthPath: '/ping' }),
  }));
}

/** A placeholder load balancer in each regional stack, referenced across Regions. */
export function constructRegions(topology: MultiRegionApp, recordName = `app.${ZONE_NAME}`): RoutedRegion[] {
  return topology.activeRegions.map((region) => {
    const stack = topology.regionalStack(region);
    const { endpoint } = new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: recordName,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
    });
    return { region, endpoint };
  });
}

/** A "Region unhealthy" alarm in each regional stack, as the probes part provides. */
export function withAlarms(topology: MultiRegionApp, regions: RoutedRegion[]): RoutedRegion[] {
  return regions.map((r) => ({
    ...r,
    healthAlarm: new cloudwatch.Alarm(topology.regionalStack(r.region), 'RegionUnhealthy', {
      alarmName: `shop-${r.region}-unhealthy`,
      metric: new cloudwatch.Metric({ namespace: 'Shop/Health', metricName: 'DeepHealth' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    }),
  }));
}
