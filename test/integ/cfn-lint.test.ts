import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cfnLint, harnessCfnLint, REPO_ROOT } from './cfn-lint-tool';

// cfn-lint over every template of the default app and of every example (examples/<name>/app.ts,
// listed from the folder), each template linted for its stack's Region. Zero errors; the one
// known false positive is configured away in .cfnlintrc.

/** Synthesizes an app with the CDK CLI (so it reads cdk.json's context) and returns its templates and Regions. */
function synthTemplates(appCommand: string, label: string): { label: string; template: string; region: string }[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `cfn-lint-${label}-`));
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--app', appCommand, '--output', out], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cdk synth of ${label} failed:\n${result.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  return Object.values<any>(manifest.artifacts)
    .filter((a) => a.type === 'aws:cloudformation:stack')
    .map((a) => ({
      label: `${label}/${a.displayName ?? a.properties.templateFile}`,
      template: path.join(out, a.properties.templateFile),
      region: /aws:\/\/[^/]+\/([a-z0-9-]+)/.exec(a.environment)?.[1] ?? 'us-east-1',
    }));
}

const apps: [string, string][] = [
  ['default', 'npx tsx bin/app.ts'],
  ...fs.readdirSync(path.join(REPO_ROOT, 'examples'))
    .filter((name) => fs.existsSync(path.join(REPO_ROOT, 'examples', name, 'app.ts')))
    .sort()
    .map((name): [string, string] => [`examples/${name}`, `npx tsx examples/${name}/app.ts`]),
];

let cfnLintPath: string;

beforeAll(() => {
  cfnLintPath = harnessCfnLint();
});

describe.each(apps)('cfn-lint: %s', (label, appCommand) => {
  test('every template lints with zero errors', () => {
    const templates = synthTemplates(appCommand, label.replace(/\W+/g, '-'));
    expect(templates.length).toBeGreaterThan(0);
    const errors = templates.flatMap(({ label: stack, template, region }) => cfnLint(cfnLintPath, template, region)
      .filter((f) => f.Level === 'Error')
      .map((f) => `${stack} (${region}) ${f.Rule.Id} at ${f.Location.Path.join('/')}: ${f.Message}`));
    expect(errors).toEqual([]);
  }, 300_000);
});

describe('cfn-lint wiring', () => {
  const write = (template: object) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-fixture-')), 'template.json');
    fs.writeFileSync(file, JSON.stringify(template));
    return file;
  };
  const fn = (extra: object) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: 'x' } },
    ...extra,
  });
  const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } };

  test('reports an error in a broken template', () => {
    const findings = cfnLint(cfnLintPath, write({ Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'typo' } } } }), 'eu-west-1');
    expect(findings).toEqual([expect.objectContaining({ Level: 'Error', Rule: expect.objectContaining({ Id: 'E3002' }) })]);
  });

  test('.cfnlintrc configures away W3005, the DependsOn aws-cdk-lib adds beside a GetAtt', () => {
    const template = write({ Resources: { Role: role, Fn: fn({ DependsOn: ['Role'] }) } });
    const emptyConfig = path.join(path.dirname(template), 'empty.cfnlintrc');
    fs.writeFileSync(emptyConfig, '{}\n');
    expect(cfnLint(cfnLintPath, template, 'eu-west-1', emptyConfig).map((f) => f.Rule.Id)).toContain('W3005');
    expect(cfnLint(cfnLintPath, template, 'eu-west-1').map((f) => f.Rule.Id)).not.toContain('W3005');
  });
});
