import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Fn } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HealthProbe } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';

const targets = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `t${i}`, url: `https://api-${i}.example.com/health`, bodyContains: 'ok' }));

describe('HealthProbe with more targets than 4 KB of environment variables hold', () => {
  const app = newTestApp();
  const stack = stackIn(app, 'Stack', 'us-east-1');
  new HealthProbe(stack, 'Health', { targets: targets(500) });
  const template = Template.fromStack(stack);
  const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as any;
  const assembly = app.synth();
  // The asset's folder in the cloud assembly, from the hash in the function's S3 key.
  const assetDirOf = () => path.join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);

  test('ships the configuration as a file beside the bundle, not in the environment', () => {
    const env = fn.Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['HEALTH_PROBE_CONFIG', 'HEALTH_PROBE_TARGETS_FILE', 'PROBES_PER_RUN']);
    expect(env.HEALTH_PROBE_TARGETS_FILE).toBe('health-probe-targets.json');
    expect(JSON.parse(env.HEALTH_PROBE_CONFIG)).toMatchObject({ region: 'us-east-1', targets: [] });
    const assetDir = assetDirOf();
    const fileTargets = JSON.parse(fs.readFileSync(path.join(assetDir, 'health-probe-targets.json'), 'utf8'));
    expect(fileTargets).toHaveLength(500);
    expect(fileTargets[499]).toEqual({ name: 't499', url: 'https://api-499.example.com/health', expectedStatus: 200, bodyContains: 'ok' });
  });

  test('the bundled handler loads it from its task root', () => {
    const assetDir = assetDirOf();
    const out = execFileSync(process.execPath, ['-e', `const m = require(${JSON.stringify(path.join(assetDir, 'index.js'))}); console.log(typeof m.handler)`], {
      env: {
        PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', LAMBDA_TASK_ROOT: assetDir,
        HEALTH_PROBE_CONFIG: fn.Properties.Environment.Variables.HEALTH_PROBE_CONFIG, HEALTH_PROBE_TARGETS_FILE: 'health-probe-targets.json',
      },
      encoding: 'utf8',
    });
    const lines = out.trim().split('\n');
    expect(JSON.parse(lines[0])).toEqual({ probe: 'health', init: true, region: 'us-east-1', targets: 500, targetsFile: 'health-probe-targets.json' });
    expect(lines[1]).toBe('function');
  });
});

test('a few targets stay in the environment', () => {
  const stack = stackIn(newTestApp(), 'Stack', 'us-east-1');
  new HealthProbe(stack, 'Health', { targets: targets(3) });
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
  expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(['HEALTH_PROBE_CONFIG', 'PROBES_PER_RUN']);
});

test('a long configuration with deploy-time values is refused with the 4 KB limit named', () => {
  const stack = stackIn(newTestApp(), 'Stack', 'us-east-1');
  const tokenTargets = Array.from({ length: 80 }, (_, i) => ({ name: `t${i}`, url: Fn.join('', ['https://', Fn.importValue(`Host${i}`), '/health']) }));
  expect(() => new HealthProbe(stack, 'Health', { targets: tokenTargets })).toThrow(/80 targets is about \d+ characters and holds deploy-time values .* Lambda's 4 KB of environment variables/);
});
