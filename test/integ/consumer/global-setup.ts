/**
 * globalSetup of the integ-consumer project: builds and packs the library ONCE per run, as a release
 * would, and prepares what the consumer tests share:
 * 1. `npm run build:handlers` and `npm run build` (jsii), as `npm ci`'s prepare does: the tests never
 *    rely on an earlier build;
 * 2. in parallel: `npm pack` of the library into a scratch folder under os.tmpdir() (outside the repo),
 *    installed with aws-cdk-lib, constructs, cdk-nag, typescript and @types/node from the registry (at
 *    the repo lock file's versions) into a fresh app there; jsii-pacmak's Python wheel; and the Python
 *    venv .venv-consumer/ with aws-cdk-lib, constructs, cdk-nag and the jsii runtime from PyPI (reused
 *    across runs through a stamp file), into which the fresh wheel is then installed.
 * The scratch folder is removed by global-teardown.ts (kept with KEEP_CONSUMER_APP=1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { log, REPO_ROOT } from '../harness/paths';
import { ensureVenv } from '../harness/python-venv';
import { CONSUMER_VENV, ConsumerState, lockedVersion, peerFloor, repoBin, run, STATE_FILE } from './consumer-env';

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
  await run('npm', ['run', 'build:handlers'], { cwd: REPO_ROOT, env: { BUNDLE_QUIET: '1' }, logName: 'build-handlers' });
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT, logName: 'build-jsii' });

  const typescriptApp = (async () => {
    // --ignore-scripts: the build above is what `prepare` would run again.
    const out = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', workDir], { cwd: REPO_ROOT, logName: 'npm-pack' });
    const tarball = path.join(workDir, out.trim().split('\n').pop()!.trim());
    if (!fs.existsSync(tarball)) throw new Error(`npm pack wrote no ${tarball}:\n${out}`);
    const appDir = path.join(workDir, 'shop-app');
    fs.mkdirSync(appDir);
    const pkg = {
      name: 'shop-app',
      version: '0.0.0',
      private: true,
      dependencies: {
        'multi-region-cdk': `file:${tarball}`,
        'aws-cdk-lib': lockedVersion('aws-cdk-lib'),
        'constructs': lockedVersion('constructs'),
        'cdk-nag': lockedVersion('cdk-nag'),
      },
      devDependencies: {
        'typescript': lockedVersion('typescript'),
        '@types/node': lockedVersion('@types/node'),
      },
    };
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(pkg, null, 2));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: appDir, logName: 'npm-install-app' });
    return { tarball, appDir };
  })();

  const wheel = (async () => {
    const outdir = path.join(workDir, 'pacmak');
    // npm_config_ignore_scripts: jsii-pacmak runs `npm pack`, whose prepare would rebuild what is built.
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

  const [ts, whl, py] = await Promise.all([typescriptApp, wheel, venv]);
  // The wheel is new every run; its dependencies are the venv's (--no-deps keeps pip offline here).
  await run(py.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps', '--force-reinstall', whl], {
    cwd: workDir, logName: 'pip-install-wheel',
  });
  await run(py.python, ['-m', 'pip', 'check', '--disable-pip-version-check'], { cwd: workDir, logName: 'pip-check' });

  const state: ConsumerState = { workDir, tarball: ts.tarball, appDir: ts.appDir, wheel: whl, python: py.python };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}
