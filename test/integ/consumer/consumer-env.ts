/**
 * Shared by the consumer tests (test/integ/consumer): where the globalSetup puts the packed library, the
 * fresh consumer app and the Python venv, and how to run a command with its output in a log file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { integPath, log, REPO_ROOT } from '../harness/paths';

/** One consumer lane: a fresh TypeScript app with the tarball and one set of peer versions. */
export interface ConsumerLane {
  /** `newest`: what the registry serves at test time; `oldest`: the floors of the package's peer ranges. */
  readonly name: string;
  /** The fresh TypeScript CDK app (outside the repository) with the tarball and the lane's peers installed. */
  readonly appDir: string;
  /** The installed versions of aws-cdk-lib, constructs and cdk-nag. */
  readonly versions: Record<string, string>;
  /** Output of the app's `npm install` (npm's warnings included). */
  readonly installOutput: string;
}

/** Written by global-setup.ts, read by the test files. */
export interface ConsumerState {
  /** Scratch folder under os.tmpdir(), outside the repository; removed by the teardown. */
  readonly workDir: string;
  /** The npm tarball (`npm pack` of the jsii-compiled library; its prepack built it). */
  readonly tarball: string;
  /** The Python wheel jsii-pacmak built. */
  readonly wheel: string;
  /** The lanes, newest first. */
  readonly lanes: ConsumerLane[];
  /** Python of the consumer venv (.venv-consumer/), with aws-cdk-lib from PyPI and the wheel. */
  readonly python: string;
}

/** The peers a consumer installs beside the library. */
export const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

export const STATE_FILE = path.join(REPO_ROOT, '.integ', 'consumer', 'state.json');
/** Reused across runs (stamp file); ignored by git. */
export const CONSUMER_VENV = path.join(REPO_ROOT, '.venv-consumer');
/** The consumer app sources (shop.ts, app.ts, pipeline-app.ts, python/app.py, cdk.context.json). */
export const FIXTURE_DIR = path.join(__dirname, 'app');

export function readState(): ConsumerState {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as ConsumerState;
}

/** Version of a package in the repo's lock file, so the consumer gets what the library was tested with. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version) throw new Error(`${name} is not in package-lock.json`);
  return entry.version as string;
}

/** The lowest version a peer dependency's range accepts (`^2.275.0` gives 2.275.0). */
export function peerFloor(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const m = /^\^?(\d+\.\d+\.\d+)$/.exec(pkg.peerDependencies?.[name] ?? '');
  if (!m) throw new Error(`peerDependencies.${name} is not a caret range: ${pkg.peerDependencies?.[name]}`);
  return m[1];
}

/** The repository's own executables (tsc, cdk, jsii, jsii-pacmak) for steps a user would run with npx. */
export function repoBin(name: string): string {
  return path.join(REPO_ROOT, 'node_modules', '.bin', name);
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Log file name under .integ/consumer/logs/. */
  readonly logName: string;
}

/** Runs a command with stdout/stderr in a log file; rejects with the log's tail when it fails. Resolves stdout+stderr. */
export function run(command: string, args: string[], opts: RunOptions): Promise<string> {
  const logFile = integPath('consumer', 'logs', `${opts.logName}.log`);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.once('error', reject);
    child.once('close', (code) => {
      fs.writeFileSync(logFile, `$ (cd ${opts.cwd} && ${command} ${args.join(' ')})\n${output}`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0) {
        log(`consumer: ${opts.logName} done in ${seconds} s`);
        resolve(output);
      } else {
        reject(new Error(`${path.basename(command)} ${args.join(' ')} in ${opts.cwd} failed (code ${code}) after ${seconds} s; `
          + `log ${path.relative(REPO_ROOT, logFile)}:\n${output.split('\n').slice(-40).join('\n')}`));
      }
    });
  });
}
