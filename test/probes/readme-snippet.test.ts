import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DnsRouting, DsqlPeeredClusters, LagProbeDatabase, MinimalRegionalEndpoint, MultiRegionApp, MultiRegionProbes, RegionalEndpoint } from '../../lib';
import { TEST_ACCOUNT, newTestApp } from '../helpers/app';

/** The README's Probes snippet, verbatim between the markers, must compile and synthesize without a stack cycle. */
test('the README Probes snippet compiles and synthesizes', () => {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Readme', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(topology.globalStack, 'Zone', { hostedZoneId: 'Z0000000000000000000', zoneName: 'example.com' });
  const endpoints: Record<string, RegionalEndpoint> = {};
  for (const region of topology.activeRegions) {
    const stack = topology.regionalStack(region);
    endpoints[region] = new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: 'app.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0000000000000000000', zoneName: 'example.com' }),
      encryptionKey: topology.regionalKey(region),
    }).endpoint;
  }
  const ordersSecret = secretsmanager.Secret.fromSecretNameV2(topology.regionalStack('us-east-1'), 'OrdersSecret', 'orders/probe');

  // README snippet: begin
  const dsql = new DsqlPeeredClusters(topology, 'Dsql', { topology });
  const probes = new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region) => ({
      region,
      targets: [{ name: 'api', url: `https://${region}.app.example.com/health`, bodyContains: 'ok' }],
      dsqlClusterArn: dsql.clusterArn(region), // optional: GetCluster; ACTIVE, IDLE, INACTIVE, UPDATING = healthy
    })),
    // Synchronous: commit latency per Region, read-after-write both ways; no lag alarms.
    dsqlPairs: [dsql],
    // Asynchronous replicas: ReplicationLag with the 1 s / 5 s bands.
    lagDatabases: [LagProbeDatabase.postgres({
      writerRegion: 'us-east-1', writerConnectionString: 'postgres://probe@orders.cluster-abc.us-east-1.rds.amazonaws.com:5432/orders',
      readerRegion: 'us-east-2', readerConnectionString: 'postgres://probe@orders.cluster-ro-def.us-east-2.rds.amazonaws.com:5432/orders',
      passwordSecret: ordersSecret,
    })],
  });

  // Routing, in the us-east-1 global stack, follows each Region's endpoint (and, given a deepHealthUrl,
  // its deep health; see Routing). The probes' 2-of-3 alarm pages people and triggers the Region
  // switch plan; Route 53 does not support M-out-of-N alarms, so it stays out of DNS...
  const dns = new DnsRouting(topology.globalStack, 'Dns', {
    topology,
    hostedZone,
    recordName: 'app.example.com',
    regions: topology.activeRegions.map((region) => ({
      region, endpoint: endpoints[region],
    })),
  });
  // ...and the dashboard, in that same global stack, shows what Route 53's checkers see.
  probes.dashboard.addRoute53HealthChecks(topology.activeRegions.map((region) => ({
    region,
    healthCheckId: dns.healthCheck(region).healthCheckId,                 // HealthCheckStatus
    endpointHealthCheckId: dns.endpointHealthCheck(region).healthCheckId, // HealthCheckPercentageHealthy
  })));
  // README snippet: end

  expect(() => app.synth()).not.toThrow();
  const body = JSON.stringify(Template.fromStack(topology.globalStack).findResources('AWS::CloudWatch::Dashboard'));
  expect(body).toContain('HealthCheckPercentageHealthy');
  expect(probes.lagProbes).toHaveLength(1);
  expect(probes.dsqlProbes).toHaveLength(2);
});

test('the README shows exactly the snippet this file compiles', () => {
  // The README's block also imports what it uses (test/readme type-checks it); the imports are this file's own.
  const squash = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('import ')).join('\n');
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Probes'));
  const fenced = section.slice(section.indexOf('```ts') + 5, section.indexOf('```', section.indexOf('```ts') + 5));
  const self = fs.readFileSync(__filename, 'utf8');
  const snippet = self.slice(self.indexOf('// README snippet: begin') + '// README snippet: begin'.length, self.indexOf('// README snippet: end'));
  expect(squash(fenced)).toEqual(squash(snippet));
});
