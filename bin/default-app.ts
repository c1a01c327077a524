import { App, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AcceleratorRouting, DnsRouting, DsqlPeeredClusters, LagProbeDatabase, MinimalRegionalEndpoint, MultiRegionApp,
  MultiRegionChecks, MultiRegionProbes, RegionalAuditTrail, RoutedRegion,
} from '../lib';
import { CONTEXT, requireContext } from './context';

/**
 * The default example: us-east-1 and us-east-2 active, us-west-2 as witness, with the
 * placeholder account and domain from cdk.json, checked by cdk-nag's AwsSolutions pack and
 * this library's MultiRegionChecks.
 */
export function buildDefaultApp(app: App): MultiRegionApp {
  const topology = new MultiRegionApp(app, 'MultiRegion', {
    activeRegions: ['us-east-1', 'us-east-2'],
    witnessRegion: 'us-west-2',
    account: requireContext(app, CONTEXT.account),
    stackNamePrefix: 'multi-region',
  });
  const domainName = requireContext(app, CONTEXT.domainName);
  const hostedZoneId = requireContext(app, CONTEXT.hostedZoneId);
  const recordName = `app.${domainName}`;

  // Data: Aurora DSQL clusters in us-east-1 and us-east-2, peered with us-west-2 as witness.
  const dsql = new DsqlPeeredClusters(topology, 'Dsql', { topology });

  // A placeholder load balancer per Region (replace with the service's own), reachable as
  // app.<domain> through routing and as <region>.app.<domain> by the probes.
  const endpoints = topology.activeRegions.map((region) => {
    const stack = topology.regionalStack(region);
    return new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: recordName,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: domainName }),
      encryptionKey: topology.regionalKey(region),
    });
  });

  // Probes: each Region's deep health (its endpoint and its DSQL cluster) and the lag both ways.
  const probes = new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region, i) => ({
      region,
      targets: [{ name: 'api', url: endpoints[i].regionalHealthUrl }],
      dsqlClusterArn: dsql.clusterArn(region),
    })),
    lagDatabases: LagProbeDatabase.dsqlPeers(dsql),
  });

  // Routing: latency records and an accelerator. A Region leaves DNS when its endpoint check
  // or its probe's "Region unhealthy" alarm fails, so a Region whose database is down stops
  // taking traffic even while its load balancer answers.
  const routedRegions: RoutedRegion[] = topology.activeRegions.map((region, i) => ({
    region,
    endpoint: endpoints[i].endpoint,
    healthAlarm: probes.regionUnhealthyAlarm(region),
  }));
  const dns = new DnsRouting(topology.globalStack, 'Dns', {
    topology,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId, zoneName: domainName }),
    recordName,
    regions: routedRegions,
  });
  new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: routedRegions });
  probes.dashboard.addRoute53HealthChecks(topology.activeRegions.map((region) => dns.healthCheck(region).healthCheckId));

  // Audit: an immutable, encrypted CloudTrail trail per active Region, its logs kept in that Region.
  new RegionalAuditTrail(topology, 'AuditTrail', { topology });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
  return topology;
}
