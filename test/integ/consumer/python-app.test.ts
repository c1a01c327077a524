/**
 * The Python wheel (jsii-pacmak) in a venv with aws-cdk-lib from PyPI (see global-setup.ts): the consumer
 * app written in Python synthesizes the same templates as the TypeScript one, as clean. One lane only: PyPI's
 * aws-cdk-lib trails npm's (on 2026-12-08 PyPI's newest was 2.275.0, npm's 2.278.0), so the venv takes
 * the peer floor, which is also the newest PyPI serves on that day.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_DIR, readState, repoBin, run } from './consumer-env';
import { expectCleanValidation, expectConsumerApp } from './templates';

const state = readState();

test('the wheel installs beside PyPI\'s aws-cdk-lib and the Python app synthesizes: DSQL pair, routing, probes on the team\'s own stacks', async () => {
  const appDir = path.join(state.workDir, 'shop-app-python');
  fs.mkdirSync(appDir, { recursive: true });
  fs.copyFileSync(path.join(FIXTURE_DIR, 'python', 'app.py'), path.join(appDir, 'app.py'));
  const context = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'cdk.context.json'), 'utf8'));
  fs.writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: `${state.python} app.py`, context }, null, 2));
  await run(repoBin('cdk'), ['synth', '--quiet', '--output', 'cdk.out'], { cwd: appDir, logName: 'python-app-synth' });
  expectCleanValidation(path.join(appDir, 'cdk.out'));
  expectConsumerApp(path.join(appDir, 'cdk.out'));
}, 300_000);
