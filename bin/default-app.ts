import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AcceleratorRouting, AlarmTopics, DnsRouting, DsqlDatabaseRole, DsqlPeeredClusters, MinimalRegionalEndpoint, MultiRegionApp,
  MultiRegionChecks, MultiRegionProbes, RecoveryObjectives, RegionalAuditTrail, RegionEvacuationDrill, RegionSwitchPlan, RoutedRegion,
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
  // app.<domain> through routing and as <region>.app.<domain> by the probes. Its only target is
  // the Region's deep health (https://<region>.app.<domain>/deep-health): a connect and SELECT 1 on
  // the Region's DSQL cluster as the non-admin role mrcdk_health, cached 5 s, answered within 1.5 s.
  // The target group checks it every 5 s (3 s timeout, 2 failures), so ELB target health, and so
  // Global Accelerator, follow deep health on the data plane.
  const endpoints = topology.activeRegions.map((region) => {
    const stack = topology.regionalStack(region);
    return new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: recordName,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: domainName }),
      encryptionKey: topology.regionalKey(region),
      deepHealth: { dsql: { clusterArn: dsql.clusterArn(region) } },
    });
  });

  // The deep-health functions connect as mrcdk_health, a role without admin rights: one role for
  // the pair (peered clusters are one database), created through the peering Region's cluster.
  const [home] = dsql.peerRegions;
  new DsqlDatabaseRole(topology.regionalStack(home), 'DeepHealthDatabaseRole', {
    peeredClusters: dsql,
    roleName: 'mrcdk_health',
    iamRoles: endpoints.map((e) => e.deepHealth!.function.role!),
    logEncryptionKey: topology.regionalKey(home),
  });

  // Probes: each Region's deep health (its endpoint and its DSQL cluster), and for the DSQL pair
  // (synchronous, so no lag alarms) commit latency per Region and read-after-write both ways.
  const probes = new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region, i) => ({
      region,
      targets: [{ name: 'api', url: endpoints[i].regionalHealthUrl }],
      dsqlClusterArn: dsql.clusterArn(region),
    })),
    dsqlPairs: [dsql],
  });

  // Routing: latency records and an accelerator, both following deep health on the data plane.
  // Route 53 checks each Region's deep-health URL over HTTPS (CALCULATED with the endpoint check),
  // so a Region whose database is down leaves DNS even while its load balancer answers; no
  // CloudWatch alarm and no control plane is on the automatic path. The probes' alarms still page
  // people, feed the dashboard and trigger the Region switch plan.
  const routedRegions: RoutedRegion[] = topology.activeRegions.map((region, i) => ({
    region,
    endpoint: endpoints[i].endpoint,
    deepHealthUrl: endpoints[i].deepHealth!.url,
  }));
  const dns = new DnsRouting(topology.globalStack, 'Dns', {
    topology,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId, zoneName: domainName }),
    recordName,
    regions: routedRegions,
    // 2 failed checks of 10 s: 2 x (10 + 4 + 2) s = 32 s after the 5 s cache.
    failureThreshold: 2,
    // CNAMEs with a 10 s TTL instead of aliases, whose answers carry the load balancer's 60 s TTL:
    // the 2-minute RTO cannot absorb 60 s of resolver cache. Route 53 bills CNAME queries (alias
    // queries to a load balancer are free), and app.<domain> is not the zone apex.
    aliasRecords: false,
    ttl: Duration.seconds(10),
  });
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: routedRegions });
  // Recovery objectives this configuration meets, checked at synth against the failover budget of
  // both paths (every term in cdk.out/failover-budget.md) and the data's RPO (DSQL: synchronous, 0).
  // DNS: 5 s cache + 32 s checks + 60 s Route 53 acting (ASSUMED) + 10 s TTL = 107 s; accelerator:
  // 5 s cache + 2 x 5 s + 3 s ELB + 30 s Global Accelerator acting (ASSUMED) = 48 s.
  new RecoveryObjectives(topology, 'Objectives', { rto: Duration.minutes(2), rpo: Duration.seconds(0), dataStores: [dsql] });
  // The health checks live in the global stack, like the dashboard: no cross-stack reference.
  probes.dashboard.addRoute53HealthChecks(topology.activeRegions.map((region) => ({
    region,
    healthCheckId: dns.healthCheck(region).healthCheckId,
    endpointHealthCheckId: dns.endpointHealthCheck(region).healthCheckId,
  })));

  // Game day: a Region evacuation drill in the witness Region (which no drill takes out).
  const gameDay = new Stack(app, 'GameDay', {
    env: { account: requireContext(app, CONTEXT.account), region: topology.witnessRegion },
    stackName: 'multi-region-game-day',
    description: 'multi-region: Region evacuation drill (multi-region-cdk)',
    crossRegionReferences: true,
  });
  new RegionEvacuationDrill(gameDay, 'RegionDrill', {
    topology,
    dnsRouting: dns,
    acceleratorRouting: accelerator,
    regions: topology.activeRegions.map((region, i) => ({
      region,
      healthAlarms: [probes.regionUnhealthyAlarm(region), dns.endpointUnhealthyAlarm(region)],
      endpointDnsName: endpoints[i].endpoint.dnsName,
      // The drill's deep-health mode fails this switch, so it times the whole detection chain.
      faultSwitch: endpoints[i].deepHealth!.faultSwitch,
    })),
  });
  // An ARC Region switch plan from the same routing: the probes' alarms trigger it, a person approves.
  new RegionSwitchPlan(topology.globalStack, 'RegionSwitch', {
    topology,
    dnsRouting: dns,
    acceleratorRouting: accelerator,
    triggers: topology.activeRegions.map((region) => ({ region, alarms: [probes.regionUnhealthyAlarm(region)] })),
    // Never below the routing's failover budget (the plan refuses that at synth): the RTO of the objectives above.
    recoveryTimeObjective: Duration.minutes(2),
    manualApproval: true,
  });

  // Every alarm above (probes, Route 53 endpoint alarms) notifies an SNS topic of its own Region:
  // one per regional stack under the Region's key, and one in the global stack (us-east-1).
  // Subscribe with `subscriptions: [...]`, or through alarms.topic(region) / alarms.topicOf(stack).
  new AlarmTopics(topology, 'AlarmTopics', { topology });

  // Audit: an immutable, encrypted CloudTrail trail per Region the app changes (the active ones, us-east-1
  // for the global stack and IAM/STS/CloudFront events, us-west-2 for the accelerator and the drill),
  // each Region's logs kept in that Region.
  new RegionalAuditTrail(topology, 'AuditTrail', { topology });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
  return topology;
}
