import * as fs from 'fs';
import * as path from 'path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { MultiRegionChecks } from '../../lib';
import { newTestApp } from '../helpers/app';
import { multiRegionFindings } from '../helpers/nag';

describe('MultiRegionChecks', () => {
  test('names its rules MultiRegion-<id>', () => {
    expect(new MultiRegionChecks().ruleIds).toEqual([
      'MultiRegion-KMS1', 'MultiRegion-KMS2', 'MultiRegion-KMS3', 'MultiRegion-DSQL1', 'MultiRegion-DSQL2', 'MultiRegion-DSQL3',
      'MultiRegion-DNS1', 'MultiRegion-DNS2', 'MultiRegion-DNS3', 'MultiRegion-GA1', 'MultiRegion-GA2', 'MultiRegion-LOG1',
      'MultiRegion-LOG2', 'MultiRegion-CW1', 'MultiRegion-CW2', 'MultiRegion-DNS4', 'MultiRegion-GA3',
      'MultiRegion-GD1', 'MultiRegion-AUDIT1',
      'MultiRegion-DDB1', 'MultiRegion-DDB2', 'MultiRegion-AUR1', 'MultiRegion-CW3', 'MultiRegion-CW4',
    ]);
  });

  test('a clean synth still puts the pack into validation-report.json: an info summary with the rules run and resources checked', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'Params', { env: { account: '111111111111', region: 'eu-west-1' } });
    new ssm.StringParameter(stack, 'A', { stringValue: 'a' });
    new ssm.StringParameter(stack, 'B', { stringValue: 'b' });
    Validations.of(app).addPlugins(new MultiRegionChecks(app));
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth();
    } finally {
      quiet.mockRestore();
    }
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const entry = report.pluginReports.find((r: any) => r.pluginName === 'MultiRegionChecks');
    expect(entry).toMatchObject({
      conclusion: 'success',
      metadata: { rulesRun: String(new MultiRegionChecks().ruleIds!.length), resourcesChecked: '2' },
    });
    expect(entry.violations).toEqual([expect.objectContaining({
      ruleName: 'MultiRegion-Summary', severity: 'info', violatingConstructs: [],
      description: expect.stringMatching(/^MultiRegionChecks ran 24 rules on 2 resources: 0 error and 0 warning findings open/),
    })]);
  });

  test('an error-level finding fails synth, naming the construct path and the acknowledgement id', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
    new dsql.CfnCluster(stack, 'Cluster', { deletionProtectionEnabled: false });
    Validations.of(app).addPlugins(new MultiRegionChecks(app));
    expect(() => app.synth()).toThrow(/ERROR The Aurora DSQL cluster does not have deletion protection enabled\. \(MultiRegionChecks\)\s+Data\/Cluster .*\s+Acknowledge with 'MultiRegionChecks::MultiRegion-DSQL2'/);
  });

  test('a warning-level finding is reported but does not fail synth', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'Probes', { env: { account: '111111111111', region: 'eu-west-1' } });
    new iam.CfnManagedPolicy(stack, 'Publish', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'Shop/Health' } } }],
      },
    });
    const pack = new MultiRegionChecks(app);
    Validations.of(app).addPlugins(pack);
    expect(() => app.synth()).not.toThrow();
    const report = pack.validateScope(app);
    expect(report.success).toBe(true);
    expect(report.violations).toEqual([expect.objectContaining({ ruleName: 'MultiRegion-CW1', severity: 'warning' })]);
  });

  test('exempts the handlers of aws-cdk-lib\'s own providers (cross-Region references) from the log rules', () => {
    const app = newTestApp();
    const env = (region: string) => ({ env: { account: '111111111111', region }, crossRegionReferences: true });
    const origin = new ssm.StringParameter(new Stack(app, 'Origin', env('eu-west-1')), 'Value', { stringValue: 'v' });
    new ssm.StringParameter(new Stack(app, 'Consumer', env('eu-west-3')), 'Copy', { stringValue: origin.parameterName });
    const findings = multiRegionFindings(app);
    expect(app.node.findAll().some((c) => c.node.path.endsWith('Custom::CrossRegionExportWriterCustomResourceProvider/Handler'))).toBe(true);
    expect(findings.filter((f) => /^MultiRegion-LOG[12]$/.test(f.rule))).toEqual([]);
  });
});
