/**
 * API.md is jsii-docgen's reference of the public API; this fails when it no longer matches the code
 * (the globalSetup has just compiled the .jsii it reads). Fix: `npm run docgen` and commit API.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/paths';
import { readState, repoBin, run } from './consumer-env';

test('API.md is up to date with the code (npm run docgen regenerates it)', async () => {
  const fresh = path.join(readState().workDir, 'API.md');
  await run(repoBin('jsii-docgen'), ['-o', fresh], { cwd: REPO_ROOT, logName: 'jsii-docgen' });
  const committed = fs.readFileSync(path.join(REPO_ROOT, 'API.md'), 'utf8');
  if (committed !== fs.readFileSync(fresh, 'utf8')) {
    throw new Error('API.md does not match the public API: run `npm run docgen` and commit API.md');
  }
});
