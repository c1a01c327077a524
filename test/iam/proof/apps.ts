import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppAssembly, readAssembly } from './assembly';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Every examples/<name>/app.ts (found by listing, so a new example is covered). */
export function exampleNames(): string[] {
  return fs.readdirSync(path.join(ROOT, 'examples'))
    .filter((name) => fs.existsSync(path.join(ROOT, 'examples', name, 'app.ts')))
    .sort();
}

/** Apps of test/iam/fixtures/<name>.ts (`fixture:<name>`): handlers no example deploys, built as the README documents them. */
export function fixtureNames(): string[] {
  return fs.readdirSync(path.join(__dirname, '..', 'fixtures')).filter((f) => f.endsWith('.ts')).map((f) => `fixture:${f.replace(/\.ts$/, '')}`).sort();
}

/**
 * Synthesizes one app in a module registry of its own, with cdk.json's context, exactly as the CLI
 * would, except that cdk-nag's and CloudFormation's validations are skipped (examples.test.ts and
 * default-app.test.ts run those; the proof only needs the templates). `mutate` may change the
 * construct tree before synthesis (the mutation test removes a statement with it).
 */
export function synthApp(name: string, mutate?: (app: any) => void): AppAssembly {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `iam-proof-${name.replace(':', '-')}-`));
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  const context = { ...cdkJson.context, '@aws-cdk/core:validateAgainstDefaultRules': false };
  const saved = { outdir: process.env.CDK_OUTDIR, context: process.env.CDK_CONTEXT_JSON };
  try {
    jest.isolateModules(() => {
      const cdk = require('aws-cdk-lib');
      cdk.Validations.prototype.addPlugins = function addPlugins() { /* skipped: see above */ };
      if (mutate) {
        // Examples synthesize on load: hook App.synth so the mutation runs on the finished tree first.
        const synth = cdk.App.prototype.synth;
        cdk.App.prototype.synth = function synthMutated(this: any, ...args: unknown[]) {
          mutate(this);
          return synth.apply(this, args);
        };
      }
      if (name === 'default-app' || name.startsWith('fixture:')) {
        const app = new cdk.App({ outdir, context });
        if (name === 'default-app') require(path.join(ROOT, 'bin', 'default-app')).buildDefaultApp(app);
        else require(path.join(__dirname, '..', 'fixtures', name.slice('fixture:'.length))).build(app);
        app.synth();
      } else {
        process.env.CDK_OUTDIR = outdir;
        process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
        require(path.join(ROOT, 'examples', name, 'app'));
      }
    });
  } finally {
    restore('CDK_OUTDIR', saved.outdir);
    restore('CDK_CONTEXT_JSON', saved.context);
  }
  return readAssembly(name, outdir);
}

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
