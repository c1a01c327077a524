/**
 * `multi-region-cdk report --diff`: the structured diff of two resilience reports, its text and markdown
 * renderings, the command's exit status, and the bundled command run as a child process.
 * The reports are the default app's fixture with one thing changed at a time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_NO_OBJECTIVE_LOST, EXIT_OBJECTIVE_NO_LONGER_MET, EXIT_USAGE, parseReportArgs, runReportCommand } from '../../lib/cli/report-command';
import { diffReports, MARKDOWN_MAX_ROWS, renderDiffMarkdown, renderDiffText } from '../../lib/report/private/diff';
import { ResilienceReportDocument } from '../../lib/report/private/schema';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Doc = Mutable<ResilienceReportDocument>;

function fixture(name = 'default-app.report.json'): Doc {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/**
 * The default app with one Region's dns budget set to `total` seconds: the alarm term, the detection time,
 * the path's worst case, the summary and that Region's RTO check (and the objectives entry) follow.
 */
function withDnsBudget(doc: Doc, region: string, total: number): Doc {
  const dns = doc.routing.find((p) => p.path === 'dns')!;
  const r = dns.regions.find((x) => x.region === region)!;
  const delta = total - r.totalSeconds;
  const alarm = r.terms.find((t) => t.name === 'alarm: datapoints to alarm x period')!;
  alarm.seconds = alarm.seconds! + delta;
  r.detectionSeconds += delta;
  r.totalSeconds = total;
  dns.worstCaseSeconds = Math.max(...dns.regions.map((x) => x.totalSeconds));
  doc.summary.worstCaseFailoverSeconds = Math.max(...doc.routing.map((p) => p.worstCaseSeconds));
  for (const o of doc.objectives) {
    for (const k of o.checks) {
      if (k.objective === 'RTO' && k.path === 'dns' && k.region === region) {
        k.seconds = total;
        k.met = k.complete && total <= k.limitSeconds;
      }
    }
    o.met = o.checks.every((k) => k.met);
  }
  doc.summary.objectivesMet = doc.objectives.every((o) => o.met);
  return doc;
}

/** Runs the command's core on in-memory files. */
function run(files: Record<string, unknown>, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runReportCommand(argv, {
    readFile: (f) => {
      if (!(f in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${f}'`), { code: 'ENOENT' });
      const v = files[f];
      return typeof v === 'string' ? v : JSON.stringify(v);
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function messages(before: Doc, after: Doc) {
  return diffReports(before, after).changes.map((c) => `${c.severity}: ${c.message}`);
}

describe('diffReports', () => {
  test('one Region\'s dns budget grows past the RTO: the path, Region, both figures and the regression; exit 1', () => {
    const before = fixture();
    const after = withDnsBudget(fixture(), 'us-east-1', 400);
    const diff = diffReports(before, after);
    expect(diff.objectivesStopBeingMet).toBe(true);
    expect(diff.changes.map((c) => `${c.severity}: ${c.message}`)).toEqual([
      'regression: objectives MultiRegion/Objectives (custom) no longer met: 1 of 5 checks fail',
      'regression: RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s',
      'regression: dns failover budget for us-east-1 grew from 325 s to 400 s',
      'regression: dns path worst case grew from 325 s to 400 s',
      "change: dns failover budget for us-east-1: term 'alarm: datapoints to alarm x period' changed from 120 s to 195 s",
    ]);
    const r = run({ 'old.json': before, 'new.json': after }, ['--diff', 'old.json', 'new.json']);
    expect(r.code).toBe(EXIT_OBJECTIVE_NO_LONGER_MET);
    expect(r.err).toBe('');
    expect(r.out).toContain('dns failover budget for us-east-1 grew from 325 s to 400 s');
    expect(r.out).toContain('RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s');
    expect(r.out).toContain('4 regressions, 0 improvements, 1 change. An objective stops being met.');
    // Regressions come first.
    expect(r.out.indexOf('Regressions:')).toBeLessThan(r.out.indexOf('Changes:'));
  });

  test('a growth that stays within the RTO is listed, and exits 0', () => {
    const after = withDnsBudget(fixture(), 'us-east-2', 350);
    const r = run({ 'a.json': fixture(), 'b.json': after }, ['--diff', 'a.json', 'b.json']);
    expect(r.code).toBe(EXIT_NO_OBJECTIVE_LOST);
    expect(r.out).toContain('  - dns failover budget for us-east-2 grew from 325 s to 350 s');
    expect(r.out).toContain('No objective stops being met.');
    expect(r.out).not.toContain('RTO no longer met');
  });

  test('a budget that shrinks, and a check that becomes met, are improvements', () => {
    const before = withDnsBudget(fixture(), 'us-east-1', 400);
    const diff = diffReports(before, fixture());
    expect(diff.objectivesStopBeingMet).toBe(false);
    expect(diff.changes.filter((c) => c.severity === 'improvement').map((c) => c.message)).toEqual([
      'objectives MultiRegion/Objectives (custom) now met',
      'RTO now met: dns path, us-east-1 worst case 325 s <= RTO 360 s',
      'dns failover budget for us-east-1 shrank from 400 s to 325 s',
      'dns path worst case shrank from 400 s to 325 s',
    ]);
  });

  test('a lost detection branch is a regression even when the budget shrinks; a new control plane on a branch is one too', () => {
    const after = fixture();
    const dns = after.routing.find((p) => p.path === 'dns')!;
    const use1 = dns.regions.find((r) => r.region === 'us-east-1')! as any;
    const lost = use1.terms.filter((t: any) => t.branch === 'deep-health alarm');
    expect(lost.length).toBeGreaterThan(0);
    use1.terms = use1.terms.filter((t: any) => t.branch !== 'deep-health alarm');
    use1.totalSeconds -= 200;
    const diff = diffReports(fixture(), after);
    const lines = diff.changes.map((c) => `${c.severity}: ${c.message}`);
    expect(lines).toContain('improvement: dns failover budget for us-east-1 shrank from 325 s to 125 s');
    expect(lines.filter((l) => l.includes('lost its detection branch'))).toEqual([
      expect.stringMatching(/^regression: dns failover budget for us-east-1 lost its detection branch 'deep-health alarm' \(was \d+ s, ASSUMED\)/),
    ]);
    const withControlPlane = fixture();
    const acc = withControlPlane.routing.find((p) => p.path === 'accelerator')!.regions[0] as any;
    const branchTerm = acc.terms.find((t: any) => t.branch !== undefined && t.branch !== 'target health');
    branchTerm.controlPlane = 'Global Accelerator UpdateEndpointGroup (us-west-2)';
    expect(messages(fixture(), withControlPlane)).toContain(
      `regression: accelerator failover budget for ${acc.region}: detection branch '${branchTerm.branch}' now waits for a control plane on the automatic path: Global Accelerator UpdateEndpointGroup (us-west-2)`);
  });

  test('identical reports: no changes, exit 0', () => {
    expect(diffReports(fixture(), fixture()).changes).toEqual([]);
    const r = run({ 'a.json': fixture(), 'b.json': fixture() }, ['--diff', 'a.json', 'b.json']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('No changes between the two reports.');
    expect(renderDiffMarkdown(diffReports(fixture(), fixture()))).toMatch(/^### Resilience report: no changes\n/);
  });

  test('replication mode SYNCHRONOUS to ASYNCHRONOUS is a regression; back is an improvement', () => {
    const after = fixture();
    after.dataStores[0].replicationMode = 'ASYNCHRONOUS';
    expect(messages(fixture(), after)).toEqual(['regression: data store MultiRegion/Dsql replication changed from SYNCHRONOUS to ASYNCHRONOUS']);
    expect(messages(after, fixture())).toEqual(['improvement: data store MultiRegion/Dsql replication changed from ASYNCHRONOUS to SYNCHRONOUS']);
  });

  test('worst-case RPO growth past the RPO objective: regressions and exit 1', () => {
    const after = fixture();
    after.dataStores[0].worstCaseRpoSeconds = 5;
    const check = after.objectives[0].checks.find((k) => k.objective === 'RPO')!;
    check.seconds = 5;
    check.met = false;
    after.objectives[0].met = false;
    const diff = diffReports(fixture(), after);
    expect(diff.objectivesStopBeingMet).toBe(true);
    expect(diff.changes.map((c) => c.message)).toEqual(expect.arrayContaining([
      'RPO no longer met: data store MultiRegion/Dsql worst case 5 s > RPO 0 s',
      'worst-case RPO of data store MultiRegion/Dsql grew from 0 s to 5 s',
    ]));
  });

  test('a new residency violation is a regression (exit 0: no objective involved); gone, an improvement', () => {
    const violation = fixture('violation.report.json');
    const after = fixture();
    after.dataResidency = violation.dataResidency;
    after.summary.residencyViolations = 1;
    const msgs = messages(fixture(), after);
    expect(msgs[0]).toBe('regression: new residency violation (Residency): MultiRegion/us-east-1/Table/Resource (AWS::DynamoDB::Table, multi-region:data-class=PII) is in us-east-1; PII data may live only in eu-west-1, eu-central-1.');
    expect(msgs).toContain('change: residency rule added: PII only in eu-west-1, eu-central-1 (Residency)');
    expect(messages(after, fixture())[0]).toMatch(/^improvement: residency violation gone \(Residency\): /);
    expect(run({ 'a.json': fixture(), 'b.json': after }, ['--diff', 'a.json', 'b.json']).code).toBe(0);
    const narrower = structuredClone(after);
    narrower.dataResidency.rules[0].allowedRegions = ['eu-west-1'];
    expect(messages(after, narrower)).toEqual(['change: residency rule for PII (Residency): allowed Regions changed from eu-west-1, eu-central-1 to eu-west-1']);
  });

  test('new acknowledgements: one change per rule id with the count, the reason and the places', () => {
    const after = fixture();
    after.acknowledgements.push(
      { id: 'AwsSolutions-L1', reason: 'The runtime is pinned by the bundle.', constructPath: 'MultiRegion/us-east-1/Probes' },
      { id: 'AwsSolutions-L1', reason: 'The runtime is pinned by the bundle.', constructPath: 'MultiRegion/us-east-2/Probes' },
    );
    after.summary.acknowledgements = 4;
    expect(messages(fixture(), after)).toEqual([
      'change: AwsSolutions-L1 newly acknowledged at 2 places: "The runtime is pinned by the bundle." (MultiRegion/us-east-1/Probes, MultiRegion/us-east-2/Probes)',
    ]);
    expect(messages(after, fixture())).toEqual([
      'change: AwsSolutions-L1 no longer acknowledged at 2 places: MultiRegion/us-east-1/Probes, MultiRegion/us-east-2/Probes',
    ]);
  });

  test('a term becoming UNKNOWN makes the budget incomplete (a regression naming the term); a basis change names the term', () => {
    const after = fixture();
    const r = after.routing[1].regions[0];
    const dial = r.terms.find((t) => t.name === 'Global Accelerator applies the new traffic dial')!;
    dial.basis = 'UNKNOWN';
    delete dial.seconds;
    r.unknownTerms = [dial.name];
    r.totalSeconds -= 30;
    r.detectionSeconds -= 30;
    after.routing[1].complete = false;
    const msgs = messages(fixture(), after);
    expect(msgs).toContain("regression: accelerator failover budget for us-east-1 became incomplete (280 s is only a lower bound): UNKNOWN term 'Global Accelerator applies the new traffic dial'");
    expect(msgs).toContain("change: accelerator failover budget for us-east-1: term 'Global Accelerator applies the new traffic dial' basis changed from ASSUMED to UNKNOWN (30 s to UNKNOWN)");
    // The smaller figure is only a lower bound: no improvement.
    expect(msgs).toContain('change: accelerator failover budget for us-east-1 changed from 310 s to at least 280 s (a lower bound: some term is UNKNOWN)');
    expect(msgs.filter((m) => m.startsWith('improvement'))).toEqual([]);

    const measured = fixture();
    measured.routing[0].regions[0].terms[4].basis = 'CONFIGURED';
    expect(messages(fixture(), measured)).toEqual(["change: dns failover budget for us-east-1: term 'Route 53 alarm-based health check follows the alarm' basis changed from ASSUMED to CONFIGURED"]);
  });

  test('Regions and roles, routing paths, lag alarm thresholds, data store members', () => {
    const after = fixture();
    after.regions[1].role = 'standby';
    after.app.posture = 'ACTIVE_PASSIVE';
    after.app.primaryRegion = 'us-east-1';
    after.app.witnessRegion = undefined as unknown as string;
    after.routing.pop();
    after.replication[0].lagAlarms = { metric: 'AWS/DynamoDB ReplicationLatency', warningSeconds: 30, criticalSeconds: 60 };
    after.dataStores[0].members.push({ region: 'eu-west-1', role: 'peer' });
    const lagged = structuredClone(after);
    lagged.replication[0].lagAlarms = { ...lagged.replication[0].lagAlarms!, criticalSeconds: 120 };
    expect(messages(fixture(), after)).toEqual([
      'improvement: replication of MultiRegion/Dsql from us-east-1 to us-east-2: lag alarms added (AWS/DynamoDB ReplicationLatency; warning 30 s, critical 60 s)',
      'change: accelerator routing path removed (worst case was 310 s)',
      'change: data store MultiRegion/Dsql: member in eu-west-1 added (peer)',
      'change: posture changed from ACTIVE_ACTIVE to ACTIVE_PASSIVE',
      'change: primary Region changed from (none) to us-east-1',
      'change: witness Region changed from us-west-2 to (none)',
      'change: Region us-east-2 changed role from active to standby',
    ]);
    expect(messages(after, lagged)).toEqual([
      'change: replication of MultiRegion/Dsql from us-east-1 to us-east-2: critical lag alarm threshold changed from 60 s to 120 s',
    ]);
  });

  test('an objectives entry removed while met stops an objective being met (exit 1); a new unmet one too', () => {
    const removed = fixture();
    removed.objectives = [];
    delete removed.summary.objectivesMet;
    const diff = diffReports(fixture(), removed);
    expect(diff.changes.map((c) => `${c.severity}: ${c.message}`)).toEqual(['regression: objectives MultiRegion/Objectives (custom) removed (RTO 360 s, RPO 0 s; was met)']);
    expect(diff.objectivesStopBeingMet).toBe(true);
    const unmet = withDnsBudget(fixture(), 'us-east-2', 400);
    expect(diffReports(removed, unmet).objectivesStopBeingMet).toBe(true);
    expect(diffReports(removed, fixture()).objectivesStopBeingMet).toBe(false);
    const tighter = fixture();
    tighter.objectives[0].rtoSeconds = 330;
    for (const k of tighter.objectives[0].checks) if (k.objective === 'RTO') k.limitSeconds = 330;
    expect(messages(fixture(), tighter)).toEqual(['change: objectives MultiRegion/Objectives (custom): RTO changed from 360 s to 330 s']);
  });

  test('a met check that is gone (its Region left the path) stops an objective being met, even when the entry is still met', () => {
    const after = fixture();
    after.routing[0].regions = after.routing[0].regions.filter((r) => r.region !== 'us-east-2');
    after.objectives[0].checks = after.objectives[0].checks.filter((k) => !(k.path === 'dns' && k.region === 'us-east-2'));
    const diff = diffReports(fixture(), after);
    expect(diff.objectivesStopBeingMet).toBe(true);
    expect(diff.changes.map((c) => `${c.severity}: ${c.message}`)).toEqual([
      'regression: RTO check gone: dns path, us-east-2 (was met: worst case 325 s <= RTO 360 s)',
      'change: dns path no longer covers us-east-2 (failover budget was 325 s)',
    ]);
  });

  test('the same reports give the same lines in the same order, both ways round', () => {
    const a = withDnsBudget(fixture('violation.report.json'), 'us-east-2', 420);
    const b = fixture();
    expect(renderDiffText(diffReports(a, b))).toBe(renderDiffText(diffReports(structuredClone(a), structuredClone(b))));
    const changes = diffReports(b, a).changes;
    const rank = { regression: 0, improvement: 1, change: 2 };
    expect(changes.map((c) => rank[c.severity])).toEqual([...changes.map((c) => rank[c.severity])].sort());
  });

  test('markdown: a heading with the counts, the verdict in bold, a table with regressions first, pipes escaped', () => {
    const after = withDnsBudget(fixture(), 'us-east-1', 400);
    after.acknowledgements.push({ id: 'MultiRegion-CW4', reason: 'a | b', constructPath: 'X' });
    const md = renderDiffMarkdown(diffReports(fixture(), after, { before: 'base.json', after: 'head.json' }));
    expect(md.split('\n').slice(0, 6)).toEqual([
      '### Resilience report: 4 regressions, 0 improvements, 2 changes',
      '',
      '**An objective stops being met.**',
      '',
      '| Severity | Change |',
      '| --- | --- |',
    ]);
    expect(md).toContain('| **regression** | RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s |');
    expect(md).toContain('| change | MultiRegion-CW4 newly acknowledged at 1 place: "a \\| b" (X) |');
    expect(md).toContain('before: base.json, multi-region, multi-region-cdk 0.1.0');
  });

  test('markdown lists at most MARKDOWN_MAX_ROWS rows and counts the rest; a message is always one line', () => {
    const after = fixture();
    for (let i = 0; i < MARKDOWN_MAX_ROWS + 10; i++) after.acknowledgements.push({ id: `Rule-${String(i).padStart(3, '0')}`, reason: 'r', constructPath: `X${i}` });
    after.dataResidency.violations.push({ guard: 'G', message: 'two\nlines' });
    const diff = diffReports(fixture(), after);
    expect(diff.changes[0].message).toBe('new residency violation (G): two lines');
    const rows = renderDiffMarkdown(diff).split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(2 + MARKDOWN_MAX_ROWS + 1); // heading, separator, rows, the count of the rest
    expect(rows[rows.length - 1]).toBe('| | ... and 11 more (0 regressions): `multi-region-cdk report --diff` lists them all |');
    expect(renderDiffText(diff).split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(MARKDOWN_MAX_ROWS + 11);
  });
});

describe('the report command', () => {
  const files = { 'a.json': fixture(), 'b.json': withDnsBudget(fixture(), 'us-east-1', 400) };

  test('--format json prints the structured diff', () => {
    const r = run(files, ['--diff', 'a.json', 'b.json', '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ diffVersion: 1, objectivesStopBeingMet: true, counts: { regression: 4, improvement: 0, change: 1 }, before: { label: 'a.json' } });
    expect(json.changes[1]).toEqual({
      severity: 'regression', area: 'objectives', key: 'MultiRegion/Objectives/RTO|dns|us-east-1',
      message: 'RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s', objectiveStopsBeingMet: true, before: 325, after: 400,
    });
    expect(run(files, ['--diff', 'a.json', 'b.json', '--format=markdown']).out).toMatch(/^### Resilience report: /);
  });

  test.each([
    [[], 'report needs --diff <old report.json> <new report.json>.'],
    [['--diff', 'a.json'], '--diff needs two report files, got 1 (a.json).'],
    [['--diff', 'a.json', 'b.json', 'c.json'], '--diff needs two report files, got 3 (a.json, b.json, c.json).'],
    [['--diff', 'a.json', 'b.json', '--format', 'html'], "--format 'html' is not one of text, markdown, json."],
    [['--diff', 'a.json', 'b.json', '--format'], '--format needs a value: text, markdown or json.'],
    [['--diff', 'a.json', 'b.json', '--colour'], "unknown option '--colour'."],
  ])('bad usage %j: exit 2 with the reason and the usage', (argv, error) => {
    expect(parseReportArgs(argv)).toEqual({ error });
    const r = run(files, argv);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(`multi-region-cdk report: ${error}`);
    expect(r.err).toContain('Usage: multi-region-cdk report --diff');
  });

  test.each([
    ['missing file', 'missing.json', undefined, 'missing.json: cannot read it (no such file).'],
    ['not JSON', 'x.json', 'not json {', /^x\.json: not JSON \(.+\)\.$/],
    ['a JSON array', 'x.json', [1, 2], 'x.json: not a resilience report (no schemaVersion; expected cdk.out/resilience/report.json).'],
    ['schemaVersion 2', 'x.json', { ...fixture(), schemaVersion: 2 }, "x.json: schemaVersion 2 is not one this version of multi-region-cdk reads (it reads 1); a newer multi-region-cdk wrote it: run that version's command."],
    ['schemaVersion "1"', 'x.json', { ...fixture(), schemaVersion: '1' }, 'x.json: schemaVersion "1" is not one this version of multi-region-cdk reads (it reads 1).'],
    ['a report without its parts', 'x.json', { schemaVersion: 1, generator: 'multi-region-cdk 0.1.0' }, "x.json: not a valid resilience report (schemaVersion 1): / must have required property 'app' (and 8 more)."],
    ['routing of the wrong type', 'x.json', { ...fixture(), routing: 'dns' }, 'x.json: not a valid resilience report (schemaVersion 1): /routing must be array.'],
  ])('%s: exit 2, one line naming the file', (_label, name, content, error) => {
    const r = run(content === undefined ? { 'a.json': fixture() } : { 'a.json': fixture(), [name]: content }, ['--diff', 'a.json', name]);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err.replace(/^multi-region-cdk report: /, '')).toEqual(typeof error === 'string' ? error : expect.stringMatching(error));
  });

  test('a report with a field this version does not know (a newer library, same schemaVersion) is read', () => {
    const newer = { ...fixture(), carbon: { gramsPerFailover: 3 } };
    expect(run({ 'a.json': fixture(), 'b.json': newer }, ['--diff', 'a.json', 'b.json'])).toMatchObject({ code: 0, err: '' });
  });
});

describe('the bundled command (assets/cli/multi-region-cdk.js) as a child process', () => {
  const bin = path.join(ROOT, 'assets', 'cli', 'multi-region-cdk.js');
  let dir: string;

  beforeAll(() => {
    execFileSync('npm', ['run', 'build:cli'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, BUNDLE_QUIET: '1' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-diff-'));
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(fixture()));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(withDnsBudget(fixture(), 'us-east-1', 400)));
    fs.writeFileSync(path.join(dir, 'v2.json'), JSON.stringify({ ...fixture(), schemaVersion: 2 }));
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });

  test('report --diff a.json b.json: the regression on stdout, exit 1', () => {
    const r = cli('report', '--diff', 'a.json', 'b.json');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('dns failover budget for us-east-1 grew from 325 s to 400 s');
    expect(r.stdout).toContain('RTO no longer met: dns path, us-east-1 worst case 400 s > RTO 360 s');
    expect(r.status).toBe(1);
  });

  test('the same report twice: no changes, exit 0; markdown on request', () => {
    const r = cli('report', '--diff', 'a.json', 'a.json');
    expect(r.stdout).toContain('No changes between the two reports.');
    expect(r.status).toBe(0);
    expect(cli('report', '--diff', 'a.json', 'b.json', '--format', 'markdown').stdout).toMatch(/^### Resilience report: 4 regressions/);
  });

  test('a schemaVersion it does not read, or a missing file: one line on stderr, exit 2, no stack trace', () => {
    const v2 = cli('report', '--diff', 'a.json', 'v2.json');
    expect(v2.status).toBe(2);
    expect(v2.stderr.trim()).toBe("multi-region-cdk report: v2.json: schemaVersion 2 is not one this version of multi-region-cdk reads (it reads 1); a newer multi-region-cdk wrote it: run that version's command.");
    const missing = cli('report', '--diff', 'a.json', 'nope.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('multi-region-cdk report: nope.json: cannot read it (no such file).');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  test('--help shows both commands; the drill command still parses as before', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: multi-region-cdk drill');
    expect(help.stdout).toContain('Usage: multi-region-cdk report --diff');
    const drill = cli('drill', '--force');
    expect(drill.status).toBe(2);
    expect(drill.stderr).toContain("unknown option '--force'.");
  });
});
