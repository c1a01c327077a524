import * as ssm from 'aws-cdk-lib/aws-ssm';
import { MultiRegionApp } from '../../lib';
import { newTestApp } from '../helpers/app';
import { findCrossRegionKeyUses } from '../helpers/cross-region-keys';

// The check the default app's test relies on must itself catch a key crossing Regions.
describe('findCrossRegionKeyUses', () => {
  test('catches a key ARN exported to a stack of another Region', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111' });
    new ssm.StringParameter(topology.regionalStack('us-east-2'), 'ForeignKey', { stringValue: topology.regionalKey('us-east-1').keyArn });
    const uses = findCrossRegionKeyUses(app.synth());
    expect(uses).toEqual([expect.objectContaining({ stack: 'Shop-us-east-1', stackRegion: 'us-east-1', detail: expect.stringMatching(/exports key RegionalKey\w+ .* to us-east-2/) })]);
  });

  test('catches a literal key ARN of another Region', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111' });
    new ssm.StringParameter(topology.globalStack, 'Literal', { stringValue: 'arn:aws:kms:eu-west-1:111111111111:key/abc' });
    expect(findCrossRegionKeyUses(app.synth())).toEqual([expect.objectContaining({ stack: 'Shop-global', detail: expect.stringContaining('literal key ARN of eu-west-1') })]);
  });

  test('finds nothing when every key stays home', () => {
    const app = newTestApp();
    new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111' });
    expect(findCrossRegionKeyUses(app.synth())).toEqual([]);
  });
});
