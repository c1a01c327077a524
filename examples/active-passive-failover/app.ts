#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT, requireContext } from '../../bin/context';
import { AcceleratorRouting, AlarmTopics, DnsRouting, MinimalRegionalEndpoint, MultiRegionApp, MultiRegionChecks, Posture, RegionalAuditTrail, RoutedRegion } from '../../lib';

// A primary in eu-west-1 serving all traffic, with a warm standby in eu-central-1.
const app = new App();
const topology = new MultiRegionApp(app, 'Failover', {
  activeRegions: ['eu-west-1', 'eu-central-1'],
  posture: Posture.ACTIVE_PASSIVE,
  primaryRegion: 'eu-west-1',
  account: requireContext(app, CONTEXT.account),
  stackNamePrefix: 'failover',
});

// Routing: a PRIMARY and a SECONDARY failover record, each with an HTTPS health check, and an
// accelerator whose standby endpoint group has its traffic dial at 0 (Global Accelerator still
// fails over to it when the primary is unhealthy).
const domainName = requireContext(app, CONTEXT.domainName);
const hostedZoneId = requireContext(app, CONTEXT.hostedZoneId);
const recordName = `failover.${domainName}`;
const regions: RoutedRegion[] = topology.activeRegions.map((region) => {
  const stack = topology.regionalStack(region);
  const { endpoint } = new MinimalRegionalEndpoint(stack, 'Endpoint', {
    domainName: recordName,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: domainName }),
    encryptionKey: topology.regionalKey(region),
  });
  return { region, endpoint };
});
new DnsRouting(topology.globalStack, 'Dns', {
  topology,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId, zoneName: domainName }),
  recordName,
  regions,
});
new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
// The Route 53 endpoint alarms (global stack, us-east-1) notify an SNS topic of that Region.
new AlarmTopics(topology, 'AlarmTopics', { topology });

// An immutable, encrypted audit trail in each active Region and each other Region the app changes,
// and in us-east-1 the IAM, STS and CloudFront events (CloudTrail records them only there).
new RegionalAuditTrail(topology, 'AuditTrail', { topology });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
