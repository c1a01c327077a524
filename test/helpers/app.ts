import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';

/** The placeholder account of cdk.json's context. */
export const TEST_ACCOUNT = '111111111111';

/** The context of cdk.json, so tests build the default app exactly as `npx cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
  return cdkJson.context ?? {};
}

/** A fresh App with cdk.json's context, writing into a temporary folder. */
export function newTestApp(extraContext: Record<string, unknown> = {}): App {
  return new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mrcdk-')),
    context: { ...cdkJsonContext(), ...extraContext },
  });
}

/**
 * A stack of `region` in `app` (environment-agnostic when `region` is undefined), with
 * cross-Region references on, as `MultiRegionApp` makes them.
 */
export function stackIn(app: App, id: string, region: string | undefined): Stack {
  return new Stack(app, id, { env: region ? { account: TEST_ACCOUNT, region } : undefined, crossRegionReferences: true });
}
