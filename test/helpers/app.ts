import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

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
