import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Every app under examples/ (examples/<name>/app.ts), found by listing the folder so a new
// example is tested without touching this file. Each is synthesized by the CDK CLI exactly as
// `npm run synth:examples` does: cdk-nag (AwsSolutions and MultiRegionChecks) and
// CloudFormation validation fail the synth on any open error.
const root = path.join(__dirname, '..');
const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter((name) => fs.existsSync(path.join(root, 'examples', name, 'app.ts')))
  .sort();

test('examples/ holds the eu-resident example', () => {
  expect(examples).toContain('eu-resident');
});

test('examples/ holds the DynamoDB global table and Aurora global database examples', () => {
  expect(examples).toEqual(expect.arrayContaining(['dynamodb-global-table', 'aurora-global-database']));
});

describe.each(examples)('examples/%s', (name) => {
  test('synthesizes with no open validation finding and has a README', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--app', `npx tsx examples/${name}/app.ts`, '--output', out], {
      cwd: root, encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const stacks = Object.values<any>(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(root, 'examples', name, 'README.md'))).toBe(true);
  }, 180_000);
});
