import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { auditCoverage } from './helpers/audit-coverage';
import { reportSchemaErrors } from './report/schema-validator';

// Every app under examples/ (examples/<name>/app.ts), found by listing the folder so a new
// example is tested without touching this file. Each is synthesized by the CDK CLI exactly as
// `npm run synth:examples` does: cdk-nag (AwsSolutions and MultiRegionChecks) and
// CloudFormation validation fail the synth on any open error.
const root = path.join(__dirname, '..');
const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter((name) => fs.existsSync(path.join(root, 'examples', name, 'app.ts')))
  .sort();

test('examples/ holds the eu-resident example', () => {
  expect(examples).toContain('eu-resident');
});

test('examples/ holds the DynamoDB global table and Aurora global database examples', () => {
  expect(examples).toEqual(expect.arrayContaining(['dynamodb-global-table', 'aurora-global-database']));
});

/** What each example's resilience report must show (cdk.out/resilience/report.json). */
const REPORTS: Record<string, { regions: string[]; replication: string[]; dataStores: string[]; routing: string[]; residencyRules: string[]; probes: string[] }> = {
  'active-active-dsql': {
    // us-east-1: the trail of IAM, STS and CloudFront events (CloudTrail records them there only).
    regions: ['eu-west-1:active', 'eu-west-2:active', 'eu-west-3:witness', 'us-east-1:support'],
    replication: ['eu-west-1>eu-west-2 SYNCHRONOUS', 'eu-west-2>eu-west-1 SYNCHRONOUS', 'eu-west-1>eu-west-3 QUORUM', 'eu-west-2>eu-west-3 QUORUM'],
    dataStores: ['Aurora DSQL peered clusters SYNCHRONOUS RPO 0 s'],
    routing: [], residencyRules: [], probes: [],
  },
  'active-passive-failover': {
    regions: ['eu-west-1:active*', 'eu-central-1:standby', 'us-east-1:support', 'us-west-2:support'],
    replication: [], dataStores: [],
    routing: ['dns 168 s', 'accelerator 55 s'], residencyRules: [], probes: [],
  },
  'aurora-global-database': {
    regions: ['eu-west-1:active*', 'eu-central-1:standby', 'us-east-1:support'],
    replication: ['eu-west-1>eu-central-1 ASYNCHRONOUS warn 1 s crit 5 s'],
    dataStores: ['Aurora Global Database ASYNCHRONOUS RPO 5 s'],
    routing: [], residencyRules: [], probes: [],
  },
  'dynamodb-global-table': {
    regions: ['us-east-1:active', 'us-west-2:active'],
    replication: ['us-east-1>us-west-2 ASYNCHRONOUS warn 1 s crit 5 s', 'us-west-2>us-east-1 ASYNCHRONOUS warn 1 s crit 5 s'],
    dataStores: ['DynamoDB global table ASYNCHRONOUS RPO 5 s PII'],
    routing: [], residencyRules: ['PII: us-east-1 us-west-2'], probes: ['us-east-1 dynamodb-replication', 'us-west-2 dynamodb-replication'],
  },
  'eu-resident': {
    regions: ['eu-west-1:active', 'eu-central-1:active', 'eu-west-3:witness'],
    replication: ['eu-west-1>eu-central-1 SYNCHRONOUS', 'eu-central-1>eu-west-1 SYNCHRONOUS', 'eu-west-1>eu-west-3 QUORUM', 'eu-central-1>eu-west-3 QUORUM'],
    dataStores: ['Aurora DSQL peered clusters SYNCHRONOUS RPO 0 s PII'],
    routing: [], residencyRules: ['PII: eu-west-1 eu-central-1 eu-west-3'], probes: [],
  },
};

/** The trail that records each example's IAM, STS and CloudFront events. */
const AUDIT_GLOBAL_EVENTS: Record<string, string[]> = {
  'active-active-dsql': ['us-east-1 single'],
  'active-passive-failover': ['us-east-1 single'],
  'aurora-global-database': ['us-east-1 single'],
  'dynamodb-global-table': ['us-east-1 single'],
  // EU residency: a multi-Region trail in eu-west-1 keeps them in the EU.
  'eu-resident': ['eu-west-1 multi'],
};

describe.each(examples)('examples/%s', (name) => {
  test('synthesizes with no open validation finding, has a README, and its resilience report shows its Regions, replication and routing', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--app', `npx tsx examples/${name}/app.ts`, '--output', out], {
      cwd: root, encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const stacks = Object.values<any>(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(root, 'examples', name, 'README.md'))).toBe(true);
    // Audit: a trail records IAM, STS and CloudFront events, and every Region the app deploys to
    // (where it changes production: regional, global, accelerator and drill stacks) has a trail.
    const audit = auditCoverage(out);
    expect(audit.regionsWithoutTrail).toEqual([]);
    expect(audit.globalServiceEventTrails).toEqual(AUDIT_GLOBAL_EVENTS[name]);
    // The resilience report of the example: the same synth writes it.
    const report = JSON.parse(fs.readFileSync(path.join(out, 'resilience', 'report.json'), 'utf8'));
    expect(reportSchemaErrors(report)).toEqual([]);
    const expected = REPORTS[name];
    expect(expected).toBeDefined();
    expect(report.regions.map((r: any) => `${r.region}:${r.role}${r.primary ? '*' : ''}`)).toEqual(expected.regions);
    expect(report.replication.map((e: any) => `${e.from}>${e.to} ${e.mode}${e.lagAlarms ? ` warn ${e.lagAlarms.warningSeconds} s crit ${e.lagAlarms.criticalSeconds} s` : ''}`)).toEqual(expected.replication);
    expect(report.dataStores.map((d: any) => `${d.kind} ${d.replicationMode} RPO ${d.worstCaseRpoSeconds} s${d.dataClass ? ` ${d.dataClass}` : ''}`)).toEqual(expected.dataStores);
    expect(report.routing.map((p: any) => `${p.path} ${p.worstCaseSeconds} s`)).toEqual(expected.routing);
    expect(report.dataResidency.rules.map((r: any) => `${r.dataClass}: ${r.allowedRegions.join(' ')}`)).toEqual(expected.residencyRules);
    expect(report.dataResidency.violations).toEqual([]);
    expect(report.regions.flatMap((r: any) => r.probes.map((p: any) => `${r.region} ${p.kind}`))).toEqual(expected.probes);
  }, 180_000);
});
