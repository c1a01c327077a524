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

  test('snapshot of every stack', () => {
    for (const stack of assembly.stacks) {
      expect(stack.template).toMatchSnapshot(stack.stackName);
    }
  });
});
