// The README's Install section says which cdk.json context keys an app needs: the default app
// (endpoints with VPCs, DSQL, probes, routing, alarm topics, cdk-nag) must synthesize with only
// its own three keys and the Availability Zones of its accounts' Regions.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildDefaultApp } from '../../bin/default-app';
import { CONTEXT } from '../../bin/context';
import { cdkJsonContext } from '../helpers/app';

test('the default app synthesizes with only the availability-zones context the README names', () => {
  const full = cdkJsonContext();
  const context = Object.fromEntries(Object.entries(full).filter(([key]) =>
    key.startsWith('availability-zones:') || (Object.values(CONTEXT) as string[]).includes(key)));
  expect(Object.keys(context).some((k) => k.startsWith('@aws-cdk/'))).toBe(false);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mrcdk-ctx-')), context });
  const topology = buildDefaultApp(app);
  app.synth();
  // DnsRouting and AcceleratorRouting still reach the regional load balancers through cross-Region
  // references (export writers in each regional stack), which they declare strong themselves.
  for (const stack of topology.regionalStacks) {
    expect(Object.keys(Template.fromStack(stack).findResources('Custom::CrossRegionExportWriter')).length).toBeGreaterThan(0);
  }
}, 120_000);
