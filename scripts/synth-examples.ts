// Synthesizes every app under examples/ (examples/<name>/app.ts) into cdk.out.examples/<name>/,
// with the CDK CLI so each example reads cdk.json's context exactly as `npx cdk synth` does.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const only = process.argv.slice(2);

const names = fs.readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts')))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
if (names.length === 0) {
  console.error(`no example matched ${only.join(', ') || '(any)'} under examples/`);
  process.exit(1);
}

const failed: string[] = [];
for (const name of names) {
  const out = path.join('cdk.out.examples', name);
  const started = Date.now();
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--app', `npx tsx examples/${name}/app.ts`, '--output', out], {
    cwd: root,
    stdio: 'inherit',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) {
    console.log(`✓ ${name} → ${out} (${seconds} s)`);
  } else {
    console.error(`✗ ${name} failed (exit ${result.status})`);
    failed.push(name);
  }
}
if (failed.length > 0) {
  console.error(`examples that failed to synthesize: ${failed.join(', ')}`);
  process.exit(1);
}
