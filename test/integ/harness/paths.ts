/**
 * Where the integration-test harness keeps things. Everything it installs or writes lives in folders that
 * .gitignore already ignores (.venv/ and .integ/), so `npm test` on a fresh checkout leaves `git status` clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root (this file is <root>/test/integ/harness/paths.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Scratch root for emulator state, logs and the endpoints file. */
export const INTEG_DIR = path.join(REPO_ROOT, '.integ');

/** Server and installer logs; printed (tail) when something fails to start. */
export const LOG_DIR = path.join(INTEG_DIR, 'logs');

/** Written by the jest globalSetup, read by test files through endpoints.ts. */
export const ENDPOINTS_FILE = path.join(INTEG_DIR, 'endpoints.json');

/** Python venv for moto and cfn-lint; LocalStack gets its own venv inside it (see localstack.ts). */
export const VENV_DIR = path.join(REPO_ROOT, '.venv');

/** Returns <repo>/.integ/<parts...>, creating the parent folder so callers can write to it directly. */
export function integPath(...parts: string[]): string {
  const p = path.join(INTEG_DIR, ...parts);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  return p;
}

/** Prefixed progress output on stderr: jest shows it, and CI logs explain where minutes went. */
export function log(message: string): void {
  process.stderr.write(`[integ ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
