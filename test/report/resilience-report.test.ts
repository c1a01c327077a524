import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { buildDefaultApp } from '../../bin/default-app';
import {
  DataClass, DataResidency, DataResidencyGuard, DnsRouting, DsqlPeeredClusters, IReplicatedDataStore, MultiRegionApp, MultiRegionTopology, RecoveryObjectives, ReplicationMode, ResilienceReport,
} from '../../lib';
import { diffReports, renderDiffText } from '../../lib/report/private/diff';
import { ResilienceReportDocument } from '../../lib/report/private/schema';
import { newTestApp, TEST_ACCOUNT } from '../helpers/app';
import { reportSchemaErrors } from './schema-validator';
import { domainRegions, newTopology, zoneIn } from '../routing/fixture';

/** The report.json the app wrote, checked against the JSON Schema the package ships. */
function reportOf(app: App): ResilienceReportDocument {
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'resilience', 'report.json'), 'utf8'));
  expect(reportSchemaErrors(report)).toEqual([]);
  return report;
}

/** Synthesizes and returns the report with the synth error, if any (the report is written even when synth fails). */
function synthReport(app: App): { report: ResilienceReportDocument; error?: string } {
  let error: string | undefined;
  try {
    app.synth();
  } catch (e) {
    error = (e as Error).message;
  }
  return { report: reportOf(app), error };
}

/** An asynchronous store of the app's own, whose lag alarm fires at 120 s. */
class LaggingStore extends Construct implements IReplicatedDataStore {
  public readonly replicationMode = ReplicationMode.ASYNCHRONOUS;
  public readonly worstCaseRpoSeconds = 120;
  public readonly rpoBasis = 'lag alarm threshold 120 s';
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new sqs.Queue(this, 'Queue', { enforceSSL: true });
  }
}

describe('the default app (bin/app.ts)', () => {
  let app: App;
  let report: ResilienceReportDocument;
  beforeAll(() => {
    app = newTestApp();
    buildDefaultApp(app);
    app.synth();
    report = reportOf(app);
  });

  test('writes report.json, topology.svg and report.html into cdk.out/resilience/', () => {
    for (const file of ['report.json', 'topology.svg', 'report.html']) {
      expect(fs.statSync(path.join(app.outdir, 'resilience', file)).size).toBeGreaterThan(0);
    }
    expect(report.schemaVersion).toBe(1);
    expect(report.generator).toMatch(/^multi-region-cdk \d+\.\d+\.\d+/);
  });

  test('the two active Regions, then the witness, each with its stacks and key', () => {
    expect(report.app).toEqual({
      name: 'multi-region', topologyPath: 'MultiRegion', posture: 'ACTIVE_ACTIVE', activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2',
    });
    expect(report.regions.map((r) => [r.region, r.role])).toEqual([['us-east-1', 'active'], ['us-east-2', 'active'], ['us-west-2', 'witness']]);
    const [east1, east2, west2] = report.regions;
    expect(east1.stacks.map((s) => s.stackName)).toEqual(['multi-region-us-east-1', 'multi-region-global']);
    expect(east2.stacks.map((s) => s.stackName)).toEqual(['multi-region-us-east-2']);
    expect(west2.stacks.map((s) => s.stackName)).toEqual(['multi-region-accelerator', 'multi-region-game-day']);
    expect(east1.keys).toContainEqual({ path: 'MultiRegion/us-east-1/RegionalKey', alias: 'alias/multi-region/us-east-1' });
    expect(east2.keys).toContainEqual({ path: 'MultiRegion/us-east-2/RegionalKey', alias: 'alias/multi-region/us-east-2' });
  });

  test('each active Region has its endpoint on both paths and its probes; the witness has the DSQL witness, no endpoint', () => {
    for (const r of report.regions.slice(0, 2)) {
      expect(r.endpoints).toEqual([{ description: `load balancer MultiRegion/${r.region}/Endpoint/LoadBalancer`, dnsName: 'known at deploy', paths: ['dns', 'accelerator'] }]);
      expect(r.probes.map((p) => p.kind).sort()).toEqual(['dsql', 'health']);
      expect(r.dataStores).toEqual([{ id: 'MultiRegion/Dsql', role: 'peer' }]);
      expect(r.services.map((s) => s.path)).toContain('MultiRegion/AuditTrail');
    }
    const witness = report.regions[2];
    expect(witness.endpoints).toEqual([]);
    expect(witness.dataStores).toEqual([{ id: 'MultiRegion/Dsql', role: 'witness' }]);
    expect(witness.services.map((s) => s.description)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Global Accelerator/), expect.stringMatching(/^Region evacuation drill/),
    ]));
    expect(report.regions[0].services.map((s) => s.description)).toContainEqual(expect.stringMatching(/^Route 53 latency records for app\.example\.com/));
  });

  test('the DSQL pair replicates synchronously both ways, and each peer to the witness as quorum', () => {
    expect(report.dataStores).toEqual([expect.objectContaining({
      id: 'MultiRegion/Dsql', kind: 'Aurora DSQL peered clusters', replicationMode: 'SYNCHRONOUS', worstCaseRpoSeconds: 0,
      members: [{ region: 'us-east-1', role: 'peer' }, { region: 'us-east-2', role: 'peer' }, { region: 'us-west-2', role: 'witness' }],
    })]);
    expect(report.replication.map((e) => `${e.from}>${e.to} ${e.mode}${e.lagAlarms ? ' alarmed' : ''}`)).toEqual([
      'us-east-1>us-east-2 SYNCHRONOUS', 'us-east-2>us-east-1 SYNCHRONOUS', 'us-east-1>us-west-2 QUORUM', 'us-east-2>us-west-2 QUORUM',
    ]);
  });

  test('both routing paths carry the failover budget of cdk.out/failover-budget.json, every term included', () => {
    const budget = JSON.parse(fs.readFileSync(path.join(app.outdir, 'failover-budget.json'), 'utf8'));
    // The budget as synth wrote it, plus each Region's detection branches with their basis.
    expect(report.routing.map((p) => ({ ...p, regions: p.regions.map(({ branches, ...r }) => r) }))).toEqual(budget.paths);
    expect(report.routing.map((p) => [p.path, p.worstCaseSeconds, p.complete])).toEqual([['dns', 107, true], ['accelerator', 48, true]]);
    expect(report.routing[0].regions[0].branches).toEqual([
      { name: 'endpoint check', seconds: 32, basis: 'CONFIGURED', controlPlanes: [] },
      { name: 'deep health', seconds: 37, basis: 'CONFIGURED', controlPlanes: [] },
    ]);
    expect(report.routing[1].regions[0].branches).toEqual([{ name: 'target health', seconds: 48, basis: 'ASSUMED', controlPlanes: [] }]);
    const dnsEast1 = report.routing[0].regions[0];
    expect(dnsEast1.terms.map((t) => t.basis)).toEqual(expect.arrayContaining(['CONFIGURED', 'ASSUMED']));
    expect(report.summary).toEqual({ objectivesMet: true, worstCaseFailoverSeconds: 107, worstCaseRpoSeconds: 0, residencyViolations: 0, acknowledgements: report.acknowledgements.length });
  });

  test('the objectives: RTO 120 s against every path and Region, RPO 0 against the DSQL pair, all met', () => {
    expect(report.objectives).toHaveLength(1);
    const [objectives] = report.objectives;
    expect([objectives.tier, objectives.rtoSeconds, objectives.rpoSeconds, objectives.met]).toEqual(['custom', 120, 0, true]);
    expect(objectives.checks.map((c) => `${c.objective} ${c.subject} ${c.seconds}/${c.limitSeconds} ${c.met}`)).toEqual([
      'RTO dns path, us-east-1 107/120 true', 'RTO dns path, us-east-2 107/120 true',
      'RTO accelerator path, us-east-1 48/120 true', 'RTO accelerator path, us-east-2 48/120 true',
      'RPO data store MultiRegion/Dsql 0/0 true',
    ]);
  });

  test('lists every acknowledged rule with its reason and where; no drill without a drill report', () => {
    expect(report.acknowledgements.length).toBeGreaterThan(20);
    expect(report.acknowledgements).toContainEqual({
      id: 'CloudFormation-Validate::W3010', constructPath: 'MultiRegion/us-east-1', reason: expect.stringMatching(/Literal AZs/),
    });
    expect(report.acknowledgements.every((a) => a.reason.length > 0)).toBe(true);
    expect(report.drill).toBeUndefined();
    // Audit logs are classed per Region: listed, with no guard to break.
    expect(report.dataResidency.guards).toEqual([]);
    expect(report.dataResidency.resources.map((r) => r.dataClass)).toContain('AUDIT_LOG:us-east-2');
  });

  test('the same app gives the same report twice (no token or time in it)', () => {
    const again = newTestApp();
    buildDefaultApp(again);
    again.synth();
    expect(fs.readFileSync(path.join(again.outdir, 'resilience', 'report.json'), 'utf8')).toEqual(fs.readFileSync(path.join(app.outdir, 'resilience', 'report.json'), 'utf8'));
    expect(JSON.stringify(report)).not.toMatch(/\$\{Token\[/);
  });
});

describe('a drill report beside the budget', () => {
  function drillFile(content: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-')), 'report.json');
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }
  const drill = {
    executionId: 'arn:aws:states:us-west-2:111111111111:execution:drill:d1', region: 'us-east-2', outcome: 'succeeded',
    finishedAt: '2026-11-20T10:00:00.000Z', changes: [], dataPath: [], exceeded: true,
    paths: [
      { path: 'dns', method: 'resolver', measuredSeconds: 92.4, budgetSeconds: 300, withinBudget: true, notes: [] },
      { path: 'accelerator', method: 'dial', budgetSeconds: 310, withinBudget: false, notes: ['not observed'] },
    ],
  };

  test('from the context key: measured times beside this synth\'s budget for the drilled Region and the drill\'s own', () => {
    const app = newTestApp({ [ResilienceReport.DRILL_REPORT_CONTEXT]: drillFile(drill) });
    buildDefaultApp(app);
    app.synth();
    expect(reportOf(app).drill).toEqual(expect.objectContaining({
      region: 'us-east-2', outcome: 'succeeded',
      paths: [
        { path: 'dns', measuredSeconds: 92.4, budgetSeconds: 107, drillBudgetSeconds: 300, withinBudget: true },
        { path: 'accelerator', budgetSeconds: 48, drillBudgetSeconds: 310, withinBudget: false },
      ],
    }));
  });

  test('useDrillReport() wins over the context; a measured time past the budget is not within it', () => {
    const app = newTestApp({ [ResilienceReport.DRILL_REPORT_CONTEXT]: '/nonexistent.json' });
    const topology = buildDefaultApp(app);
    ResilienceReport.of(topology).useDrillReport(drillFile({ ...drill, paths: [{ path: 'dns', measuredSeconds: 400 }] }));
    app.synth();
    expect(reportOf(app).drill?.paths).toEqual([{ path: 'dns', measuredSeconds: 400, budgetSeconds: 107, withinBudget: false }]);
  });

  test('a file that is not a drill report fails synth, naming it and what it lacks', () => {
    const file = drillFile({ region: 'us-east-1' });
    const app = newTestApp({ [ResilienceReport.DRILL_REPORT_CONTEXT]: file });
    buildDefaultApp(app);
    expect(() => app.synth()).toThrow(`the drill report ${file} is not a RegionEvacuationDrill report: it lacks executionId, outcome, finishedAt, paths.`);
    const garbage = drillFile('{not json');
    const other = newTestApp({ [ResilienceReport.DRILL_REPORT_CONTEXT]: garbage });
    buildDefaultApp(other);
    expect(() => other.synth()).toThrow(new RegExp(`the drill report ${garbage} cannot be read as JSON`));
  });
});

describe('failing apps still get their report, showing what fails', () => {
  test('a residency violation: synth fails and the report lists the violation, the rule and the tagged resource', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Eu', { activeRegions: ['eu-west-1', 'eu-central-1'], account: TEST_ACCOUNT });
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }] });
    const queue = new sqs.Queue(topology.regionalStack('eu-central-1'), 'Customers', { enforceSSL: true });
    DataResidency.tag(queue, DataClass.PII);
    const { report, error } = synthReport(app);
    expect(error).toMatch(/Customers\/Resource \(AWS::SQS::Queue, multi-region:data-class=PII\) is in eu-central-1; PII data may live only in eu-west-1/);
    expect(report.dataResidency).toEqual(expect.objectContaining({
      guards: ['Residency'],
      rules: [{ dataClass: 'PII', allowedRegions: ['eu-west-1'], guard: 'Residency' }],
      violations: [{ guard: 'Residency', message: expect.stringMatching(/Eu\/eu-central-1\/Customers\/Resource .* is in eu-central-1/) }],
    }));
    expect(report.dataResidency.resources).toContainEqual({ path: 'Eu/eu-central-1/Customers/Resource', type: 'AWS::SQS::Queue', dataClass: 'PII', region: 'eu-central-1', livesIn: [{ region: 'eu-central-1', role: 'resource' }] });
    expect(report.summary.residencyViolations).toBe(1);
  });

  test('an RPO not met: synth fails and the report marks the store\'s check NOT met; a store of the app\'s own is placed in its stack\'s Region', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-west-2'], account: TEST_ACCOUNT });
    const store = new LaggingStore(topology.regionalStack('us-west-2'), 'Orders');
    new RecoveryObjectives(topology, 'Objectives', { rto: Duration.hours(1), rpo: Duration.minutes(1), dataStores: [store] });
    const { report, error } = synthReport(app);
    expect(error).toMatch(/data store Shop\/us-west-2\/Orders \(ASYNCHRONOUS\): worst-case RPO 120 s exceeds the RPO of 60 s/);
    expect(report.objectives[0]).toEqual(expect.objectContaining({
      met: false,
      checks: [{ objective: 'RPO', subject: 'data store Shop/us-west-2/Orders', store: 'Shop/us-west-2/Orders', seconds: 120, limitSeconds: 60, complete: true, met: false }],
    }));
    expect(report.summary).toEqual(expect.objectContaining({ objectivesMet: false, worstCaseRpoSeconds: 120 }));
    expect(report.dataStores).toEqual([expect.objectContaining({ id: 'Shop/us-west-2/Orders', kind: 'LaggingStore', members: [{ region: 'us-west-2', role: 'peer' }] })]);
    expect(report.replication).toEqual([]);
    expect(report.regions.find((r) => r.region === 'us-west-2')?.dataStores).toEqual([{ id: 'Shop/us-west-2/Orders', role: 'peer' }]);
  });
});

describe('a topology of a team\'s own stacks', () => {
  test('MultiRegionTopology writes the report too, with the team\'s stack names', () => {
    const app = newTestApp();
    const stacks = ['us-east-1', 'us-east-2'].map((region) => new Stack(app, `Team-${region}`, {
      env: { account: TEST_ACCOUNT, region }, stackName: `team-api-${region}`, crossRegionReferences: true,
    }));
    new MultiRegionTopology(app, 'Topology', { regionalStacks: stacks, name: 'team' });
    app.synth();
    const report = reportOf(app);
    expect(report.app.name).toBe('team');
    expect(report.regions.map((r) => [r.region, r.role, r.stacks.map((s) => s.stackName)])).toEqual([
      ['us-east-1', 'active', ['team-api-us-east-1']], ['us-east-2', 'active', ['team-api-us-east-2']],
    ]);
    expect(report.routing).toEqual([]);
    expect(report.summary).toEqual({ residencyViolations: 0, acknowledgements: report.acknowledgements.length });
  });

  test('one report per app, however many topologies', () => {
    const app = newTestApp();
    new MultiRegionApp(app, 'A', { activeRegions: ['us-east-1', 'us-east-2'] });
    new MultiRegionApp(app, 'B', { activeRegions: ['eu-west-1', 'eu-central-1'] });
    expect(app.node.children.filter((c) => c instanceof ResilienceReport)).toHaveLength(1);
  });

  test('ResilienceReport.of(app), the README\'s call, returns the app\'s one report (the App is its own stage)', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'A', { activeRegions: ['us-east-1', 'us-east-2'] });
    const report = ResilienceReport.of(app);
    expect(report).toBe(ResilienceReport.of(topology));
    expect(app.node.children.filter((c) => c instanceof ResilienceReport)).toEqual([report]);
  });

  test('data residency lists every Region each classified resource lives in: a tagged DSQL ledger\'s clusters with their peer and witness', () => {
    const app = newTestApp();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1', 'eu-central-1', 'eu-west-3'] }] });
    const topology = new MultiRegionApp(app, 'Ledger', { activeRegions: ['eu-west-1', 'eu-central-1'], witnessRegion: 'eu-west-3', account: TEST_ACCOUNT });
    DataResidency.tag(new DsqlPeeredClusters(topology, 'Ledger', { topology }), DataClass.PII);
    const { report, error } = synthReport(app);
    expect(error).toBeUndefined();
    const clusters = report.dataResidency.resources.filter((r) => r.type === 'AWS::DSQL::Cluster');
    expect(clusters.map((c) => [c.region, c.livesIn])).toEqual(expect.arrayContaining([
      // The first cluster names its peer in its template; the second learns it from the peering resource.
      ['eu-west-1', [{ region: 'eu-west-1', role: 'resource' }, { region: 'eu-west-3', role: 'witness' }]],
      ['eu-central-1', [{ region: 'eu-central-1', role: 'resource' }, { region: 'eu-west-3', role: 'witness' }]],
    ]));
    expect(clusters).toHaveLength(2);
    expect(fs.readFileSync(path.join(app.outdir, 'resilience', 'report.html'), 'utf8')).toContain('lives in eu-central-1, witness eu-west-3');
  });

  test('useDrillReport refuses an empty file name', () => {
    const app = newTestApp();
    expect(() => ResilienceReport.of(new MultiRegionApp(app, 'A', { activeRegions: ['us-east-1', 'us-east-2'] })).useDrillReport(' ')).toThrow(/the file name is empty/);
  });
});

describe('acknowledgements of the plugins that ran', () => {
  function reportIn(stage: Stage): ResilienceReportDocument {
    return JSON.parse(fs.readFileSync(path.join(stage.outdir, 'resilience', 'report.json'), 'utf8'));
  }
  const namespaces = (report: ResilienceReportDocument) => [...new Set(report.acknowledgements.map((a) => a.id.split('::')[0]))].sort();

  test('an app that registers no pack counts none of the packs\' acknowledgements, only aws-cdk-lib\'s own reports\'', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'A', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2' });
    new DsqlPeeredClusters(topology, 'Dsql', { topology });
    app.synth();
    const report = reportIn(app);
    expect(namespaces(report).filter((n) => !['Annotation', 'CloudFormation-Validate'].includes(n))).toEqual([]);
    expect(report.summary.acknowledgements).toBe(report.acknowledgements.length);
  });

  test('a pack registered on the App counts in a nested Stage (it checks that Stage\'s stacks); an unregistered one does not', () => {
    const app = newTestApp();
    const stage = new Stage(app, 'Prod');
    const topology = new MultiRegionApp(stage, 'A', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT });
    new DsqlPeeredClusters(topology, 'Dsql', { topology });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth();
    } finally {
      quiet.mockRestore();
    }
    const report = reportIn(stage);
    expect(namespaces(report)).toContain('AwsSolutions');
    expect(namespaces(report)).not.toContain('cdk-validator-cfnguard');
    expect(report.acknowledgements.find((a) => a.id.startsWith('AwsSolutions::AwsSolutions-IAM5'))?.constructPath).toMatch(/^Prod\/A\//);
  });
});

describe('two synths of one app, compared', () => {
  /** DNS routing over domain-name endpoints, with an RTO of 2 minutes; the health check's failure threshold varies. */
  function synthWith(failureThreshold: number): ResilienceReportDocument {
    const { app, topology } = newTopology();
    new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: domainRegions(topology), failureThreshold, ttl: Duration.seconds(10),
    });
    new RecoveryObjectives(topology, 'Objectives', { rto: Duration.minutes(2), rpo: Duration.seconds(0) });
    return synthReport(app).report;
  }

  test('a larger failure threshold grows one path\'s budget past the RTO: the diff names it and the objective it breaks', () => {
    const before = synthWith(3);
    const after = synthWith(9);
    expect(before.routing[0].regions[0].totalSeconds).toBeLessThanOrEqual(120);
    expect(after.routing[0].regions[0].totalSeconds).toBeGreaterThan(120);
    const diff = diffReports(before, after);
    const text = renderDiffText(diff);
    const [b, a] = [before.routing[0].regions[0].totalSeconds, after.routing[0].regions[0].totalSeconds];
    expect(text).toContain(`dns failover budget for us-east-1 grew from ${b} s to ${a} s`);
    expect(text).toContain(`RTO no longer met: dns path, us-east-1 worst case ${a} s > RTO 120 s`);
    expect(diffReports(before, synthWith(3)).changes).toEqual([]);
  });
});
