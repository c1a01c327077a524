import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Repository root (this file is <root>/test/integ/cfn-lint-tool.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The cfn-lint the integration harness pins (test/integ/harness requirements); keep them equal. */
export const CFN_LINT_VERSION = '1.58.0';

const VENV = path.join(REPO_ROOT, '.venv');
const CFN_LINT = path.join(VENV, 'bin', 'cfn-lint');

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

/**
 * The path of cfn-lint in the ignored `.venv/`. The harness's globalSetup installs it there; when
 * it is missing (this file run alone, or before the harness ran) it is installed here, pinned.
 */
export function ensureCfnLint(): string {
  const installed = fs.existsSync(CFN_LINT) ? run(CFN_LINT, ['--version']).stdout.trim() : '';
  if (installed === `cfn-lint ${CFN_LINT_VERSION}`) return CFN_LINT;
  if (!fs.existsSync(path.join(VENV, 'bin', 'python'))) {
    const made = run('python3', ['-m', 'venv', VENV]);
    if (made.status !== 0) throw new Error(`python3 -m venv ${VENV} failed (Python 3 is needed for cfn-lint):\n${made.stderr}`);
  }
  const pip = run(path.join(VENV, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `cfn-lint==${CFN_LINT_VERSION}`]);
  if (pip.status !== 0) throw new Error(`pip install cfn-lint==${CFN_LINT_VERSION} into ${VENV} failed:\n${pip.stderr}`);
  return CFN_LINT;
}

/** One cfn-lint finding, as its JSON output reports it. */
export interface LintFinding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path: unknown[] };
}

/** Lints one template for one Region with the repository's .cfnlintrc (or `configFile`); returns every finding. */
export function cfnLint(cfnLintPath: string, template: string, region: string, configFile = path.join(REPO_ROOT, '.cfnlintrc')): LintFinding[] {
  const result = run(cfnLintPath, ['--config-file', configFile, '--format', 'json', '--non-zero-exit-code', 'none', '--regions', region, '--', template]);
  if (result.status !== 0) throw new Error(`cfn-lint ${template} failed to run (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout || '[]');
}
