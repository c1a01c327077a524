#!/usr/bin/env node
// A consumer's CDK app, compiled with tsc and run with node against the PACKED library (see
// ../global-setup.ts): a team's own stacks (its names, descriptions, tags) taken into a
// MultiRegionTopology, active-active in us-east-1/us-east-2 with us-west-2 as witness: a peered
// Aurora DSQL pair, an endpoint per Region, probes, DNS routing and an accelerator.
// python/app.py is the same app in Python; the tests assert the same things on both.
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AcceleratorRouting, AlarmTopics, DnsRouting, DsqlPeeredClusters, MinimalRegionalEndpoint, MultiRegionChecks,
  MultiRegionProbes, MultiRegionTopology, RegionalAuditTrail, RoutedRegion,
} from 'multi-region-cdk';

const app = new App();
const account: string = app.node.getContext('shop:account');
const domainName: string = app.node.getContext('shop:domainName');
const hostedZoneId: string = app.node.getContext('shop:hostedZoneId');

function teamStack(id: string, region: string): Stack {
  const props: StackProps = {
    env: { account, region },
    crossRegionReferences: true,
    description: `Shop (${region}), a stack the shop team owns`,
    tags: { team: 'shop' },
  };
  return new Stack(app, id, props);
}

const east1 = teamStack('ShopUsEast1', 'us-east-1');
const east2 = teamStack('ShopUsEast2', 'us-east-2');
const topology = new MultiRegionTopology(app, 'Shop', {
  regionalStacks: [east1, east2],
  globalStack: teamStack('ShopGlobal', 'us-east-1'),
  acceleratorStack: teamStack('ShopAccelerator', 'us-west-2'),
  witnessRegion: 'us-west-2',
  name: 'shop',
});
const recordName = `shop.${domainName}`;

const dsql = new DsqlPeeredClusters(topology, 'Db', { topology });

const endpoints = topology.activeRegions.map((region) => {
  const stack = topology.regionalStack(region);
  return new MinimalRegionalEndpoint(stack, 'Endpoint', {
    domainName: recordName,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: domainName }),
    encryptionKey: topology.regionalKey(region),
  });
});

const probes = new MultiRegionProbes(topology, 'Probes', {
  topology,
  healthTargets: topology.activeRegions.map((region, i) => ({
    region,
    // us-east-1 also watches 60 dependencies: more than Lambda's 4 KB of environment holds, so the
    // target list ships as a file beside the packaged handler bundle.
    targets: [{ name: 'api', url: endpoints[i].regionalHealthUrl },
      ...(region === 'us-east-1' ? Array.from({ length: 60 }, (_, n) => ({ name: `dependency-${n}`, url: `https://dependency-${n}.example.com/health` })) : [])],
    dsqlClusterArn: dsql.clusterArn(region),
  })),
  dsqlPairs: [dsql],
});

const regions: RoutedRegion[] = topology.activeRegions.map((region, i) => ({
  region,
  endpoint: endpoints[i].endpoint,
  healthAlarm: probes.regionUnhealthyAlarm(region),
}));
const dns = new DnsRouting(topology.globalStack, 'Dns', {
  topology,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId, zoneName: domainName }),
  recordName,
  regions,
});
new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
probes.dashboard.addRoute53HealthChecks(topology.activeRegions.map((region) => ({
  region,
  healthCheckId: dns.healthCheck(region).healthCheckId,
  endpointHealthCheckId: dns.endpointHealthCheck(region).healthCheckId,
})));
new AlarmTopics(topology, 'AlarmTopics', { topology });
new RegionalAuditTrail(topology, 'AuditTrail', { topology });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
