/**
 * Python virtualenvs for the test servers (moto, LocalStack) and cfn-lint.
 *
 * CI starts from a fresh machine, so `npm test` creates the venvs itself. Installing takes minutes the first
 * time, so a stamp file remembers what was installed and later runs skip pip entirely when nothing changed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { integPath, log, REPO_ROOT, VENV_DIR } from './paths';
import { runLogged } from './processes';

export interface Venv {
  /** The venv folder. */
  dir: string;
  /** The venv's python executable. */
  python: string;
  /** Path of an executable the venv installed, e.g. bin('moto_server'). */
  bin(name: string): string;
}

export interface EnsureVenvOptions {
  /** Venv folder; default <repo>/.venv. */
  dir?: string;
  /** Interpreter that creates the venv; default `python3` from PATH. */
  python?: string;
  /** pip constraints file (-c) pinning the whole dependency tree. */
  constraintsFile?: string;
  /** Name for progress messages and the pip log file. */
  label?: string;
}

const STAMP_FILE = '.integ-requirements.json';
// What `python -m venv` creates; removed (instead of the whole folder) when a venv must be rebuilt, because
// the LocalStack venv lives inside the main venv's folder.
const VENV_ENTRIES = ['bin', 'include', 'lib', 'lib64', 'share', 'pyvenv.cfg', STAMP_FILE];

/**
 * Creates the venv if missing and pip-installs `packages` (pinned requirement specifiers such as
 * 'moto[server]==5.2.5') unless the stamp file says exactly these were installed already (fast no-op).
 */
export async function ensureVenv(packages: string[], opts: EnsureVenvOptions = {}): Promise<Venv> {
  const dir = opts.dir ?? VENV_DIR;
  const label = opts.label ?? path.relative(REPO_ROOT, dir);
  const basePython = opts.python ?? 'python3';
  const venv = venvAt(dir);

  const baseVersion = pythonVersion(basePython);
  if (!baseVersion) throw new Error(`${label}: cannot run ${basePython}; Python 3 is needed for the integration tests`);
  const constraints = opts.constraintsFile ? fs.readFileSync(opts.constraintsFile, 'utf8') : '';
  const stamp = JSON.stringify({
    python: baseVersion.join('.'),
    packages: [...packages].sort(),
    constraints: createHash('sha256').update(constraints).digest('hex'),
  });
  const stampPath = path.join(dir, STAMP_FILE);

  const venvVersion = fs.existsSync(venv.python) ? pythonVersion(venv.python) : undefined;
  if (venvVersion && venvVersion.join('.') === baseVersion.join('.')) {
    if (readIfExists(stampPath) === stamp) return venv; // already installed: no pip call at all
  } else {
    // Missing, broken (its base interpreter is gone) or made by another Python: rebuild.
    // Asynchronous: a 500 MB venv takes a while to delete, and the other servers start meanwhile.
    await Promise.all(VENV_ENTRIES.map((entry) => fs.promises.rm(path.join(dir, entry), { recursive: true, force: true })));
    log(`${label}: creating venv with ${basePython} (Python ${baseVersion.join('.')})`);
    fs.mkdirSync(dir, { recursive: true });
    const made = spawnSync(basePython, ['-m', 'venv', dir], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`${label}: python -m venv ${dir} failed:\n${made.stderr}`);
  }

  fs.rmSync(stampPath, { force: true });
  const pipLog = integPath('logs', `pip-${label.replace(/[^\w.-]+/g, '_')}.log`);
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...packages];
  if (opts.constraintsFile) args.push('-c', opts.constraintsFile);
  log(`${label}: pip install ${packages.join(' ')} (first run takes a few minutes; log: ${path.relative(REPO_ROOT, pipLog)})`);
  const started = Date.now();
  await runLogged(venv.python, args, pipLog, label);
  fs.writeFileSync(stampPath, stamp);
  log(`${label}: installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return venv;
}

/** The paths of a venv folder, without creating or checking it. */
export function venvAt(dir: string): Venv {
  return { dir, python: path.join(dir, 'bin', 'python'), bin: (name) => path.join(dir, 'bin', name) };
}

/** Requirement specifiers of a requirements file (comments and blank lines dropped). */
export function readRequirementsFile(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}

/** [major, minor] of a Python interpreter that can create venvs, or undefined. */
export function pythonVersion(python: string): [number, number] | undefined {
  // ensurepip too: Debian's python3 has `venv` but cannot create one without the python3-venv package.
  const r = spawnSync(python, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const m = r.status === 0 ? /^(\d+)\.(\d+)/.exec(r.stdout.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Finds a Python interpreter of at least version `min` (e.g. [3, 12]) that can create venvs. Tries
 * `preferred` first, then python3.N on PATH, then pyenv's installed versions (the CI image ships several
 * next to its default 3.11), then `python3`.
 */
export function findPython(min: [number, number], preferred: Array<string | undefined> = []): string | undefined {
  const candidates: string[] = preferred.filter((p): p is string => !!p);
  for (let minor = 15; minor >= min[1]; minor--) candidates.push(`python${min[0]}.${minor}`);
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const versionsDir = path.join(pyenvRoot, 'versions');
  if (fs.existsSync(versionsDir)) {
    const versions = fs
      .readdirSync(versionsDir)
      .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
      .sort((a, b) => compareVersions(b, a));
    for (const v of versions) candidates.push(path.join(versionsDir, v, 'bin', 'python3'));
  }
  candidates.push('python3');
  for (const candidate of candidates) {
    const version = pythonVersion(candidate);
    if (version && (version[0] > min[0] || (version[0] === min[0] && version[1] >= min[1]))) return candidate;
  }
  return undefined;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
