import { Duration, Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DsqlPeeredClusters, HealthProbe, MultiRegionApp, MultiRegionProbes, MultiRegionProbesProps } from '../../lib';
import { TEST_ACCOUNT, newTestApp, stackIn } from '../helpers/app';

/**
 * One ProbeSettings struct for HealthProbe and DsqlProbe, passed through by MultiRegionProbes
 * (schedule, timeout, alarm datapoints and periods, log retention, namespace, database role).
 */
function build(extra: Partial<MultiRegionProbesProps> = {}) {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT });
  const dsql = new DsqlPeeredClusters(topology, 'Orders', { topology });
  const probes = new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
    dsqlPairs: [dsql],
    ...extra,
  });
  return { topology, probes, dsql };
}

describe('MultiRegionProbes passes the probe settings through', () => {
  const { topology, probes } = build({
    probeSettings: { namespace: 'Shop/Probes', probesPerRun: 2, datapointsToAlarm: 3, evaluationPeriods: 5, notRunningEvaluationPeriods: 7, logRetention: logs.RetentionDays.TWO_YEARS },
    healthProbeSettings: { timeout: Duration.seconds(3), datapointsToAlarm: 4 },
    dsqlProbeSettings: { databaseRole: 'shop_probe', schemaName: 'shop_probe', timeout: Duration.seconds(2), commitLatencyThreshold: Duration.millis(80) },
  });

  test.each(['us-east-1', 'us-east-2'])('the health probe of %s: its own datapoints over the shared ones, the shared periods, namespace and schedule', (region) => {
    const t = Template.fromStack(topology.regionalStack(region));
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RegionHealthy', Namespace: 'Shop/Probes', DatapointsToAlarm: 4, EvaluationPeriods: 5 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RegionHealthy', EvaluationPeriods: 7, Namespace: 'Shop/Probes' });
    t.hasResourceProperties('AWS::Lambda::Function', { Description: `Health probe of ${region}`, Environment: { Variables: Match.objectLike({ PROBES_PER_RUN: '2', HEALTH_PROBE_CONFIG: Match.serializedJson(Match.objectLike({ timeoutMs: 3000 })) }) } });
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
    expect(probes.healthProbe(region).unhealthyDatapointsToAlarm).toBe(4);
  });

  test('the DSQL probes: database role, schema, timeout, alarm datapoints and periods', () => {
    for (const p of probes.dsqlProbes) {
      expect([p.databaseRole, p.schemaName, p.namespace]).toEqual(['shop_probe', 'shop_probe', 'Shop/Probes']);
      const t = Template.fromStack(topology.regionalStack(p.region));
      const fn = t.toJSON().Resources[Stack.of(p).getLogicalId(p.probeFunction.node.defaultChild as CfnFunction)];
      expect(fn.Properties.Environment.Variables.PROBES_PER_RUN).toBe('2');
      // The configuration holds the endpoints (deploy-time values), so it renders as an Fn::Join of JSON pieces.
      const config = JSON.stringify(fn.Properties.Environment.Variables.DSQL_PROBE_CONFIG);
      for (const piece of ['\\"schema\\":\\"shop_probe\\"', '\\"connectTimeoutMs\\":2000', '\\"user\\":\\"shop_probe\\"']) expect(config).toContain(piece);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CommitLatency', Threshold: 80, DatapointsToAlarm: 3, EvaluationPeriods: 5 });
    }
  });

  test('the pair\'s database role: in the peering\'s stack, after the peering, both probes\' IAM roles, the probe schema', () => {
    expect(probes.dsqlDatabaseRoles).toHaveLength(1);
    const home = Template.fromStack(topology.regionalStack('us-east-1'));
    const resources = home.findResources('Custom::DsqlDatabaseRole');
    const [role] = Object.values(resources) as any[];
    expect(role.Properties).toMatchObject({ RoleName: 'shop_probe', SchemaName: 'shop_probe', SchemaPrivileges: ['USAGE', 'CREATE'], Region: 'us-east-1' });
    expect(role.Properties.IamRoleArns).toHaveLength(2);
    // The us-east-2 probe's role arrives through a cross-Region reference (us-east-1 already reads us-east-2).
    expect(JSON.stringify(role.Properties.IamRoleArns)).toContain('ExportsReader');
    expect(role.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^OrdersPeering/)]));
    Template.fromStack(topology.regionalStack('us-east-2')).resourceCountIs('Custom::DsqlDatabaseRole', 0);
  });
});

describe('deprecated aliases and refused settings', () => {
  test('the old MultiRegionProbes props still work (namespace, healthTimeout, probesPerRun, logRetention)', () => {
    const { probes } = build({ namespace: 'Old/Probes', healthTimeout: Duration.seconds(2), probesPerRun: 3, logRetention: logs.RetentionDays.TWO_YEARS });
    const h = probes.healthProbe('us-east-1');
    expect([h.namespace, h.targetTimeout.toSeconds(), h.probesPerRun]).toEqual(['Old/Probes', 2, 3]);
  });

  test('an alias that disagrees with the new name fails, naming both', () => {
    expect(() => build({ namespace: 'Old/Probes', probeSettings: { namespace: 'New/Probes' } }))
      .toThrow(/probeSettings\.namespace \(New\/Probes\) and its deprecated alias namespace \(Old\/Probes\) disagree/);
  });

  test('a log key in the settings is refused: each probe uses its own Region\'s key', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'K', 'us-east-1');
    const key = new kms.Key(stack, 'Key');
    expect(() => build({ probeSettings: { encryptionKey: key } })).toThrow(/probeSettings\.encryptionKey is set, but each probe's log group is encrypted with the key of its own Region/);
  });

  test('HealthProbe: datapointsToAlarm and its deprecated alias unhealthyDatapointsToAlarm', () => {
    const stack = stackIn(newTestApp(), 'S', 'us-east-1');
    const targets = [{ name: 'api', url: 'https://api.example.com/health' }];
    expect(new HealthProbe(stack, 'A', { targets, unhealthyDatapointsToAlarm: 3 }).unhealthyDatapointsToAlarm).toBe(3);
    expect(new HealthProbe(stack, 'B', { targets, datapointsToAlarm: 3, evaluationPeriods: 4 }).unhealthyEvaluationPeriods).toBe(4);
    expect(() => new HealthProbe(stack, 'C', { targets, datapointsToAlarm: 3, unhealthyDatapointsToAlarm: 2 })).toThrow(/datapointsToAlarm \(3\) and its deprecated alias unhealthyDatapointsToAlarm \(2\) disagree/);
  });

  test('HealthProbe refuses a DSQL cluster of another Region (it judges its own Region by it)', () => {
    const stack = stackIn(newTestApp(), 'S', 'us-east-1');
    expect(() => new HealthProbe(stack, 'H', { targets: [{ name: 'api', url: 'https://api.example.com/health' }], dsqlClusterArn: `arn:aws:dsql:us-east-2:${TEST_ACCOUNT}:cluster/abc` }))
      .toThrow(`HealthProbe 'H' in us-east-1 was given the DSQL cluster of us-east-2 (arn:aws:dsql:us-east-2:${TEST_ACCOUNT}:cluster/abc); it reads the cluster's status in its own Region and judges us-east-1's health: give the cluster of us-east-1.`);
  });
});
