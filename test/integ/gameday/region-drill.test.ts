import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeAcceleratorCommand, DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { CreateHealthCheckCommand, GetHealthCheckCommand, Route53Client, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { DrillConfig } from '../../../lambda/region-drill/config';
import { buildReport, publishReport, renderMarkdown } from '../../../lambda/region-drill/report';
import { MemoryJournalStore, S3JournalStore } from '../../../lambda/region-drill/s3-store';
import {
  checkDataPath, DrillClients, DrillJournal, DrillRefused, measure, preflight, restore, takeOut,
} from '../../../lambda/region-drill/steps';
import { awsClientConfig, localstackEndpoint, motoEndpoint } from '../harness/endpoints';

/**
 * The drill's steps against LocalStack's Route 53 (health checks, Inverted) and CloudWatch (alarms in
 * two Regions, the Route 53 and Global Accelerator metrics the measure step reads), with the journal and
 * the report in moto's S3. Neither LocalStack's open-source runtime nor moto serves Global Accelerator
 * or Route 53 TestDNSAnswer: those calls go to an SDK mock (a stateful fake of the endpoint groups),
 * marked "[GA mock]" / "[TestDNSAnswer mock]" in the test names, as is "[SFN mock]" for ListExecutions.
 */
const ACCOUNT = '111111111111';
const GROUP = (r: string) => `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/acc-1/listener/l-1/endpoint-group/${r}`;
const ACCELERATOR_ARN = `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/acc-1`;

let route53: Route53Client;
let s3: S3Client;
const cloudwatch = new Map<string, CloudWatchClient>();
const cw = (region: string) => {
  if (!cloudwatch.has(region)) cloudwatch.set(region, new CloudWatchClient(awsClientConfig(localstackEndpoint(), region)));
  return cloudwatch.get(region)!;
};
let run = 0;

beforeAll(() => {
  route53 = new Route53Client(awsClientConfig(localstackEndpoint()));
  recordUpdates(route53);
  s3 = new S3Client({ ...awsClientConfig(motoEndpoint()), forcePathStyle: true });
});
afterAll(() => {
  route53.destroy();
  s3.destroy();
  cloudwatch.forEach((c) => c.destroy());
});

/** A fake Global Accelerator: endpoint groups with dials, optionally failing an update. */
function fakeAccelerator(dials: Record<string, number>, failUpdateOf?: string) {
  const ga = new GlobalAcceleratorClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(ga);
  mock.on(DescribeEndpointGroupCommand).callsFake((input) => ({ EndpointGroup: { EndpointGroupArn: input.EndpointGroupArn, TrafficDialPercentage: dials[input.EndpointGroupArn] } }));
  mock.on(UpdateEndpointGroupCommand).callsFake((input) => {
    if (input.EndpointGroupArn === failUpdateOf) throw new Error('ThrottlingException: Rate exceeded');
    dials[input.EndpointGroupArn] = input.TrafficDialPercentage;
    return { EndpointGroup: { EndpointGroupArn: input.EndpointGroupArn, TrafficDialPercentage: input.TrafficDialPercentage } };
  });
  mock.on(DescribeAcceleratorCommand).resolves({ Accelerator: { AcceleratorArn: ACCELERATOR_ARN, Status: 'DEPLOYED' } });
  return { ga, mock, dials };
}

interface Fixture {
  config: DrillConfig;
  clients: DrillClients;
  dials: Record<string, number>;
  checks: Record<string, string>;
  alarms: Record<string, string>;
  executionId: string;
}

/** A Region's "unhealthy" alarm on a metric nobody publishes. */
async function putHealthAlarm(region: string, name: string, treatMissingData: 'missing' | 'breaching'): Promise<void> {
  await cw(region).send(new PutMetricAlarmCommand({
    AlarmName: name, Namespace: 'Test/Drill', MetricName: 'RegionHealthy', Dimensions: [{ Name: 'Region', Value: region }],
    Statistic: 'Minimum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: treatMissingData,
  }));
}

/**
 * Puts a Region's alarm into ALARM the way CloudWatch does, by its own evaluation: missing data
 * counts as breaching, and the test waits until LocalStack has evaluated it. SetAlarmState is not
 * enough: it lasts only until the next evaluation, and LocalStack evaluates an alarm as soon as it
 * is put, on a thread of its own, so an evaluation already under way can overwrite it.
 */
async function markUnhealthy(region: string, name: string): Promise<void> {
  await putHealthAlarm(region, name, 'breaching');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const alarm = (await cw(region).send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
    if (alarm?.StateValue === 'ALARM' && alarm.StateReason?.startsWith('Threshold Crossed')) return;
    if (Date.now() > deadline) throw new Error(`alarm ${name} was not evaluated into ALARM within 10 s (state ${alarm?.StateValue}: ${alarm?.StateReason})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function fixture(opts: { failUpdateOf?: (f: { checks: Record<string, string> }) => string; clock?: () => number; journal?: 'memory' | 's3' } = {}): Promise<Fixture> {
  run++;
  const regions = ['us-east-1', 'us-east-2'];
  const checks: Record<string, string> = {};
  const alarms: Record<string, string> = {};
  for (const region of regions) {
    const hc = await route53.send(new CreateHealthCheckCommand({
      CallerReference: `drill-${run}-${region}-${Date.now()}`,
      HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: `${region}.app.example.com`, ResourcePath: '/health', RequestInterval: 10, FailureThreshold: 3 },
    }));
    checks[region] = hc.HealthCheck!.Id!;
    alarms[region] = `drill-${run}-${region}-unhealthy`;
    await putHealthAlarm(region, alarms[region], 'missing');
    await cw(region).send(new SetAlarmStateCommand({ AlarmName: alarms[region], StateValue: 'OK', StateReason: 'test: healthy' }));
  }
  const dials = { [GROUP('us-east-1')]: 100, [GROUP('us-east-2')]: 100 };
  const { ga } = fakeAccelerator(dials, opts.failUpdateOf?.({ checks }));
  const bucket = `drill-reports-${run}-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const config: DrillConfig = {
    homeRegion: 'us-west-2',
    regions: regions.map((region) => ({
      region, healthCheckId: checks[region], endpointGroupArn: GROUP(region), endpointDnsName: `lb-${region}.elb.amazonaws.com`,
      alarms: [{ name: alarms[region], region }],
    })),
    dns: { recordName: 'app.example.com', recordType: 'A', hostedZoneId: 'Z0EXAMPLE' },
    accelerator: { acceleratorArn: ACCELERATOR_ARN },
    budget: [
      { path: 'dns', worstCaseSeconds: 90, regions: { 'us-east-1': 90, 'us-east-2': 90 }, postDetection: { 'us-east-1': 60, 'us-east-2': 60 } },
      { path: 'accelerator', worstCaseSeconds: 30, regions: { 'us-east-1': 30, 'us-east-2': 30 }, postDetection: { 'us-east-1': 30, 'us-east-2': 30 } },
    ],
    bucketName: bucket,
    namespace: `Test/GameDay/${run}`,
    measureTimeoutSeconds: 600,
  };
  const clients: DrillClients = {
    route53,
    accelerator: ga,
    cloudwatch: cw,
    journal: opts.journal === 'memory' ? new MemoryJournalStore() : new S3JournalStore(s3, bucket),
    now: opts.clock,
  };
  return { config, clients, dials, checks, alarms, executionId: `arn:aws:states:us-west-2:${ACCOUNT}:execution:drill:run-${run}` };
}

/**
 * The Inverted values the drill sent per health check. LocalStack's Route 53 (moto's model:
 * `if health_check_args.get("inverted")` in update_health_check) ignores Inverted=false, so a
 * restore's setting back is checked on the request it made; Inverted=true is read back from LocalStack.
 */
const sentInverted = new Map<string, boolean[]>();
function recordUpdates(client: Route53Client): void {
  client.middlewareStack.add((next) => async (args: any) => {
    if (args.input?.HealthCheckId !== undefined && args.input?.Inverted !== undefined) {
      sentInverted.set(args.input.HealthCheckId, [...(sentInverted.get(args.input.HealthCheckId) ?? []), args.input.Inverted]);
    }
    return next(args);
  }, { step: 'initialize', name: 'recordHealthCheckUpdates' });
}
const lastSent = (id: string) => sentInverted.get(id)?.slice(-1)[0];

async function inverted(id: string): Promise<boolean> {
  const hc = await route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
  return hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
}

describe('Region evacuation drill steps on LocalStack (Route 53, CloudWatch) and moto (S3) [GA mock]', () => {
  test('takes the Region out, measures both paths beside the budget, restores exactly what it changed, and reports', async () => {
    // A clock five minutes back, on a minute boundary, so the metric points the test publishes fall in known minutes.
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    let clock = base;
    const f = await fixture({ clock: () => clock });

    const pre = await preflight(f.config, f.clients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: f.executionId });
    expect(pre.survivors).toEqual(['us-east-2']);
    expect(pre.plan.map((c) => [c.kind, c.region, c.previous, c.target])).toEqual([
      ['route53-health-check-inverted', 'us-east-1', false, true],
      ['accelerator-traffic-dial', 'us-east-1', 100, 0],
    ]);

    clock = base + 1_000;
    const out = await takeOut(f.config, f.clients, { region: 'us-east-1', executionId: f.executionId });
    expect(out.changedAt).toBe(base + 1_000);
    expect(await inverted(f.checks['us-east-1'])).toBe(true);
    expect(await inverted(f.checks['us-east-2'])).toBe(false);
    expect(f.dials).toEqual({ [GROUP('us-east-1')]: 0, [GROUP('us-east-2')]: 100 });

    // Nothing observed yet: not done.
    clock = base + 11_000;
    let m = await measure(f.config, f.clients, { executionId: f.executionId });
    expect(m.done).toBe(false);

    // What Route 53 and Global Accelerator publish once traffic has moved: the check's status 0, no new flows to the group.
    await cw('us-east-1').send(new PutMetricDataCommand({ Namespace: 'AWS/Route53', MetricData: [
      { MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: f.checks['us-east-1'] }], Value: 0, Timestamp: new Date(base + 30_000) },
    ] }));
    const bytes = (value: number, at: number) => ({ MetricName: 'NewFlowCount', Dimensions: [{ Name: 'Accelerator', Value: 'acc-1' }, { Name: 'Listener', Value: 'l-1' }, { Name: 'EndpointGroup', Value: 'us-east-1' }], Value: value, Timestamp: new Date(at) });
    // New flows before the change, and still in the first whole minute after it (the dial propagating).
    await cw('us-west-2').send(new PutMetricDataCommand({ Namespace: 'AWS/GlobalAccelerator', MetricData: [bytes(520, base - 30_000), bytes(80, base + 70_000)] }));
    clock = base + 41_000;
    m = await measure(f.config, f.clients, { executionId: f.executionId });
    expect(m.done).toBe(false);
    expect(m.measurements.find((x) => x.path === 'dns')?.stoppedAt).toBe(base + 41_000);
    // The minute [base+120 s, base+180 s) has no point (Global Accelerator reports only non-zero values);
    // it counts once its point would have arrived (90 s after it ends).
    clock = base + 269_000;
    m = await measure(f.config, f.clients, { executionId: f.executionId });
    expect(m.done).toBe(false);
    clock = base + 271_000;
    m = await measure(f.config, f.clients, { executionId: f.executionId });
    expect(m.done).toBe(true);
    expect(m.measurements.map((x) => [x.path, x.method, (x.stoppedAt! - out.changedAt) / 1000])).toEqual([
      ['dns', 'route53-health-check-status', 40],
      ['accelerator', 'global-accelerator-new-flows', 179],
    ]);

    const data = await checkDataPath(f.config, f.clients, { region: 'us-east-1' });
    expect(data).toEqual({ ok: true, checks: [{ region: 'us-east-2', check: 'alarms', ok: true, detail: '1 alarm(s) not in ALARM' }] });

    const restored = await restore(f.clients, f.executionId);
    expect(restored.restored.map((c) => c.kind)).toEqual(['accelerator-traffic-dial', 'route53-health-check-inverted']);
    expect(sentInverted.get(f.checks['us-east-1'])).toEqual([true, false]);
    expect(sentInverted.get(f.checks['us-east-2'])).toBeUndefined();
    expect(f.dials).toEqual({ [GROUP('us-east-1')]: 100, [GROUP('us-east-2')]: 100 });
    // A second restore (the abort rule after the state machine's own) changes nothing.
    expect(await restore(f.clients, f.executionId)).toEqual({ restored: [], alreadyRestored: 2 });

    const journal = await f.clients.journal.load(f.executionId) as DrillJournal;
    const report = buildReport(f.config, journal, { executionId: f.executionId, region: 'us-east-1', startedAt: base, dataPath: data }, clock);
    // A routing take-out skips detection: it is measured against the terms after detection only (W5).
    expect(report.paths.map((p) => [p.path, p.measuredSeconds, p.budgetSeconds, p.budgetBasis, p.withinBudget])).toEqual([
      ['dns', 40, 60, 'after detection', true],
      ['accelerator', 179, 30, 'after detection', false],
    ]);
    expect(report.exceeded).toBe(true);
    const keys = await publishReport(f.config, report, f.clients.journal as S3JournalStore, cw('us-west-2'));
    const md = await (await s3.send(new GetObjectCommand({ Bucket: f.config.bucketName, Key: keys.markdown }))).Body!.transformToString();
    expect(md).toBe(renderMarkdown(report));
    expect(md).toContain('| accelerator | 179 | 30 | after detection | **no** | global-accelerator-new-flows |');
    const json = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: f.config.bucketName, Key: keys.json }))).Body!.transformToString());
    expect(json.changes.map((c: any) => c.status)).toEqual(['restored', 'restored']);
  });

  test('restores after a failure in the middle of the take-out (the dial update fails after the health check was inverted)', async () => {
    const f = await fixture({ failUpdateOf: () => GROUP('us-east-1') });
    await expect(takeOut(f.config, f.clients, { region: 'us-east-1', executionId: f.executionId })).rejects.toThrow(/Rate exceeded/);
    expect(await inverted(f.checks['us-east-1'])).toBe(true);
    const journal = await f.clients.journal.load(f.executionId);
    expect(journal!.changes.map((c) => [c.kind, c.status])).toEqual([
      ['route53-health-check-inverted', 'applied'],
      ['accelerator-traffic-dial', 'pending'],
    ]);
    // The restore sets back the applied change; setting the pending one back is harmless, and its failing
    // update is retried by the state machine, so here the fake stops failing first.
    const dials = f.dials;
    const healthy = fakeAccelerator(dials);
    const clients = { ...f.clients, accelerator: healthy.ga };
    await restore(clients, f.executionId);
    expect(lastSent(f.checks['us-east-1'])).toBe(false);
    expect(dials[GROUP('us-east-1')]).toBe(100);
    expect((await f.clients.journal.load(f.executionId))!.changes.every((c) => c.status === 'restored')).toBe(true);
  });

  test('a restore that cannot set a change back fails (so the state machine retries) after restoring the rest', async () => {
    const f = await fixture({ journal: 'memory' });
    await takeOut(f.config, f.clients, { region: 'us-east-2', executionId: f.executionId });
    const broken = fakeAccelerator(f.dials, GROUP('us-east-2'));
    await expect(restore({ ...f.clients, accelerator: broken.ga }, f.executionId)).rejects.toThrow(/could not restore 1 change/);
    expect(lastSent(f.checks['us-east-2'])).toBe(false);
    const again = await restore({ ...f.clients, accelerator: fakeAccelerator(f.dials).ga }, f.executionId);
    expect(again.restored.map((c) => c.kind)).toEqual(['accelerator-traffic-dial']);
    expect(f.dials[GROUP('us-east-2')]).toBe(100);
  });

  test('refuses, changing nothing, when another Region is unhealthy (never the last healthy Region)', async () => {
    const f = await fixture();
    await markUnhealthy('us-east-2', f.alarms['us-east-2']);
    const attempt = preflight(f.config, f.clients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: f.executionId });
    await expect(attempt).rejects.toThrow(DrillRefused);
    await expect(attempt).rejects.toThrow(`us-east-2: ${f.alarms['us-east-2']} in ALARM`);
    expect(await inverted(f.checks['us-east-1'])).toBe(false);
    expect(f.dials[GROUP('us-east-1')]).toBe(100);
    // The data-path check after a take-out reports the same.
    expect((await checkDataPath(f.config, f.clients, { region: 'us-east-1' })).ok).toBe(false);
  });

  test('refuses when another Region is already out of DNS (its check inverted), without confirmation, and for its own Region', async () => {
    const f = await fixture({ journal: 'memory' });
    await expect(preflight(f.config, f.clients, { region: 'us-east-1', confirmation: 'us-east-2', executionId: f.executionId })).rejects.toThrow(/confirmation 'us-east-1'/);
    await expect(preflight({ ...f.config, homeRegion: 'us-east-1' }, f.clients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: f.executionId })).rejects.toThrow(/Region the drill runs in/);
    await takeOut(f.config, f.clients, { region: 'us-east-2', executionId: 'other-drill' });
    await expect(preflight(f.config, f.clients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: f.executionId }))
      .rejects.toThrow(`us-east-2: health check ${f.checks['us-east-2']} is inverted (out of DNS)`);
    await restore(f.clients, 'other-drill');
  });

  test('refuses when a drill is already running [SFN mock: ListExecutions]', async () => {
    const f = await fixture({ journal: 'memory' });
    const sfn = new SFNClient({ region: 'us-west-2' });
    mockClient(sfn).on(ListExecutionsCommand).resolves({ executions: [
      { executionArn: f.executionId, stateMachineArn: 'sm', name: 'me', status: 'RUNNING', startDate: new Date() },
      { executionArn: 'arn:aws:states:us-west-2:111111111111:execution:drill:earlier', stateMachineArn: 'sm', name: 'earlier', status: 'RUNNING', startDate: new Date() },
    ] });
    await expect(preflight(f.config, { ...f.clients, sfn }, { region: 'us-east-1', confirmation: 'us-east-1', executionId: f.executionId, stateMachineArn: 'arn:aws:states:us-west-2:111111111111:stateMachine:drill' }))
      .rejects.toThrow(/a drill is already running: .*:earlier/);
  });

  test('an active-passive standby at 0 % is raised to 100 % while the primary is out, and set back [GA mock]', async () => {
    const f = await fixture({ journal: 'memory' });
    f.dials[GROUP('us-east-2')] = 0;
    const out = await takeOut(f.config, f.clients, { region: 'us-east-1', executionId: f.executionId });
    expect(out.changes.filter((c) => c.kind === 'accelerator-traffic-dial').map((c) => [c.region, c.previous, c.target])).toEqual([['us-east-1', 100, 0], ['us-east-2', 0, 100]]);
    await restore(f.clients, f.executionId);
    expect(f.dials).toEqual({ [GROUP('us-east-1')]: 100, [GROUP('us-east-2')]: 0 });
  });

  test('measures the DNS path by Route 53\'s answer when it named the Region before the change [TestDNSAnswer mock]', async () => {
    let clock = Date.now();
    const f = await fixture({ journal: 'memory', clock: () => clock });
    // LocalStack's Route 53 has no TestDNSAnswer: a client whose only mocked command is that one,
    // answering with the us-east-1 load balancer until the health check is inverted.
    const answers = new Route53Client(awsClientConfig(localstackEndpoint()));
    const real = route53;
    let answer = ['dualstack.lb-us-east-1.elb.amazonaws.com'];
    (answers as any).send = (cmd: any) => (cmd instanceof TestDNSAnswerCommand ? Promise.resolve({ RecordData: answer }) : real.send(cmd));
    const clients = { ...f.clients, route53: answers, accelerator: f.clients.accelerator };
    const out = await takeOut(f.config, clients, { region: 'us-east-1', executionId: f.executionId });
    clock = out.changedAt + 5_000;
    let m = await measure(f.config, clients, { executionId: f.executionId });
    expect(m.measurements[0]).toMatchObject({ path: 'dns', method: 'route53-test-dns-answer' });
    expect(m.measurements[0].stoppedAt).toBeUndefined();
    answer = ['dualstack.lb-us-east-2.elb.amazonaws.com'];
    clock = out.changedAt + 15_000;
    m = await measure(f.config, clients, { executionId: f.executionId });
    expect((m.measurements[0].stoppedAt! - out.changedAt) / 1000).toBe(15);
    await restore(clients, f.executionId);
    answers.destroy();
  });

  test('recognises an alias answer by the load balancer\'s addresses [TestDNSAnswer mock]', async () => {
    let clock = Date.now();
    const f = await fixture({ journal: 'memory', clock: () => clock });
    const answers = new Route53Client(awsClientConfig(localstackEndpoint()));
    let answer = ['192.0.2.10', '192.0.2.11'];
    (answers as any).send = (cmd: any) => (cmd instanceof TestDNSAnswerCommand ? Promise.resolve({ RecordData: answer }) : route53.send(cmd));
    const clients = { ...f.clients, route53: answers, resolve: async (name: string) => (name === 'dualstack.lb-us-east-1.elb.amazonaws.com' ? ['192.0.2.11', '192.0.2.10'] : []) };
    const out = await takeOut(f.config, clients, { region: 'us-east-1', executionId: f.executionId });
    answer = ['198.51.100.7'];
    clock = out.changedAt + 21_000;
    const m = await measure(f.config, clients, { executionId: f.executionId });
    expect(m.measurements[0]).toMatchObject({ method: 'route53-test-dns-answer', stoppedAt: out.changedAt + 21_000 });
    await restore(clients, f.executionId);
    answers.destroy();
  });

  test('checks the survivors\' heartbeat: 2xx passes, anything else fails the data path', async () => {
    const server = http.createServer((req, res) => { res.writeHead(req.method === 'POST' && req.url === '/ok' ? 200 : 503); res.end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const f = await fixture({ journal: 'memory' });
      const withHeartbeat = (url: string) => ({ ...f.config, regions: f.config.regions.map((r) => (r.region === 'us-east-2' ? { ...r, heartbeatUrl: url } : r)) });
      const ok = await checkDataPath(withHeartbeat(`${base}/ok`), f.clients, { region: 'us-east-1' });
      expect(ok.ok).toBe(true);
      expect(ok.checks.map((c) => [c.region, c.check, c.ok])).toEqual([['us-east-2', 'alarms', true], ['us-east-2', 'heartbeat', true]]);
      const bad = await checkDataPath(withHeartbeat(`${base}/down`), f.clients, { region: 'us-east-1' });
      expect(bad.ok).toBe(false);
      expect(bad.checks[1].detail).toMatch(/^HTTP 503 in \d+ ms$/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('a path never seen to move traffic within the measure timeout is reported over budget', async () => {
    let clock = Date.now();
    const f = await fixture({ journal: 'memory', clock: () => clock });
    const out = await takeOut(f.config, f.clients, { region: 'us-east-2', executionId: f.executionId });
    clock = out.changedAt + 601_000;
    const m = await measure(f.config, f.clients, { executionId: f.executionId });
    expect(m.done).toBe(true);
    const journal = await f.clients.journal.load(f.executionId) as DrillJournal;
    const report = buildReport(f.config, journal, { executionId: f.executionId, region: 'us-east-2' }, clock);
    // No accelerator traffic at all to observe: the time is when the change was seen DEPLOYED (the first poll, late).
    expect(report.paths.map((p) => [p.path, p.method, p.measuredSeconds, p.withinBudget])).toEqual([
      ['dns', 'route53-health-check-status', undefined, false],
      ['accelerator', 'global-accelerator-deployed', 601, false],
    ]);
    expect(report.paths[0].notes).toContain('not observed within 600 s');
    await restore(f.clients, f.executionId);
  });
});
