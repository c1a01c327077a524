// Bundles each Lambda handler (lambda/<name>/index.ts) once, at the library's build, with the
// library's locked versions of its packages, into assets/lambda/<name>/index.js. Constructs load
// these folders with lambda.Code.fromAsset, so a consumer's synth runs no bundler and needs
// neither esbuild, Docker nor the handlers' packages. The output is deterministic, so asset
// hashes only change when a handler or its locked dependencies do.
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'lambda');
const outDir = path.join(root, 'assets', 'lambda');

const handlers = fs.readdirSync(sourceDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(sourceDir, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();

fs.rmSync(outDir, { recursive: true, force: true });
for (const name of handlers) {
  const outfile = path.join(outDir, name, 'index.js');
  const result = buildSync({
    entryPoints: [path.join(sourceDir, name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    // The oldest Node.js runtime the functions may get (HandlerRuntime.MINIMUM_NODE_MAJOR; a unit test keeps
    // them equal): the library picks the newest runtime the app's aws-cdk-lib knows, never an older one.
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // ES module builds of the SDK packages let esbuild drop what a handler never calls.
    mainFields: ['module', 'main'],
    // pg's optional native binding; pg falls back to its JavaScript client.
    external: ['pg-native'],
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = fs.statSync(outfile).size;
  if (process.env.BUNDLE_QUIET !== '1') {
    console.log(`assets/lambda/${name}/index.js  ${(bytes / 1024).toFixed(1)} KiB  (${Object.keys(result.metafile.inputs).length} inputs)`);
  }
}
