import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as fs from 'fs';
import * as path from 'path';
import { buildDefaultApp } from '../bin/default-app';
import { MultiRegionApp } from '../lib';
import { newTestApp } from './helpers/app';
import { findCrossRegionKeyUses } from './helpers/cross-region-keys';

let topology: MultiRegionApp;
let assembly: cxapi.CloudAssembly;

beforeAll(() => {
  const app = newTestApp();
  topology = buildDefaultApp(app);
  // Throws if cdk-nag or aws-cdk-lib's CloudFormation validation reports an open error.
  assembly = app.synth();
});

describe('the default app', () => {
  test('has one stack per active Region plus the global stacks, in the right Regions', () => {
    expect(assembly.stacks.map((s) => [s.stackName, s.environment.region, s.environment.account]).sort()).toEqual([
      ['multi-region-global', 'us-east-1', '111111111111'],
      ['multi-region-us-east-1', 'us-east-1', '111111111111'],
      ['multi-region-us-east-2', 'us-east-2', '111111111111'],
    ]);
  });

  test('the validation report has no open finding', () => {
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    const failures = report.pluginReports.filter((r: any) => r.conclusion !== 'success');
    expect(failures).toEqual([]);
  });

  test('every regional stack encrypts with its own rotating key', () => {
    for (const region of topology.activeRegions) {
      const template = Template.fromStack(topology.regionalStack(region));
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, MultiRegion: false });
    }
  });

  test('no KMS key is used from a stack of another Region', () => {
    expect(findCrossRegionKeyUses(assembly)).toEqual([]);
  });

  test('both probes run every minute in each Region, with their alarms, and the dashboard is in the global stack', () => {
    for (const region of topology.activeRegions) {
      const template = Template.fromStack(topology.regionalStack(region));
      template.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' }, 2);
      template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] }, 2);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RegionHealthy', Dimensions: [{ Name: 'Region', Value: region }] });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLag', Threshold: 5000 });
    }
    Template.fromStack(topology.globalStack).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('snapshot of every stack', () => {
    for (const stack of assembly.stacks) {
      expect(stack.template).toMatchSnapshot(stack.stackName);
    }
  });
});
