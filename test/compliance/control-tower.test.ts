import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { buildDefaultApp } from '../../bin/default-app';
import { cdkJsonContext, newTestApp } from '../helpers/app';
import { Finding, openFindings } from '../helpers/nag';

// AWS Control Tower's proactive controls, as cdklabs publishes them for CDK apps
// (@cdklabs/cdk-validator-cfnguard: the Control Tower rules by default, run by the cfn-guard
// binary shipped inside the npm package, so no Docker and no network). Every finding of the
// default app and of each example is either fixed or acknowledged on its construct with a reason.
const PLUGIN = 'cdk-validator-cfnguard';


function controlTowerFindings(app: App): Finding[] {
  Validations.of(app).addPlugins(new CfnGuardValidator());
  return openFindings(app, PLUGIN);
}

test('the default app passes the Control Tower proactive controls with no open finding', () => {
  const app = newTestApp();
  buildDefaultApp(app);
  expect(controlTowerFindings(app)).toEqual([]);
}, 120_000);

const root = path.join(__dirname, '..', '..');
const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter((name) => fs.existsSync(path.join(root, 'examples', name, 'app.ts')))
  .sort();

describe.each(examples)('examples/%s', (name) => {
  test('passes the Control Tower proactive controls with no open finding', () => {
    // The example builds its own App from the CLI's environment and calls app.synth() itself;
    // the plugin is added to that App just before its synth.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `ct-${name}-`));
    const env = { CDK_OUTDIR: process.env.CDK_OUTDIR, CDK_CONTEXT_JSON: process.env.CDK_CONTEXT_JSON };
    process.env.CDK_OUTDIR = outdir;
    process.env.CDK_CONTEXT_JSON = JSON.stringify(cdkJsonContext());
    const synth = App.prototype.synth;
    let findings: Finding[] | undefined;
    const spy = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App, options) {
      spy.mockRestore();
      findings = controlTowerFindings(this);
      return synth.call(this, options);
    });
    try {
      try {
        require(path.join(root, 'examples', name, 'app.ts'));
      } catch (e) {
        // The example's own synth fails on the open findings read above.
        if (findings === undefined) throw e;
      }
    } finally {
      spy.mockRestore();
      Object.assign(process.env, env);
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    }
    expect(findings).toEqual([]);
  }, 120_000);
});
