// The API compatibility check behind test/api/api-compat.test.ts: the public API of the last release
// (api/<version>.jsii.gz, the jsii assembly of that release) against the current lib/, compared by
// jsii-diff, the tool the CDK's own construct libraries use.
//
// Policy (CHANGELOG.md and api/README.md): an element of the public API is never removed or changed
// incompatibly without first shipping deprecated (`@deprecated` with the replacement) for at least one
// minor version. Its removal is then recorded in api/allowed-breaking-changes.txt with jsii-diff's key,
// and allowedChangesProblems() rejects a key whose element was NOT deprecated in the recorded release.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export const REPO_ROOT = path.join(__dirname, '..', '..');
export const API_DIR = path.join(REPO_ROOT, 'api');
export const ALLOWED_CHANGES = path.join(API_DIR, 'allowed-breaking-changes.txt');
const BIN = path.join(REPO_ROOT, 'node_modules', '.bin');

/** The subset of a jsii assembly (@jsii/spec) this check reads and the tests mutate. */
export interface Assembly {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  types: Record<string, AssemblyType>;
  [key: string]: unknown;
}
export interface Docs { deprecated?: string; stability?: string; [key: string]: unknown }
export interface AssemblyMember { name: string; docs?: Docs; [key: string]: unknown }
export interface AssemblyType {
  fqn: string;
  kind: string;
  docs?: Docs;
  methods?: AssemblyMember[];
  properties?: AssemblyMember[];
  members?: AssemblyMember[];
  initializer?: { docs?: Docs; [key: string]: unknown };
  [key: string]: unknown;
}

/** The version of the last release: the newest api/<version>.jsii.gz. */
export function lastReleasedVersion(): string {
  const versions = fs.readdirSync(API_DIR)
    .map((f) => /^(\d+)\.(\d+)\.(\d+)\.jsii\.gz$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2]) || Number(a[3]) - Number(b[3]));
  if (versions.length === 0) throw new Error(`no recorded release (<version>.jsii.gz) in ${API_DIR}`);
  return `${versions[versions.length - 1][1]}.${versions[versions.length - 1][2]}.${versions[versions.length - 1][3]}`;
}

export function loadRecordedAssembly(version = lastReleasedVersion()): Assembly {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(API_DIR, `${version}.jsii.gz`))).toString('utf8'));
}

/**
 * Writes an assembly as a module folder jsii-diff can load: `.jsii` and a package.json with a jsii
 * section, beside a node_modules link to the repository's, where its dependencies (aws-cdk-lib,
 * constructs, cdk-nag) resolve. A bare .jsii file does not do: jsii-diff then cannot find them.
 */
export function writeAssemblyModule(assembly: Assembly, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.jsii'), JSON.stringify(assembly));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: assembly.name, version: assembly.version, peerDependencies: assembly.dependencies ?? {}, jsii: {},
  }));
  linkNodeModules(path.dirname(dir));
  return dir;
}

function linkNodeModules(dir: string): void {
  const link = path.join(dir, 'node_modules');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), link, 'dir');
}

/**
 * Compiles the current lib/ with jsii in a scratch copy of the sources (so the check never reads a
 * stale build/ or .jsii, and never writes the checkout's while other tests read them) and returns
 * the module folder.
 */
export async function buildCurrentAssembly(scratch: string): Promise<string> {
  const dir = path.join(scratch, 'current');
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ['lib', 'lambda', 'schema', 'package.json', 'tsconfig.jsii.json', 'README.md', 'LICENSE']) {
    const from = path.join(REPO_ROOT, entry);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(dir, entry), { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
  }
  linkNodeModules(dir);
  const { code, output } = await run(path.join(BIN, 'jsii'), ['--silence-warnings=reserved-word'], dir);
  if (code !== 0 || !fs.existsSync(path.join(dir, '.jsii'))) throw new Error(`jsii failed (exit ${code}) in ${dir}:\n${output}`);
  return dir;
}

export interface DiffResult {
  /** jsii-diff's exit code: 0 compatible, 1 an incompatible change that is not allowed. */
  readonly code: number;
  /** Its report: one line per change, `err  - <message> [<key>]` or `warn`/`skip`. */
  readonly output: string;
}

/**
 * jsii-diff of two module folders. Every stability counts (`--error-on all`): the package is marked
 * experimental, for which jsii-diff's default only warns; this project keeps its API compatible anyway.
 */
export async function jsiiDiff(original: string, updated: string, ignoreFile?: string): Promise<DiffResult> {
  const args = ['--error-on', 'all', '--keys', ...(ignoreFile ? ['--ignore-file', ignoreFile] : []), original, updated];
  const { code, output } = await run(path.join(BIN, 'jsii-diff'), args, REPO_ROOT);
  // A load failure exits 100 (or 0 with "Skipping analysis"): never a pass.
  if (code === 100 || /Skipping analysis/.test(output)) throw new Error(`jsii-diff could not compare ${original} with ${updated}:\n${output}`);
  return { code, output: output.split('\n').filter((l) => /^(err |warn|skip) - /.test(l)).join('\n') };
}

/** The keys of api/allowed-breaking-changes.txt (comments and blank lines left out). */
export function allowedChanges(file = ALLOWED_CHANGES): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * Every allowed breaking change must name an element the recorded release had deprecated (so users
 * had a release with the warning and the replacement), or a type whose every member it removes was.
 * Returns the problems, one line each.
 */
export function allowedChangesProblems(keys: string[], release: Assembly): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const m = /^[a-z-]+:(.+)$/.exec(key);
    if (!m) { problems.push(`'${key}' is not a jsii-diff key (<kind>:<fqn>)`); continue; }
    const docs = docsOf(m[1], release);
    if (docs === undefined) problems.push(`'${key}': ${m[1]} is not in ${release.name}@${release.version}'s API`);
    else if (docs.deprecated === undefined) {
      problems.push(`'${key}': ${m[1]} was not deprecated in ${release.name}@${release.version}; deprecate it (with its replacement) for a minor version first`);
    }
  }
  return problems;
}

/** The docs of a type (`pkg.Type`) or member (`pkg.Type.member`, `pkg.Type.<initializer>`) of an assembly. */
export function docsOf(fqn: string, assembly: Assembly): Docs | undefined {
  const type = assembly.types[fqn];
  if (type) return type.docs ?? {};
  const dot = fqn.lastIndexOf('.');
  const owner = assembly.types[fqn.slice(0, dot)];
  const name = fqn.slice(dot + 1);
  if (!owner) return undefined;
  if (name === '<initializer>') return owner.initializer ? owner.initializer.docs ?? owner.docs ?? {} : undefined;
  const member = [...owner.methods ?? [], ...owner.properties ?? [], ...owner.members ?? []].find((x) => x.name === name);
  return member ? member.docs ?? {} : undefined;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, JSII_SUPPRESS_UPGRADE_PROMPT: '1', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }));
  });
}

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mrcdk-api-'));
}
