/**
 * The packed library in fresh TypeScript CDK apps outside the repository (see global-setup.ts), one per
 * lane: the newest aws-cdk-lib, constructs and cdk-nag the registry serves, and the oldest the peer ranges
 * accept. In each it installs without an install script, esbuild or the handlers' packages, compiles with
 * tsc, and synthesizes with the CDK CLI (`node app.js`, context in the app's cdk.json as a user puts it)
 * clean under AwsSolutions and MultiRegionChecks, plain and inside a CDK Pipelines stage.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/paths';
import { FIXTURE_DIR, PEERS, readState, repoBin, run } from './consumer-env';
import { expectCleanValidation, expectConsumerApp } from './templates';

const state = readState();

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

describe.each(state.lanes.map((lane) => [lane.name, lane]))('the npm package in a fresh TypeScript app, %s peers', (_name, lane) => {
  const installed = path.join(lane.appDir, 'node_modules', 'multi-region-cdk');

  test('installs the lane\'s peers: the registry\'s newest, or the floors of the package\'s peer ranges', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const peer of PEERS) {
      if (lane.name === 'oldest') expect(`^${lane.versions[peer]}`).toBe(pkg.peerDependencies[peer]);
      // The newest must lie inside the claimed range too (a new major would need a new range and a release).
      expect(lane.versions[peer].split('.')[0]).toBe(pkg.peerDependencies[peer].replace(/^\^/, '').split('.')[0]);
    }
  });

  test('`npm install` of the tarball prints no install-scripts warning: the package has no install script', () => {
    expect(lane.installOutput).not.toMatch(/install-scripts.*multi-region-cdk/);
    const scripts = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).scripts ?? {};
    expect(Object.keys(scripts).filter((k) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(k))).toEqual([]);
  });

  test('ships compiled JS, declarations, the handler bundles, the report schema, .jsii (compressed), README, CHANGELOG, LICENSE and API.md, and nothing else', () => {
    const files = listFiles(installed);
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', '.jsii.gz', 'build/lib/index.js', 'build/lib/index.d.ts',
      'assets/lambda/dsql-peering/index.js', 'assets/lambda/health-probe/index.js', 'assets/lambda/lag-probe/index.js',
      'assets/cli/multi-region-cdk.js', 'schema/resilience-report.schema.json',
    ]));
    const unexpected = files.filter((f) =>
      !/^build\/.*\.(js|d\.ts)$/.test(f) && !/^assets\/lambda\/[\w-]+\/index\.js$/.test(f)
      && f !== 'assets/cli/multi-region-cdk.js' && f !== 'schema/resilience-report.schema.json' && !['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'API.md', '.jsii', '.jsii.gz'].includes(f));
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('installs no esbuild and none of the handlers\' packages', () => {
    const nodeModules = path.join(lane.appDir, 'node_modules');
    for (const name of ['esbuild', 'pg', '@aws-sdk/client-dsql', '@aws-sdk/dsql-signer', '@aws-sdk/client-cloudwatch']) {
      expect(fs.existsSync(path.join(nodeModules, name))).toBe(false);
    }
    const ls = spawnSync('npm', ['ls', 'esbuild', '--all', '--parseable'], { cwd: lane.appDir, encoding: 'utf8' });
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
    fs.writeFileSync(path.join(lane.appDir, 'base-report.json'), JSON.stringify(before));
    fs.writeFileSync(path.join(lane.appDir, 'head-report.json'), JSON.stringify(after));
    const r = spawnSync('npx', ['--no-install', 'multi-region-cdk', 'report', '--diff', 'base-report.json', 'head-report.json'],
      { cwd: lane.appDir, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toContain('RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s');
    expect(r.status).toBe(1);
    const schemaFile = require.resolve('multi-region-cdk/schema/resilience-report.schema.json', { paths: [lane.appDir] });
    expect(JSON.parse(fs.readFileSync(schemaFile, 'utf8')).$defs.ResilienceReportDocument.properties.schemaVersion.const).toBe(1);
  });

  test('compiles with tsc and synthesizes clean, plain and inside a CDK Pipelines stage: DSQL pair, routing, probes on the team\'s own stacks', async () => {
    const { appDir } = lane;
    for (const file of ['shop.ts', 'app.ts', 'pipeline-app.ts']) fs.copyFileSync(path.join(FIXTURE_DIR, file), path.join(appDir, file));
    const context = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'cdk.context.json'), 'utf8'));
    fs.writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: 'node app.js', context }, null, 2));
    fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', lib: ['ES2022'], strict: true, declaration: false,
        // The library's .d.ts files are type-checked too, as in an app that does not skip them.
        skipLibCheck: false, types: ['node'],
      },
      files: ['app.ts', 'pipeline-app.ts'],
    }, null, 2));
    await run(path.join(appDir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: appDir, logName: `ts-app-tsc-${lane.name}` });
    expect(fs.existsSync(path.join(appDir, 'app.js'))).toBe(true);
    // The repo's CDK CLI (a user has it as a dev dependency): it reads cdk.json and runs `node app.js`.
    // The two synths run at once (each is one node process) to keep the lane's time down.
    await Promise.all([
      run(repoBin('cdk'), ['synth', '--quiet', '--output', 'cdk.out'], { cwd: appDir, logName: `ts-app-synth-${lane.name}` }),
      run(repoBin('cdk'), ['synth', '--quiet', '--app', 'node pipeline-app.js', '--output', 'cdk.out.pipeline'], { cwd: appDir, logName: `ts-pipeline-synth-${lane.name}` }),
    ]);
    expectCleanValidation(path.join(appDir, 'cdk.out'));
    expectConsumerApp(path.join(appDir, 'cdk.out'));
    // The pipeline app: its own stack at the top, the shop's stacks in the Prod stage's nested assembly.
    expectCleanValidation(path.join(appDir, 'cdk.out.pipeline'));
    expectConsumerApp(path.join(appDir, 'cdk.out.pipeline', 'assembly-Prod'), path.join(appDir, 'cdk.out.pipeline'));
    // The stage's resilience report counts the same acknowledgements as the plain app's: the packs
    // registered on the App check the stage's stacks too.
    const acknowledgements = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'resilience', 'report.json'), 'utf8')).summary.acknowledgements;
    expect(acknowledgements(path.join(appDir, 'cdk.out.pipeline', 'assembly-Prod'))).toBe(acknowledgements(path.join(appDir, 'cdk.out')));
  }, 900_000);
});
