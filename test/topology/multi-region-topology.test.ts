import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DnsRouting, DsqlPeeredClusters, MultiRegionApp, MultiRegionTopology, Posture, RegionalEndpoint, RegionalKey } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';

function ownStacks(app: App) {
  return {
    east1: stackIn(app, 'TeamEast1', 'us-east-1'),
    east2: stackIn(app, 'TeamEast2', 'us-east-2'),
    // created on use: an empty stack fails aws-cdk-lib's CloudFormation validation
    get dns() { return (app.node.tryFindChild('TeamDns') as Stack | undefined) ?? stackIn(app, 'TeamDns', 'us-east-1'); },
  };
}

describe('MultiRegionTopology (stacks a team already has)', () => {
  test('takes the Regions from the stacks and creates a RegionalKey in each', () => {
    const app = newTestApp();
    const { east1, east2 } = ownStacks(app);
    const topology = new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, east2], witnessRegion: 'us-west-2' });
    expect(topology.activeRegions).toEqual(['us-east-1', 'us-east-2']);
    expect(topology.regionalStack('us-east-2')).toBe(east2);
    expect(Stack.of(topology.regionalKey('us-east-1'))).toBe(east1);
    Template.fromStack(east2).resourceCountIs('AWS::KMS::Key', 1);
  });

  test('uses the keys it is given instead of creating new ones', () => {
    const app = newTestApp();
    const { east1, east2 } = ownStacks(app);
    const key = new RegionalKey(east1, 'MyKey', { alias: 'alias/team/us-east-1' });
    const topology = new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, east2], regionalKeys: [key] });
    expect(topology.regionalKey('us-east-1')).toBe(key);
    Template.fromStack(east1).resourceCountIs('AWS::KMS::Key', 1);
  });

  test('a key outside its Region\'s regional stack fails, naming the key', () => {
    const app = newTestApp();
    const { east1, east2, dns } = ownStacks(app);
    const key = new RegionalKey(dns, 'MyKey');   // us-east-1, but not the regional stack of us-east-1
    expect(() => new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, east2], regionalKeys: [key] }))
      .toThrow(/a key in us-east-1 \(TeamDns\/MyKey\) that is not in the regional stack/);
  });

  test('two keys for one Region fail', () => {
    const app = newTestApp();
    const { east1, east2 } = ownStacks(app);
    const keys = [new RegionalKey(east2, 'MyKey'), new RegionalKey(east2, 'Other', { alias: 'alias/other/us-east-2' })];
    expect(() => new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, east2], regionalKeys: keys })).toThrow(/two keys for us-east-2/);
  });

  test('a stack without a concrete Region fails with the fix', () => {
    const app = newTestApp();
    const { east1 } = ownStacks(app);
    expect(() => new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, new Stack(app, 'Agnostic')] }))
      .toThrow(/regionalStacks\[1\] \(Agnostic\) has no concrete Region/);
  });

  test('a global stack outside us-east-1 fails; a missing one fails on use', () => {
    const app = newTestApp();
    const { east1, east2 } = ownStacks(app);
    expect(() => new MultiRegionTopology(app, 'Bad', { regionalStacks: [east1, east2], globalStack: east2 }))
      .toThrow(/globalStack TeamEast2 is in 'us-east-2'; it must be in us-east-1/);
    const topology = new MultiRegionTopology(app, 'NoGlobal', { regionalStacks: [east1, east2] });
    expect(() => topology.globalStack).toThrow(/has no globalStack/);
    expect(() => topology.acceleratorStack).toThrow(/has no acceleratorStack/);
  });

  test('validates the Region set as MultiRegionApp does', () => {
    const app = newTestApp();
    const { east1, east2 } = ownStacks(app);
    expect(() => new MultiRegionTopology(app, 'T', { regionalStacks: [east1, east2], posture: Posture.ACTIVE_PASSIVE }))
      .toThrow(/needs primaryRegion/);
    expect(() => new MultiRegionTopology(app, 'T2', { regionalStacks: [east1] })).toThrow(/needs at least two/);
  });

  test('DNS routing and a peered DSQL pair go into the team\'s own stacks', () => {
    const app = newTestApp();
    const { east1, east2, dns } = ownStacks(app);
    const topology = new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, east2], globalStack: dns, witnessRegion: 'us-west-2' });
    new DsqlPeeredClusters(app, 'Orders', { topology });
    const zone = route53.HostedZone.fromHostedZoneAttributes(dns, 'Zone', { hostedZoneId: 'Z0EXAMPLE0000000000', zoneName: 'example.com' });
    new DnsRouting(dns, 'Dns', {
      topology, hostedZone: zone, recordName: 'app.example.com',
      regions: topology.activeRegions.map((region) => ({ region, endpoint: RegionalEndpoint.fromDomainName(`${region}.app.example.com`, { healthPath: '/health' }) })),
    });
    Template.fromStack(east1).resourceCountIs('AWS::DSQL::Cluster', 1);
    Template.fromStack(east2).resourceCountIs('AWS::DSQL::Cluster', 1);
    Template.fromStack(dns).resourceCountIs('AWS::Route53::HealthCheck', 2);
  });
});

describe('MultiRegionApp stackProps', () => {
  test('applies the stack properties to every stack it makes', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', {
      activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111',
      stackProps: { tags: { team: 'payments' }, analyticsReporting: false },
    });
    expect(topology.regionalStacks.map((s) => s.tags.tagValues().team)).toEqual(['payments', 'payments']);
    expect(topology.globalStack.tags.tagValues().team).toBe('payments');
  });

  test('refuses stack properties the app owns', () => {
    expect(() => new MultiRegionApp(newTestApp(), 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], stackProps: { stackName: 'x', env: { region: 'eu-west-1' } } }))
      .toThrow(/stackProps sets env, stackName/);
  });
});
