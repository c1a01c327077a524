import * as fs from 'fs';
import * as path from 'path';

/** One synthesized stack: where it deploys and its template. */
export interface StackInfo {
  readonly stackName: string;
  readonly artifactId: string;
  readonly account: string;
  readonly region: string;
  readonly template: any;
}

/** A synthesized app: its stacks and, for each Lambda asset, the handler (`lambda/<name>`) it bundles. */
export interface AppAssembly {
  readonly name: string;
  readonly directory: string;
  readonly stacks: StackInfo[];
  /** S3 object key of a Lambda asset (`<hash>.zip`) -> handler name, found by comparing the staged bundle with assets/lambda/<name>/index.js. */
  readonly handlerOfAsset: Map<string, string>;
}

const ROOT = path.join(__dirname, '..', '..', '..');
const BUNDLES = path.join(ROOT, 'assets', 'lambda');

/** Reads a cloud assembly directory written by `app.synth()`. */
export function readAssembly(name: string, directory: string): AppAssembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8'));
  const stacks: StackInfo[] = [];
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment);
    if (!env) throw new Error(`stack ${artifactId} has no concrete environment (${artifact.environment}); the proof needs account and Region.`);
    stacks.push({
      artifactId,
      stackName: artifact.properties?.stackName ?? artifactId,
      account: env[1],
      region: env[2],
      template: JSON.parse(fs.readFileSync(path.join(directory, artifact.properties.templateFile), 'utf8')),
    });
  }
  const bundles = new Map<string, string>();
  for (const handler of fs.readdirSync(BUNDLES)) {
    const file = path.join(BUNDLES, handler, 'index.js');
    if (fs.existsSync(file)) bundles.set(fs.readFileSync(file, 'utf8'), handler);
  }
  const handlerOfAsset = new Map<string, string>();
  for (const entry of fs.readdirSync(directory)) {
    const m = /^asset\.([0-9a-f]{64})$/.exec(entry);
    const file = path.join(directory, entry, 'index.js');
    if (!m || !fs.existsSync(file)) continue;
    const handler = bundles.get(fs.readFileSync(file, 'utf8'));
    if (handler) handlerOfAsset.set(`${m[1]}.zip`, handler);
  }
  return { name, directory, stacks, handlerOfAsset };
}
