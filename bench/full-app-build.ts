// Compiles the library and bin/ to CommonJS, file by file (no bundling, like tsc's output that
// a consumer installs), into node_modules/.cache/bench-full/, so the timed synth runs JavaScript
// as a consumer's app does, without a TypeScript loader in the process.
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

export const ROOT = path.join(__dirname, '..');
export const BUILD_DIR = path.join(ROOT, 'node_modules', '.cache', 'bench-full');

function tsFiles(root: string, dir: string): string[] {
  return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(root, dir, f));
}

/**
 * Returns the path of the compiled default app (bin/app.js): of the working tree, or of the git
 * commit `ref` (its lib/ and bin/, for a before/after comparison; same node_modules and bundles).
 */
export function buildLibrary(ref?: string): string {
  const buildDir = ref ? `${BUILD_DIR}-${ref}` : BUILD_DIR;
  let srcRoot = ROOT;
  fs.rmSync(buildDir, { recursive: true, force: true });
  if (ref) {
    srcRoot = `${buildDir}-src`;
    fs.rmSync(srcRoot, { recursive: true, force: true });
    fs.mkdirSync(srcRoot, { recursive: true });
    execSync(`git archive ${ref} lib bin | tar -x -C ${JSON.stringify(srcRoot)}`, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  buildSync({
    entryPoints: [...tsFiles(srcRoot, 'lib'), ...tsFiles(srcRoot, 'bin')],
    outdir: buildDir,
    outbase: srcRoot,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  // handlerCode() finds the prebuilt bundles at <lib>/../assets/lambda.
  fs.symlinkSync(path.join(ROOT, 'assets'), path.join(buildDir, 'assets'));
  return path.join(buildDir, 'bin', 'app.js');
}
