import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readEndpoints } from './harness/endpoints';

/** Repository root (this file is <root>/test/integ/cfn-lint-tool.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The cfn-lint that the harness's globalSetup installed into the ignored `.venv/` (pinned in
 * test/integ/harness/python/moto.txt), so this test needs nothing installed by hand.
 */
export function harnessCfnLint(): string {
  const cfnLint = readEndpoints().venv?.cfnLint;
  if (!cfnLint || !fs.existsSync(cfnLint)) {
    throw new Error(`cfn-lint not found (${cfnLint ?? 'no venv in the endpoints file'}); run this test in jest project integ, whose globalSetup installs it.`);
  }
  return cfnLint;
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
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
