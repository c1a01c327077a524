import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DsqlPeeredClusters, DsqlProbe, DsqlProbeProps, MultiRegionApp, MultiRegionProbes } from '../../lib';
import { alarmsOf } from '../../lib/private/alarm-registry';
import { TEST_ACCOUNT, newTestApp, stackIn } from '../helpers/app';

const EAST1 = { region: 'us-east-1', endpoint: 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws', clusterArn: `arn:aws:dsql:us-east-1:${TEST_ACCOUNT}:cluster/abcdefghijklmnopqrstuvwxyz` };
const EAST2 = { region: 'us-east-2', endpoint: 'zyxwvutsrqponmlkjihgfedcba.dsql.us-east-2.on.aws', clusterArn: `arn:aws:dsql:us-east-2:${TEST_ACCOUNT}:cluster/zyxwvutsrqponmlkjihgfedcba` };

function probe(props: Partial<DsqlProbeProps> = {}, region = 'us-east-1', app: App = newTestApp()): { stack: Stack; probe: DsqlProbe; template: Template } {
  const stack = stackIn(app, `Stack-${region}`, region);
  const p = new DsqlProbe(stack, 'Dsql', { cluster: EAST1, peer: EAST2, ...props });
  return { stack, probe: p, template: Template.fromStack(stack) };
}

describe('DsqlProbe with a peer', () => {
  const { stack, probe: p, template } = probe({ databaseName: 'orders' });

  test('an ARM64 Lambda every minute, with both endpoints in its configuration', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 256,
      Environment: { Variables: { PROBES_PER_RUN: '1', DSQL_PROBE_CONFIG: Match.serializedJson(Match.objectLike({
        namespace: 'MultiRegion/Probes', database: 'orders', schema: 'mrcdk_probe', table: 'multi_region_consistency_probe',
        local: { kind: 'dsql', host: EAST1.endpoint, region: 'us-east-1', user: 'mrcdk_probe' },
        peer: { kind: 'dsql', host: EAST2.endpoint, region: 'us-east-2', user: 'mrcdk_probe' },
      })) } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  test('least privilege: its own database role, dsql:DbConnect on exactly the two clusters, never DbConnectAdmin', () => {
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{
      Action: 'dsql:DbConnect', Effect: 'Allow', Resource: [EAST1.clusterArn, EAST2.clusterArn],
    }] } });
    expect(JSON.stringify(template.toJSON())).not.toContain('DbConnectAdmin');
    expect([p.databaseRole, p.schemaName, p.tableName]).toEqual(['mrcdk_probe', 'mrcdk_probe', 'multi_region_consistency_probe']);
  });

  test('admin only when asked (databaseRole or its deprecated alias databaseUser): DbConnectAdmin, table in public', () => {
    for (const props of [{ databaseRole: 'admin' }, { databaseUser: 'admin' }]) {
      const { template: t, probe: q } = probe(props);
      t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: [EAST1.clusterArn, EAST2.clusterArn] }] } });
      expect(q.schemaName).toBe('public');
    }
  });

  test('a critical read-after-write alarm: any violation, either way, in one minute', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('^CRITICAL: a read right after a commit missed the row'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([ab, ba])' }),
        Match.objectLike({ MetricStat: Match.objectLike({ Stat: 'Maximum', Metric: Match.objectLike({ MetricName: 'ReadAfterWriteViolation', Dimensions: [
          { Name: 'Database', Value: 'orders' }, { Name: 'ReaderRegion', Value: 'us-east-2' }, { Name: 'WriterRegion', Value: 'us-east-1' },
        ] }) }) }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ReadAfterWriteViolation', Dimensions: Match.arrayWith([{ Name: 'WriterRegion', Value: 'us-east-2' }]) }) }) }),
      ]),
    });
    expect(p.consistencyViolationAlarm).toBeDefined();
  });

  test('unreachable alarm over both endpoints, not-running alarm, and no lag alarm at all', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MIN([local, peer])' })]), Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EndpointReachable', Statistic: 'SampleCount', TreatMissingData: 'breaching', EvaluationPeriods: 5 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(JSON.stringify(template.toJSON())).not.toContain('ReplicationLag');
  });

  test('every alarm is registered', () => {
    expect(alarmsOf(stack)).toEqual([p.consistencyViolationAlarm, p.unreachableAlarm, p.probeNotRunningAlarm]);
  });

  test('metric helpers', () => {
    expect(p.metricCommitLatency().dimensions).toEqual({ Database: 'orders', Region: 'us-east-1' });
    expect(p.metricEndpointReachable('us-east-2').dimensions).toEqual({ Database: 'orders', Region: 'us-east-2' });
    expect(p.metricReadAfterWriteViolation('us-east-2', 'us-east-1').dimensions).toEqual({ Database: 'orders', WriterRegion: 'us-east-2', ReaderRegion: 'us-east-1' });
    expect(() => p.metricReadAfterWriteViolation('us-east-1', 'us-east-1')).toThrow(/checks no read-after-write from 'us-east-1' to 'us-east-1'/);
    expect(() => p.metricEndpointReachable('eu-west-1')).toThrow(/connects to no cluster in 'eu-west-1'/);
  });
});

describe('DsqlProbe without a peer', () => {
  test('commit latency and reachability only: one cluster ARN, no violation alarm; a custom role needs only DbConnect', () => {
    const { probe: p, template } = probe({ cluster: EAST2, peer: undefined, databaseUser: 'probe' }, 'us-east-2');
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Action: 'dsql:DbConnect', Effect: 'Allow', Resource: EAST2.clusterArn }] } });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({
      DSQL_PROBE_CONFIG: Match.serializedJson(Match.objectLike({ local: Match.objectLike({ region: 'us-east-2', user: 'probe' }), peer: Match.absent() })),
    }) } });
    expect(p.consistencyViolationAlarm).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EndpointReachable', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
    expect(() => p.metricReadAfterWriteViolation('us-east-2', 'us-east-1')).toThrow(/it has no peer/);
  });
});

test('an optional commit-latency alarm on the p90, registered', () => {
  const { stack, probe: p, template } = probe({ commitLatencyThreshold: Duration.millis(250) });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'CommitLatency', ExtendedStatistic: 'p90', Threshold: 250, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2,
    Dimensions: [{ Name: 'Database', Value: 'dsql' }, { Name: 'Region', Value: 'us-east-1' }],
  });
  expect(alarmsOf(stack)).toContain(p.commitLatencyAlarm);
  expect(probe().probe.commitLatencyAlarm).toBeUndefined();
});

describe('DsqlProbe validation', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['a cluster of another Region', () => probe({}, 'us-east-2'), /is in a stack of us-east-2 but its cluster is in 'us-east-1'/],
    ['a peer in its own Region', () => probe({ peer: { region: 'us-east-1', endpoint: 'zyxwvutsrqponmlkjihgfedcba.dsql.us-east-1.on.aws', clusterArn: `arn:aws:dsql:us-east-1:${TEST_ACCOUNT}:cluster/zyxwvutsrqponmlkjihgfedcba` } }), /peer is in 'us-east-1', the probe's own Region/],
    ['a peer that is the probe\'s own cluster', () => probe({ peer: EAST1 }, 'us-east-1'), /peer is in 'us-east-1'|peer is the probe's own cluster/],
    ['a cluster ARN of another Region than its region', () => probe({ peer: { ...EAST2, region: 'us-west-2' } }), /peer: clusterArn '.*' is in us-east-2 but region is 'us-west-2'; give the Region of the cluster/],
    ['an endpoint of another cluster than the ARN', () => probe({ peer: { ...EAST2, endpoint: 'other.dsql.us-east-2.on.aws' } }), /endpoint 'other.dsql.us-east-2.on.aws' is not the endpoint of .*; it is zyxwvutsrqponmlkjihgfedcba.dsql.us-east-2.on.aws/],
    ['a database role and its deprecated alias that disagree', () => probe({ databaseRole: 'mrcdk_probe', databaseUser: 'admin' }), /databaseRole \(mrcdk_probe\) and its deprecated alias databaseUser \(admin\) disagree/],
    ['a timeout over 10 s', () => probe({ timeout: Duration.seconds(20) }), /timeout of 20000 ms is not valid; use 1 to 10 seconds/],
    ['a bad schema', () => probe({ schemaName: 'My Schema' }), /schemaName 'My Schema' is not valid/],
    ['a bad cluster ARN', () => probe({ peer: { ...EAST2, clusterArn: 'arn:aws:rds:us-east-2:1:db:x' } }), /peer.clusterArn .* is not a DSQL cluster ARN/],
    ['a bad endpoint', () => probe({ cluster: { ...EAST1, endpoint: 'https://x' } }), /cluster.endpoint 'https:\/\/x' is not a host name/],
    ['a bad database name', () => probe({ databaseName: 'a b' }), /databaseName 'a b' is not valid/],
    ['a bad table name', () => probe({ tableName: 'Drop Table' }), /tableName 'Drop Table' is not valid/],
    ['an unknown Region', () => probe({ peer: { ...EAST2, region: 'mars-1' } }), /mars-1/],
    ['an environment-agnostic stack', () => new DsqlProbe(new Stack(newTestApp(), 'Agnostic'), 'D', { cluster: EAST1 }), /concrete Region/],
  ])('rejects %s', (_name, build, error) => {
    expect(build).toThrow(error);
  });
});

describe('MultiRegionProbes with a DSQL pair', () => {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT });
  const dsql = new DsqlPeeredClusters(topology, 'Dsql', { topology });
  const probes = new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }], dsqlClusterArn: dsql.clusterArn(region) })),
    dsqlPairs: [dsql],
  });

  test('a probe in each Region, the one with the peer in the Region of the peering resource, and no lag probe', () => {
    expect(probes.dsqlProbes.map((p) => [p.region, p.peerRegion, p.databaseName])).toEqual([['us-east-1', 'us-east-2', 'Dsql'], ['us-east-2', undefined, 'Dsql']]);
    expect(probes.lagProbes).toEqual([]);
    for (const region of topology.activeRegions) {
      const t = Template.fromStack(topology.regionalStack(region));
      expect(JSON.stringify(t.toJSON())).not.toContain('ReplicationLag');
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EndpointReachable', Statistic: 'SampleCount' });
    }
    // The us-east-2 probe references only its own cluster: the regional stacks do not reference each other.
    expect(topology.regionalStack('us-east-2').dependencies.map((s) => s.region)).not.toContain('us-east-1');
  });

  test('the dashboard has commit latency, reachability and read-after-write rows; the app synthesizes without a cycle', () => {
    const body = JSON.stringify(Template.fromStack(topology.globalStack).findResources('AWS::CloudWatch::Dashboard'));
    for (const expected of ['CommitLatency', 'EndpointReachable', 'ReadAfterWriteViolation', 'read-after-write violations (must stay 0)', 'Dsql us-east-2: commit latency']) {
      expect(body).toContain(expected);
    }
    expect(() => app.synth()).not.toThrow();
  });

  test('rejects a pair outside the active Regions', () => {
    const t = new MultiRegionApp(newTestApp(), 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT });
    const pair = new DsqlPeeredClusters(t, 'Dsql', { topology: t });
    const t2 = new MultiRegionApp(newTestApp(), 'Other', { activeRegions: ['us-east-1', 'eu-west-1'], account: TEST_ACCOUNT });
    expect(() => new MultiRegionProbes(t2, 'Probes', {
      topology: t2, dsqlPairs: [pair],
      healthTargets: t2.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
    })).toThrow(/'us-east-2', which is not an active Region/);
  });
});
