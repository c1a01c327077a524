/**
 * Every app under examples/ compiles with tsc against the PACKED package (installed in the fresh app of
 * global-setup.ts, newest lane), not against the source tree: its `../../lib` import becomes 'multi-region-cdk'.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/paths';
import { readState, run } from './consumer-env';

const state = readState();

test('every example compiles with tsc against the packed package', async () => {
  const examplesDir = path.join(REPO_ROOT, 'examples');
  const names = fs.readdirSync(examplesDir).filter((n) => fs.existsSync(path.join(examplesDir, n, 'app.ts')));
  expect(names.length).toBeGreaterThanOrEqual(3);
  const root = path.join(state.workDir, 'examples-app');
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  // The examples read their placeholder context with the repo's bin/context.ts (aws-cdk-lib only).
  fs.copyFileSync(path.join(REPO_ROOT, 'bin', 'context.ts'), path.join(root, 'bin', 'context.ts'));
  fs.symlinkSync(path.join(state.lanes[0].appDir, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const name of names) {
    const source = fs.readFileSync(path.join(examplesDir, name, 'app.ts'), 'utf8');
    const rewritten = source.replace(/from '\.\.\/\.\.\/lib(\/index)?'/g, "from 'multi-region-cdk'");
    expect(rewritten).not.toMatch(/from '\.\.\/\.\.\/(lib|lambda)/);
    fs.mkdirSync(path.join(root, 'examples', name), { recursive: true });
    fs.writeFileSync(path.join(root, 'examples', name, 'app.ts'), rewritten);
  }
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', lib: ['ES2022'], strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
    include: ['examples/**/*.ts', 'bin/**/*.ts'],
  }, null, 2));
  await run(path.join(state.lanes[0].appDir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: root, logName: 'examples-tsc' });
});
