/**
 * What the consumer tests assert on the synthesized consumer app (app/app.ts and app/python/app.py are the
 * same app), read from its cdk.out as a deployment would.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/paths';

interface Resource { Type: string; Properties?: Record<string, any> }
interface StackOut { id: string; region: string; template: { Description?: string; Resources: Record<string, Resource> } }

function loadStacks(cdkOut: string): Map<string, StackOut> {
  const manifest = JSON.parse(fs.readFileSync(path.join(cdkOut, 'manifest.json'), 'utf8'));
  const stacks = new Map<string, StackOut>();
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const template = JSON.parse(fs.readFileSync(path.join(cdkOut, artifact.properties.templateFile), 'utf8'));
    // The stack's id in its Stage (`Prod/ShopUsEast1` in a CDK Pipelines stage is `ShopUsEast1`).
    const stackId = String(artifact.displayName ?? id).split('/').pop()!;
    stacks.set(stackId, { id: stackId, region: String(artifact.environment).split('/').pop()!, template });
  }
  return stacks;
}

function ofType(stack: StackOut, type: string): Resource[] {
  return Object.values(stack.template.Resources).filter((r) => r.Type === type);
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Hashes of the handler bundles the package ships (the build the package was packed from). */
export function shippedBundles(assetRoot = path.join(REPO_ROOT, 'assets', 'lambda')): Map<string, string> {
  return new Map(fs.readdirSync(assetRoot).map((name) => [sha256(path.join(assetRoot, name, 'index.js')), name]));
}

/**
 * The app's validation report (written where `cdk synth` ran the plugins: the top cloud assembly) is clean:
 * every plugin succeeded, AwsSolutions and MultiRegionChecks have no open finding, and MultiRegionChecks
 * says that it ran (its summary entry) and on how many resources.
 */
export function expectCleanValidation(cdkOut: string): void {
  const report = JSON.parse(fs.readFileSync(path.join(cdkOut, 'validation-report.json'), 'utf8'));
  const plugins = report.pluginReports as any[];
  expect(plugins.filter((p) => p.conclusion !== 'success').map((p) => p.pluginName)).toEqual([]);
  const open = plugins.filter((p) => ['AwsSolutions', 'MultiRegionChecks'].includes(p.pluginName))
    .flatMap((p) => p.violations.filter((v: any) => v.severity !== 'info')
      .flatMap((v: any) => v.violatingConstructs.map((c: any) => `${p.pluginName} ${v.ruleName} ${c.constructPath}`)));
  expect(open).toEqual([]);
  const pack = plugins.find((p) => p.pluginName === 'MultiRegionChecks');
  expect(pack?.metadata?.rulesRun).toMatch(/^[1-9]\d*$/);
  expect(Number(pack?.metadata?.resourcesChecked)).toBeGreaterThan(50);
}

/**
 * Runs jest expectations on the consumer app's cloud assembly `cdkOut` (a Stage's nested assembly, whose
 * assets are in the top assembly `assetDir`).
 */
export function expectConsumerApp(cdkOut: string, assetDir = cdkOut): void {
  const stacks = loadStacks(cdkOut);
  // The team's own stacks, in their Regions, with their own descriptions: no stack made by the library.
  expect([...stacks.values()].map((s) => `${s.id}@${s.region}`).sort())
    .toEqual(['ShopAccelerator@us-west-2', 'ShopGlobal@us-east-1', 'ShopUsEast1@us-east-1', 'ShopUsEast2@us-east-2']);
  expect(stacks.get('ShopUsEast2')!.template.Description).toBe('Shop (us-east-2), a stack the shop team owns');

  // A peered DSQL pair with us-west-2 as witness, one cluster per active Region, and one peering.
  for (const id of ['ShopUsEast1', 'ShopUsEast2']) {
    const clusters = ofType(stacks.get(id)!, 'AWS::DSQL::Cluster');
    expect(clusters).toHaveLength(1);
    expect(clusters[0].Properties?.MultiRegionProperties?.WitnessRegion).toBe('us-west-2');
  }
  const all = [...stacks.values()];
  expect(all.flatMap((s) => ofType(s, 'Custom::DsqlPeering'))).toHaveLength(1);

  // DNS routing in the us-east-1 global stack: health checks and records for shop.example.com.
  const global = stacks.get('ShopGlobal')!;
  expect(ofType(global, 'AWS::Route53::HealthCheck').length).toBeGreaterThanOrEqual(2);
  const records = ofType(global, 'AWS::Route53::RecordSet').filter((r) => String(r.Properties?.Name).startsWith('shop.example.com'));
  expect(records.length).toBeGreaterThanOrEqual(2);
  // The accelerator in us-west-2, one endpoint group per active Region.
  const accelerator = stacks.get('ShopAccelerator')!;
  expect(ofType(accelerator, 'AWS::GlobalAccelerator::Accelerator')).toHaveLength(1);
  expect(ofType(accelerator, 'AWS::GlobalAccelerator::EndpointGroup')).toHaveLength(2);

  // The library's Lambda functions run the bundles the package ships, byte for byte: synth bundled nothing.
  const shipped = shippedBundles();
  const used = new Set<string>();
  for (const stack of all) {
    for (const fn of ofType(stack, 'AWS::Lambda::Function')) {
      const key = fn.Properties?.Code?.S3Key;
      if (typeof key !== 'string') continue;
      const index = path.join(assetDir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js');
      if (fs.existsSync(index) && shipped.has(sha256(index))) used.add(shipped.get(sha256(index))!);
    }
  }
  // us-east-1's long target list ships as a file beside the packaged health-probe bundle.
  const targetFiles = fs.readdirSync(assetDir).filter((d) => fs.existsSync(path.join(assetDir, d, 'health-probe-targets.json')));
  expect(targetFiles).toHaveLength(1);
  expect(JSON.parse(fs.readFileSync(path.join(assetDir, targetFiles[0], 'health-probe-targets.json'), 'utf8'))).toHaveLength(61);

  // Every handler this app's constructs need (the others ship for constructs it does not use): the load
  // balancers' only target is deep health, and with no health alarm on routing there is no controller.
  expect([...used].sort()).toEqual(['deep-health', 'dsql-peering', 'dsql-probe', 'dsql-role-setup', 'health-probe']);

  // The installed package writes the resilience report: the team's stacks, the DSQL pair as
  // synchronous with its witness, and both routing paths' worst cases, rendered in the SVG and HTML.
  const report = JSON.parse(fs.readFileSync(path.join(cdkOut, 'resilience', 'report.json'), 'utf8'));
  expect(report.generator).toMatch(/^multi-region-cdk \d+\.\d+\.\d+/);
  expect(report.regions.map((r: any) => `${r.region}:${r.role}:${r.stacks.map((st: any) => st.path.split('/').pop()).join('+')}`))
    .toEqual(['us-east-1:active:ShopUsEast1+ShopGlobal', 'us-east-2:active:ShopUsEast2', 'us-west-2:witness:ShopAccelerator']);
  expect(report.replication.map((e: any) => `${e.from}>${e.to} ${e.mode}`))
    .toEqual(['us-east-1>us-east-2 SYNCHRONOUS', 'us-east-2>us-east-1 SYNCHRONOUS', 'us-east-1>us-west-2 QUORUM', 'us-east-2>us-west-2 QUORUM']);
  expect(report.routing.map((p: any) => p.path)).toEqual(['dns', 'accelerator']);
  const html = fs.readFileSync(path.join(cdkOut, 'resilience', 'report.html'), 'utf8');
  const svg = fs.readFileSync(path.join(cdkOut, 'resilience', 'topology.svg'), 'utf8');
  for (const p of report.routing) expect(html).toContain(String(p.worstCaseSeconds));
  for (const region of ['us-east-1', 'us-east-2', 'us-west-2']) {
    expect(html).toContain(region);
    expect(svg).toContain(region);
  }
}
