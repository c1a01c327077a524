// The API that went from the TypeScript surface before 0.1.0 without a deprecation, restored as
// deprecated aliases in 0.2.0 (CHANGELOG.md): LagProbeDatabase.dsqlPeers and the string form of
// ProbesDashboard.addRoute53HealthChecks. They keep a pre-0.1.0 app compiling and doing what it did.
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DsqlPeeredClusters, LagProbeDatabase, MultiRegionApp, MultiRegionProbes } from '../../lib';
import { newTestApp, TEST_ACCOUNT } from '../helpers/app';

function build() {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Shop', {
    activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT, stackNamePrefix: 'shop',
  });
  const dsql = new DsqlPeeredClusters(topology, 'Db', { topology });
  return { app, topology, dsql };
}

describe('LagProbeDatabase.dsqlPeers (deprecated)', () => {
  test('both directions of the pair, each probed from the Region of the peering resource', () => {
    const { dsql } = build();
    const [home, other] = dsql.peerRegions;
    const pairs = LagProbeDatabase.dsqlPeers(dsql);
    expect(pairs.map((p) => [p.writerRegion, p.readerRegion, p.probeRegion])).toEqual([[home, other, home], [other, home, home]]);
  });

  test('as MultiRegionProbes lagDatabases: DSQL endpoints in the lag probe config, admin tokens on both clusters', () => {
    const { topology, dsql } = build();
    new MultiRegionProbes(topology, 'Probes', {
      topology,
      healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
      lagDatabases: LagProbeDatabase.dsqlPeers(dsql),
    });
    const [home] = dsql.peerRegions;
    const template = Template.fromStack(topology.regionalStack(home));
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { LAG_PROBE_CONFIG: Match.anyValue() } } } });
    expect(Object.keys(functions)).toHaveLength(2);
    const config = JSON.stringify(Object.values(functions).map((f) => f.Properties.Environment.Variables.LAG_PROBE_CONFIG));
    expect(config).toContain('\\"kind\\":\\"dsql\\"');
    expect(config).toContain('\\"user\\":\\"admin\\"');
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string; Resource: unknown[] }>)
      .filter((s) => s.Action === 'dsql:DbConnectAdmin');
    // One per probe, each on the two clusters of the pair.
    expect(statements.map((s) => s.Resource.length)).toEqual([2, 2]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('"dsql:DbConnect"');
  });

  test('a role other than admin gets dsql:DbConnect only', () => {
    const { topology, dsql } = build();
    new MultiRegionProbes(topology, 'Probes', {
      topology,
      healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
      lagDatabases: LagProbeDatabase.dsqlPeers(dsql, 'probe'),
    });
    const policies = JSON.stringify(Template.fromStack(topology.regionalStack(dsql.peerRegions[0])).findResources('AWS::IAM::Policy'));
    expect(policies).toContain('"dsql:DbConnect"');
    expect(policies).not.toContain('dsql:DbConnectAdmin');
  });
});

describe('ProbesDashboard.addRoute53HealthChecks with ids (deprecated)', () => {
  function dashboard(ids: boolean) {
    const { topology } = build();
    const probes = new MultiRegionProbes(topology, 'Probes', {
      topology,
      healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
    });
    if (ids) probes.dashboard.addRoute53HealthChecks(['hc-east-1', 'hc-east-2']);
    else probes.dashboard.addRoute53HealthChecks([{ region: 'us-east-1', healthCheckId: 'hc-east-1' }]);
    return { stack: topology.globalStack, body: JSON.stringify(Template.fromStack(topology.globalStack).findResources('AWS::CloudWatch::Dashboard')) };
  }

  test('draws the HealthCheckStatus of each id from us-east-1, labelled by id, and warns at synth', () => {
    const { stack, body } = dashboard(true);
    expect(body).toContain('Route 53 health checks (1 = healthy)');
    expect(body).toMatch(/\\"AWS\/Route53\\",\\"HealthCheckStatus\\",\\"HealthCheckId\\",\\"hc-east-1\\",\{\\"label\\":\\"hc-east-1\\",\\"region\\":\\"us-east-1\\"/);
    expect(body).toContain('hc-east-2');
    expect(body).not.toContain('HealthCheckPercentageHealthy');
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('addRoute53HealthChecks\\(ids: string\\[\\]\\) is deprecated'));
  });

  test('the reference form draws both graphs and does not warn', () => {
    const { stack, body } = dashboard(false);
    expect(body).toContain('HealthCheckPercentageHealthy');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('is deprecated'));
  });
});
