import { Template } from 'aws-cdk-lib/assertions';
import { buildDefaultApp } from '../../bin/default-app';
import { newTestApp } from '../helpers/app';

// What the "done when" asks of the default app's synth.
test('the default app has two encrypted, deletion-protected DSQL clusters with one witness and one peering resource', () => {
  const topology = buildDefaultApp(newTestApp());
  const templates = topology.regionalStacks.map((s) => Template.fromStack(s));
  const clusters = templates.flatMap((t) => Object.values(t.findResources('AWS::DSQL::Cluster')) as any[]);
  expect(clusters).toHaveLength(2);
  for (const c of clusters) {
    expect(c.Properties.KmsEncryptionKey).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RegionalKey/), 'Arn'] });
    expect(c.Properties.DeletionProtectionEnabled).toBe(true);
    expect(c.Properties.MultiRegionProperties.WitnessRegion).toBe('us-west-2');
  }
  // us-east-1's cluster is created with its peer's ARN (documented "peer during creation"); us-east-2's with the witness alone.
  expect(clusters.map((c) => c.Properties.MultiRegionProperties.Clusters?.length ?? 0)).toEqual([1, 0]);
  expect(templates.map((t) => Object.keys(t.findResources('Custom::DsqlPeering')).length)).toEqual([1, 0]);
});
