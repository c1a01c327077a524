// The build step of the repository's cdk.json (the CDK CLI runs it before every synth): bundles the
// Lambda handlers (scripts/bundle-handlers.mjs) when a bundle is missing or older than its inputs, so
// `npm ci && npx cdk synth` works on a fresh clone without an install script in the published package.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

const handlers = fs.readdirSync(path.join(root, 'lambda'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, 'lambda', d.name, 'index.ts')))
  .map((d) => path.join(root, 'assets', 'lambda', d.name, 'index.js'));
const oldestBundle = Math.min(...handlers.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
const inputs = Math.max(...['lambda', 'package-lock.json', 'scripts/bundle-handlers.mjs'].map((p) => newestMtime(path.join(root, p))));
if (oldestBundle < inputs) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle-handlers.mjs')], { stdio: 'inherit', env: { ...process.env, BUNDLE_QUIET: '1' } });
}
