import * as ssm from 'aws-cdk-lib/aws-ssm';
import { MultiRegionApp } from '../../lib';
import { newTestApp } from '../helpers/app';
import { multiRegionFindings } from '../helpers/nag';

// The rules the default app's test relies on must themselves catch a key crossing Regions.
describe('key locality (MultiRegion-KMS1, MultiRegion-KMS2)', () => {
  const keyFindings = (findings: { rule: string }[]) => findings.filter((f) => /^MultiRegion-KMS[12]$/.test(f.rule));

  test('catches a key ARN exported to a stack of another Region', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111' });
    new ssm.StringParameter(topology.regionalStack('us-east-2'), 'ForeignKey', { stringValue: topology.regionalKey('us-east-1').keyArn });
    expect(keyFindings(multiRegionFindings(app))).toEqual([
      expect.objectContaining({ rule: 'MultiRegion-KMS1', path: 'Shop/us-east-1/RegionalKey/Resource' }),
    ]);
  });

  test('catches a literal key ARN of another Region', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111' });
    new ssm.StringParameter(topology.globalStack, 'Literal', { stringValue: 'arn:aws:kms:eu-west-1:111111111111:key/abc' });
    expect(keyFindings(multiRegionFindings(app))).toEqual([
      expect.objectContaining({ rule: 'MultiRegion-KMS2', path: 'Shop/global/Literal/Resource' }),
    ]);
  });

  test('finds nothing when every key stays home', () => {
    const app = newTestApp();
    new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111' });
    expect(keyFindings(multiRegionFindings(app))).toEqual([]);
  });
});
