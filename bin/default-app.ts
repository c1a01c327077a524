import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AcceleratorRouting, DnsRouting, DsqlPeeredClusters, MinimalRegionalEndpoint, MultiRegionApp, MultiRegionChecks, RoutedRegion } from '../lib';
import { CONTEXT, requireContext } from './context';

/**
 * The default example: us-east-1 and us-east-2 active, us-west-2 as witness, with the
 * placeholder account and domain from cdk.json, checked by cdk-nag's AwsSolutions pack and this library's MultiRegionChecks.
 */
export function buildDefaultApp(app: App): MultiRegionApp {
  const topology = new MultiRegionApp(app, 'MultiRegion', {
    activeRegions: ['us-east-1', 'us-east-2'],
    witnessRegion: 'us-west-2',
    account: requireContext(app, CONTEXT.account),
    stackNamePrefix: 'multi-region',
  });

  // --- Routing: latency records with health checks and an accelerator, in front of a
  // placeholder load balancer per Region (replace with the service's own). ---
  const domainName = requireContext(app, CONTEXT.domainName);
  const hostedZoneId = requireContext(app, CONTEXT.hostedZoneId);
  const recordName = `app.${domainName}`;
  const routedRegions: RoutedRegion[] = topology.activeRegions.map((region) => {
    const stack = topology.regionalStack(region);
    const endpoint = new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: recordName,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: domainName }),
      encryptionKey: topology.regionalKey(region),
    });
    return { region, endpoint: endpoint.endpoint };
  });
  new DnsRouting(topology.globalStack, 'Dns', {
    topology,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId, zoneName: domainName }),
    recordName,
    regions: routedRegions,
  });
  new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: routedRegions });
  // --- end of routing ---
  // --- data: Aurora DSQL clusters in us-east-1 and us-east-2, peered with us-west-2 as witness ---
  new DsqlPeeredClusters(topology, 'Dsql', { topology });
  // --- end data ---

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  // --- compliance: this library's multi-Region rules (lib/compliance/) ---
  Validations.of(app).addPlugins(new MultiRegionChecks(app));

  return topology;
}
