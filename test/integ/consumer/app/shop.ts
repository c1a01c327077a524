// The shop's multi-Region service (see app.ts), built under `scope`: the App itself, or a CDK
// Pipelines Stage (pipeline-app.ts). Context (account, domain) is read from the scope.
import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import {
  AcceleratorRouting, AlarmTopics, DnsRouting, DsqlDatabaseRole, DsqlPeeredClusters, MinimalRegionalEndpoint,
  MultiRegionProbes, MultiRegionTopology, RegionalAuditTrail, RoutedRegion,
} from 'multi-region-cdk';

export function buildShop(scope: Construct): MultiRegionTopology {
  const app = scope;
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
      // The load balancer's only target is the Region's deep health (DSQL connect as mrcdk_health).
      deepHealth: { dsql: { clusterArn: dsql.clusterArn(region) } },
    });
  });
  // The deep-health functions' database role, for the pair, in the peering Region's stack.
  new DsqlDatabaseRole(topology.regionalStack(dsql.peerRegions[0]), 'DeepHealthDatabaseRole', {
    peeredClusters: dsql,
    roleName: 'mrcdk_health',
    iamRoles: endpoints.map((e) => e.deepHealth!.function.role!),
    logEncryptionKey: topology.regionalKey(dsql.peerRegions[0]),
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
    // Route 53 checks the deep-health URL itself; target health follows the same deep health.
    deepHealthUrl: endpoints[i].deepHealth!.url,
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
  // The team's one decision about the pack's advice (a warning): its game days run from another app.
  Validations.of(scope).acknowledge({ id: 'MultiRegionChecks::MultiRegion-GD1', reason: 'The shop drills Region evacuation from its game-day app.' });
  return topology;
}
