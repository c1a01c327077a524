// Bundles the package's command line (lib/cli/main.ts) with its AWS SDK clients into
// assets/cli/multi-region-cdk.js, the package's `bin`, so `npx multi-region-cdk drill` runs
// without the SDK among the package's dependencies.
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'assets', 'cli', 'multi-region-cdk.js');
fs.rmSync(path.dirname(outfile), { recursive: true, force: true });
buildSync({
  entryPoints: [path.join(root, 'lib', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  mainFields: ['module', 'main'],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
fs.chmodSync(outfile, 0o755);
if (process.env.BUNDLE_QUIET !== '1') console.log(`assets/cli/multi-region-cdk.js  ${(fs.statSync(outfile).size / 1024).toFixed(1)} KiB`);
