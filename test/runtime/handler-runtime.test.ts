import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildDefaultApp } from '../../bin/default-app';
import { HandlerRuntime } from '../../lib';
import { newTestApp } from '../helpers/app';
import { openFindings } from '../helpers/nag';

/** Runtime of every AWS::Lambda::Function (L1 CfnFunction or aws-cdk-lib's provider CfnResource) of the app's templates. */
function runtimesOf(outdir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
    for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
      if (r.Type === 'AWS::Lambda::Function' && r.Properties?.Runtime) out.set(`${file}/${id}`, r.Properties.Runtime);
    }
  }
  return out;
}

/** aws-cdk-lib's own singleton providers (CustomResourceProvider: CfnResource, not CfnFunction): cdk-nag L1 does not apply. */
const AWS_CDK_PROVIDERS = /CustomResourceProvider(Handler)?[0-9A-F]{8}$/;

describe('HandlerRuntime', () => {
  test('the handler bundles are built for the minimum Node.js major the runtime choice accepts', () => {
    const script = fs.readFileSync(path.join(__dirname, '..', '..', 'scripts', 'bundle-handlers.mjs'), 'utf8');
    expect(script).toContain(`target: 'node${HandlerRuntime.MINIMUM_NODE_MAJOR}'`);
  });

  test('a pin to a runtime older than the bundles, or unknown to aws-cdk-lib, fails naming the valid ones', () => {
    const app = newTestApp({ [HandlerRuntime.CONTEXT_KEY]: 'nodejs20.x' });
    expect(() => HandlerRuntime.of(app)).toThrow(/multi-region-cdk:nodeRuntime is "nodejs20.x".*nodejs24\.x/);
    expect(() => HandlerRuntime.pin(newTestApp(), lambda.Runtime.NODEJS_22_X)).toThrow(/cannot pin the runtime nodejs22.x/);
  });

  describe('with an aws-cdk-lib that knows a newer Node.js runtime than the library was built with', () => {
    // What a newer aws-cdk-lib does: its Runtime constants register themselves in Runtime.ALL, the
    // list cdk-nag's AwsSolutions-L1 compares with. This jest module registry only.
    const newer = new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });

    test('every function of the default app runs it, the DSQL Provider framework\'s included, and AwsSolutions-L1 is clean', () => {
      const app = newTestApp();
      buildDefaultApp(app);
      const findings = openFindings(app, 'AwsSolutions');
      expect(findings.filter((f) => f.rule.startsWith('AwsSolutions-L1'))).toEqual([]);
      const runtimes = runtimesOf(app.outdir);
      const library = [...runtimes].filter(([id]) => !AWS_CDK_PROVIDERS.test(id));
      expect(library.length).toBeGreaterThanOrEqual(10);
      expect(library.filter(([, r]) => r !== newer.name)).toEqual([]);
      // The DSQL peering's framework (onEvent, isComplete, onTimeout) and the onEvent of each DsqlDatabaseRole's
      // framework (the DSQL probes' role and the deep-health functions' role).
      expect(library.filter(([id]) => /Providerframework(onEvent|isComplete|onTimeout)/.test(id)).length).toBe(5);
    });

    test('a pin in context keeps the older runtime everywhere (then AwsSolutions-L1 flags them, as the user chose)', () => {
      const app = newTestApp({ [HandlerRuntime.CONTEXT_KEY]: 'nodejs24.x' });
      buildDefaultApp(app);
      const findings = openFindings(app, 'AwsSolutions');
      expect(findings.filter((f) => f.rule.startsWith('AwsSolutions-L1')).length).toBeGreaterThanOrEqual(10);
      const library = [...runtimesOf(app.outdir)].filter(([id]) => !AWS_CDK_PROVIDERS.test(id));
      expect(new Set(library.map(([, r]) => r))).toEqual(new Set(['nodejs24.x']));
    });

    test('HandlerRuntime.pin sets the same context, under the scope it is given', () => {
      const app = newTestApp();
      HandlerRuntime.pin(app, lambda.Runtime.NODEJS_24_X);
      expect(HandlerRuntime.of(app).name).toBe('nodejs24.x');
      expect(HandlerRuntime.of(newTestApp()).name).toBe(newer.name);
    });
  });
});
