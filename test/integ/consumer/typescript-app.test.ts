/**
 * The packed library in a fresh TypeScript CDK app outside the repository (see global-setup.ts): it
 * installs without esbuild or the handlers' packages, compiles with tsc, and synthesizes with the CDK CLI
 * running `node app.js`, context (account, Availability Zones) in the app's cdk.json as a user puts it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_DIR, readState, repoBin, run } from './consumer-env';
import { expectConsumerApp } from './templates';

const state = readState();
const installed = path.join(state.appDir, 'node_modules', 'multi-region-cdk');

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

describe('the npm package in a fresh TypeScript app', () => {
  test('ships compiled JS, declarations, the handler bundles, the report schema, .jsii (compressed), README, LICENSE and API.md, and nothing else', () => {
    const files = listFiles(installed);
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', '.jsii.gz', 'build/lib/index.js', 'build/lib/index.d.ts',
      'assets/lambda/dsql-peering/index.js', 'assets/lambda/health-probe/index.js', 'assets/lambda/lag-probe/index.js',
      'assets/cli/multi-region-cdk.js', 'schema/resilience-report.schema.json',
    ]));
    const unexpected = files.filter((f) =>
      !/^build\/.*\.(js|d\.ts)$/.test(f) && !/^assets\/lambda\/[\w-]+\/index\.js$/.test(f)
      && f !== 'assets/cli/multi-region-cdk.js' && f !== 'schema/resilience-report.schema.json' && !['package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', '.jsii.gz'].includes(f));
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('installs no esbuild and none of the handlers\' packages', () => {
    const nodeModules = path.join(state.appDir, 'node_modules');
    for (const name of ['esbuild', 'pg', '@aws-sdk/client-dsql', '@aws-sdk/dsql-signer', '@aws-sdk/client-cloudwatch']) {
      expect(fs.existsSync(path.join(nodeModules, name))).toBe(false);
    }
    const ls = spawnSync('npm', ['ls', 'esbuild', '--all', '--parseable'], { cwd: state.appDir, encoding: 'utf8' });
    expect(ls.stdout.trim()).toBe('');
  });

  test('`npx multi-region-cdk report --diff` runs from the installed package, and the schema resolves from it', () => {
    const fixtures = path.join(__dirname, '..', '..', 'report', 'fixtures');
    const before = JSON.parse(fs.readFileSync(path.join(fixtures, 'default-app.report.json'), 'utf8'));
    const after = JSON.parse(JSON.stringify(before));
    const check = after.objectives[0].checks.find((k: { path?: string; region?: string }) => k.path === 'dns' && k.region === 'us-east-1');
    Object.assign(check, { seconds: 400, met: false });
    after.objectives[0].met = false;
    after.summary.objectivesMet = false;
    fs.writeFileSync(path.join(state.appDir, 'base-report.json'), JSON.stringify(before));
    fs.writeFileSync(path.join(state.appDir, 'head-report.json'), JSON.stringify(after));
    const r = spawnSync('npx', ['--no-install', 'multi-region-cdk', 'report', '--diff', 'base-report.json', 'head-report.json'],
      { cwd: state.appDir, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toContain('RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s');
    expect(r.status).toBe(1);
    const schemaFile = require.resolve('multi-region-cdk/schema/resilience-report.schema.json', { paths: [state.appDir] });
    expect(JSON.parse(fs.readFileSync(schemaFile, 'utf8')).$defs.ResilienceReportDocument.properties.schemaVersion.const).toBe(1);
  });

  test('compiles with tsc and synthesizes with `node app.js`: DSQL pair, routing, probes on the team\'s own stacks', async () => {
    const { appDir } = state;
    fs.copyFileSync(path.join(FIXTURE_DIR, 'app.ts'), path.join(appDir, 'app.ts'));
    const context = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'cdk.context.json'), 'utf8'));
    fs.writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: 'node app.js', context }, null, 2));
    fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', lib: ['ES2022'], strict: true, declaration: false,
        // The library's .d.ts files are type-checked too, as in an app that does not skip them.
        skipLibCheck: false, types: ['node'],
      },
      files: ['app.ts'],
    }, null, 2));
    await run(path.join(appDir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: appDir, logName: 'ts-app-tsc' });
    expect(fs.existsSync(path.join(appDir, 'app.js'))).toBe(true);
    // The repo's CDK CLI (a user has it as a dev dependency): it reads cdk.json and runs `node app.js`.
    await run(repoBin('cdk'), ['synth', '--quiet', '--output', 'cdk.out'], { cwd: appDir, logName: 'ts-app-synth' });
    expectConsumerApp(path.join(appDir, 'cdk.out'));
  });
});
