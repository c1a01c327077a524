/**
 * globalSetup of the integ-consumer project: packs the library ONCE per run, as a release would, and
 * prepares what the consumer tests share:
 * 1. `npm pack` into a scratch folder under os.tmpdir() (outside the repo); the package's `prepack`
 *    builds the handler bundles, the CLI and jsii, so the tests never rely on an earlier build;
 * 2. in parallel: two lanes, each a fresh TypeScript app there with the tarball installed beside
 *    aws-cdk-lib, constructs and cdk-nag from the registry: `newest` (the registry's latest at test time)
 *    and `oldest` (the floors of the package's peer ranges), typescript and @types/node at the repo lock
 *    file's versions; jsii-pacmak's Python wheel; and the Python venv .venv-consumer/ with aws-cdk-lib,
 *    constructs, cdk-nag and the jsii runtime from PyPI (reused across runs through a stamp file), into
 *    which the fresh wheel is then installed.
 * The scratch folder is removed by global-teardown.ts (kept with KEEP_CONSUMER_APP=1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { log, REPO_ROOT } from '../harness/paths';
import { ensureVenv } from '../harness/python-venv';
import { CONSUMER_VENV, ConsumerLane, ConsumerState, lockedVersion, peerFloor, PEERS, repoBin, run, STATE_FILE } from './consumer-env';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  fs.rmSync(STATE_FILE, { force: true });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-region-cdk-consumer-'));
  log(`consumer: building and packing the library into ${workDir}`);
  try {
    await prepare(workDir);
  } catch (error) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  log(`consumer: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function prepare(workDir: string): Promise<void> {
  // No --ignore-scripts: prepack builds what the package ships, as on `npm publish`.
  const out = await run('npm', ['pack', '--pack-destination', workDir], { cwd: REPO_ROOT, env: { BUNDLE_QUIET: '1' }, logName: 'npm-pack' });
  const name = out.split('\n').map((l) => l.trim()).filter((l) => /^multi-region-cdk-.*\.tgz$/.test(l)).pop();
  const tarball = path.join(workDir, name ?? 'multi-region-cdk.tgz');
  if (!fs.existsSync(tarball)) throw new Error(`npm pack wrote no ${tarball}:\n${out}`);

  const newest = Promise.all(PEERS.map(async (name) => [name, (await run('npm', ['view', name, 'version'], {
    cwd: workDir, logName: `npm-view-${name}`,
  })).trim()] as const));
  const lanes = [
    (async () => installLane(workDir, tarball, 'newest', Object.fromEntries(await newest)))(),
    installLane(workDir, tarball, 'oldest', Object.fromEntries(PEERS.map((name) => [name, peerFloor(name)]))),
  ];

  const wheel = (async () => {
    const outdir = path.join(workDir, 'pacmak');
    // npm_config_ignore_scripts: jsii-pacmak runs `npm pack`, whose prepack would rebuild what is built.
    await run(repoBin('jsii-pacmak'), ['--no-npmignore', '--targets', 'python', '--outdir', outdir], {
      cwd: REPO_ROOT, env: { npm_config_ignore_scripts: 'true' }, logName: 'jsii-pacmak',
    });
    const pyDir = path.join(outdir, 'python');
    const whl = fs.readdirSync(pyDir).find((f) => f.endsWith('.whl'));
    if (!whl) throw new Error(`jsii-pacmak wrote no wheel into ${pyDir}`);
    return path.join(pyDir, whl);
  })();

  const venv = ensureVenv([
    // From PyPI: aws-cdk-lib at the floor of the package's peer range (PyPI can lag npm by a release: when
    // the lock file took 2.276.0 from npm, PyPI's newest was 2.275.0), so the wheel is tested with the
    // oldest aws-cdk-lib it accepts; constructs and cdk-nag as locked; the jsii runtime is what aws-cdk-lib
    // requires (`pip check` below verifies the wheel's own requirements).
    `aws-cdk-lib==${peerFloor('aws-cdk-lib')}`,
    `constructs==${lockedVersion('constructs')}`,
    `cdk-nag==${lockedVersion('cdk-nag')}`,
  ], { dir: CONSUMER_VENV, label: '.venv-consumer' });

  // All four already run side by side; awaiting them in two groups keeps each tuple's types.
  const [[newestLane, oldestLane], [whl, py]] = await Promise.all([Promise.all(lanes), Promise.all([wheel, venv])]);
  // The wheel is new every run; its dependencies are the venv's (--no-deps keeps pip offline here).
  await run(py.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps', '--force-reinstall', whl], {
    cwd: workDir, logName: 'pip-install-wheel',
  });
  await run(py.python, ['-m', 'pip', 'check', '--disable-pip-version-check'], { cwd: workDir, logName: 'pip-check' });

  const state: ConsumerState = { workDir, tarball, wheel: whl, lanes: [newestLane, oldestLane], python: py.python };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

/** A fresh TypeScript app with the tarball and `versions` of the peers, installed once for the run. */
async function installLane(workDir: string, tarball: string, name: string, versions: Record<string, string>): Promise<ConsumerLane> {
  const appDir = path.join(workDir, `shop-app-${name}`);
  fs.mkdirSync(appDir);
  const pkg = {
    name: `shop-app-${name}`,
    version: '0.0.0',
    private: true,
    dependencies: { 'multi-region-cdk': `file:${tarball}`, ...versions },
    devDependencies: { 'typescript': lockedVersion('typescript'), '@types/node': lockedVersion('@types/node') },
  };
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(pkg, null, 2));
  const installOutput = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: appDir, logName: `npm-install-${name}` });
  const installed = Object.fromEntries(PEERS.map((peer) => [peer,
    JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules', peer, 'package.json'), 'utf8')).version as string]));
  log(`consumer: lane ${name}: ${PEERS.map((peer) => `${peer} ${installed[peer]}`).join(', ')}`);
  return { name, appDir, versions: installed, installOutput };
}
