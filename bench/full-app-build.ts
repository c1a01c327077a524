// Compiles the library and bin/ to CommonJS, file by file (no bundling, like tsc's output that
// a consumer installs), into node_modules/.cache/bench-full/, so the timed synth runs JavaScript
// as a consumer's app does, without a TypeScript loader in the process.
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

export const ROOT = path.join(__dirname, '..');
export const BUILD_DIR = path.join(ROOT, 'node_modules', '.cache', 'bench-full');

function tsFiles(dir: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(ROOT, dir, f));
}

/** Returns the path of the compiled default app (bin/app.js). */
export function buildLibrary(): string {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  buildSync({
    entryPoints: [...tsFiles('lib'), ...tsFiles('bin')],
    outdir: BUILD_DIR,
    outbase: ROOT,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  // handlerCode() finds the prebuilt bundles at <lib>/../assets/lambda.
  fs.symlinkSync(path.join(ROOT, 'assets'), path.join(BUILD_DIR, 'assets'));
  return path.join(BUILD_DIR, 'bin', 'app.js');
}
