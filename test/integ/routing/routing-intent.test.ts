import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeAcceleratorCommand, DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { CreateHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ControllerConfig, reconcile } from '../../../lambda/accelerator-controller/controller';
import { DrillConfig } from '../../../lambda/region-drill/config';
import { buildReport } from '../../../lambda/region-drill/report';
import { MemoryJournalStore } from '../../../lambda/region-drill/s3-store';
import { DrillClients, DrillJournal, checkDataPath, measure, preflight, restore, takeOut } from '../../../lambda/region-drill/steps';
import { switchRouting } from '../../../lambda/region-switch-dial/dial';
import { HeldByOther, clearHold, isHeld, readIntents, setHold } from '../../../lambda/shared/routing-intent';
import { awsClientConfig, localstackEndpoint } from '../harness/endpoints';

/**
 * One owner of routing state (issue 18, item 2) and the drill's deep-health fault mode (item 4):
 * the routing intents and the fault switches are SSM parameters in LocalStack; alarms and metrics
 * are LocalStack's CloudWatch, health checks LocalStack's Route 53. Global Accelerator is served by
 * neither LocalStack's open-source runtime nor moto, so the endpoint groups are a stateful SDK mock
 * ("[GA mock]"), shared by the drill, the Region switch step and the controller as the real API would be.
 */
const ACCOUNT = '111111111111';
const REGIONS = ['us-east-1', 'us-east-2'];
const GROUP = (r: string) => `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/acc-1/listener/l-1/endpoint-group/${r}`;
const STORE_REGION = 'us-west-2';
let run = 0;

const ssmClients = new Map<string, SSMClient>();
const ssm = (region: string) => {
  if (!ssmClients.has(region)) ssmClients.set(region, new SSMClient(awsClientConfig(localstackEndpoint(), region)));
  return ssmClients.get(region)!;
};
const cwClients = new Map<string, CloudWatchClient>();
const cw = (region: string) => {
  if (!cwClients.has(region)) cwClients.set(region, new CloudWatchClient(awsClientConfig(localstackEndpoint(), region)));
  return cwClients.get(region)!;
};
let route53: Route53Client;
beforeAll(() => { route53 = new Route53Client(awsClientConfig(localstackEndpoint())); });
afterAll(() => {
  route53.destroy();
  ssmClients.forEach((c) => c.destroy());
  cwClients.forEach((c) => c.destroy());
});

function fakeAccelerator(dials: Record<string, number>) {
  const ga = new GlobalAcceleratorClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(ga);
  mock.on(DescribeEndpointGroupCommand).callsFake((i) => ({ EndpointGroup: { EndpointGroupArn: i.EndpointGroupArn, TrafficDialPercentage: dials[i.EndpointGroupArn] } }));
  mock.on(UpdateEndpointGroupCommand).callsFake((i) => {
    dials[i.EndpointGroupArn] = i.TrafficDialPercentage;
    return {};
  });
  mock.on(DescribeAcceleratorCommand).resolves({ Accelerator: { Status: 'DEPLOYED' } });
  return ga;
}

interface World {
  names: Record<string, string>;
  faults: Record<string, string>;
  dials: Record<string, number>;
  ga: GlobalAcceleratorClient;
  alarms: Record<string, string>;
  checks: Record<string, string>;
  drill: DrillConfig;
  drillClients: DrillClients;
  controller: ControllerConfig;
  executionId: string;
}

/** Intents in us-west-2 as RoutingIntentStore creates them, a fault switch per Region, OK alarms, full dials. */
async function world(clock: () => number = Date.now): Promise<World> {
  run++;
  const prefix = `/itest-${run}-${Date.now()}`;
  const names = Object.fromEntries(REGIONS.map((r) => [r, `${prefix}/routing-intent/${r}`]));
  const faults = Object.fromEntries(REGIONS.map((r) => [r, `${prefix}/deep-health/${r}/fault`]));
  const alarms: Record<string, string> = {};
  const checks: Record<string, string> = {};
  for (const r of REGIONS) {
    await ssm(STORE_REGION).send(new PutParameterCommand({ Name: names[r], Value: '{"hold":false}', Type: 'String' }));
    await ssm(r).send(new PutParameterCommand({ Name: faults[r], Value: '{"fail":false}', Type: 'String' }));
    alarms[r] = `intent-${run}-${r}-unhealthy`;
    await cw(r).send(new PutMetricAlarmCommand({
      AlarmName: alarms[r], Namespace: `Test/Intent/${run}`, MetricName: 'RegionHealthy', Statistic: 'Minimum', Period: 60, EvaluationPeriods: 1,
      // notBreaching: LocalStack evaluates a new alarm on a thread of its own, and with 'missing' its first
      // evaluation (no data) put the alarm into INSUFFICIENT_DATA after the SetAlarmState below, so under
      // load the controller saw no OK alarm and restored nothing. Every evaluation now agrees with OK.
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'notBreaching',
    }));
    await cw(r).send(new SetAlarmStateCommand({ AlarmName: alarms[r], StateValue: 'OK', StateReason: 'test: healthy' }));
    const hc = await route53.send(new CreateHealthCheckCommand({
      CallerReference: `intent-${run}-${r}-${Date.now()}`,
      HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: `${r}.app.example.com`, ResourcePath: '/health', RequestInterval: 10, FailureThreshold: 3 },
    }));
    checks[r] = hc.HealthCheck!.Id!;
  }
  const dials = Object.fromEntries(REGIONS.map((r) => [GROUP(r), 100]));
  const ga = fakeAccelerator(dials);
  const drill: DrillConfig = {
    homeRegion: 'us-west-2',
    regions: REGIONS.map((r) => ({ region: r, healthCheckId: checks[r], endpointGroupArn: GROUP(r), alarms: [{ name: alarms[r], region: r }], faultSwitchName: faults[r] })),
    dns: { recordName: 'app.example.com', recordType: 'A', hostedZoneId: 'Z0EXAMPLE' },
    accelerator: { acceleratorArn: `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/acc-1` },
    intents: { region: STORE_REGION, names },
    budget: [{ path: 'dns', worstCaseSeconds: 120, regions: { 'us-east-1': 120, 'us-east-2': 120 }, postDetection: { 'us-east-1': 60, 'us-east-2': 60 } }],
    bucketName: 'unused',
    namespace: `Test/GameDay/${run}`,
    measureTimeoutSeconds: 600,
  };
  const drillClients: DrillClients = { route53, accelerator: ga, cloudwatch: cw, ssm, journal: new MemoryJournalStore(), now: clock };
  const controller: ControllerConfig = {
    namespace: `Test/Routing/${run}`,
    accelerator: 'acc-1',
    failoverDial: 100,
    regions: REGIONS.map((r) => ({ region: r, alarmName: alarms[r], alarmRegion: r, endpointGroupArn: GROUP(r), configuredDial: 100, intentParameter: names[r] })),
  };
  return { names, faults, dials, ga, alarms, checks, drill, drillClients, controller, executionId: `arn:aws:states:us-west-2:${ACCOUNT}:execution:drill:run-${run}` };
}

const controllerClients = (w: World) => ({ globalAccelerator: w.ga, cloudwatchIn: cw, metrics: cw(STORE_REGION), ssm: ssm(STORE_REGION) });
const value = async (region: string, name: string) => (await ssm(region).send(new GetParameterCommand({ Name: name }))).Parameter!.Value!;

describe('the routing intent in SSM (LocalStack)', () => {
  test('a hold names its holder; another actor cannot take it over or clear it; a lapsed or garbled one reads as documented', async () => {
    const w = await world();
    const now = Date.now();
    await setHold(ssm(STORE_REGION), w.names, 'us-east-1', { by: 'drill:e1', why: 'game day' }, now);
    const held = (await readIntents(ssm(STORE_REGION), w.names))['us-east-1'];
    expect(held).toMatchObject({ hold: true, by: 'drill:e1', why: 'game day' });
    await expect(setHold(ssm(STORE_REGION), w.names, 'us-east-1', { by: 'region-switch:plan' }, now)).rejects.toBeInstanceOf(HeldByOther);
    expect(await clearHold(ssm(STORE_REGION), w.names, 'us-east-1', 'region-switch:plan', now)).toEqual({ cleared: false, heldBy: 'drill:e1' });
    expect(await clearHold(ssm(STORE_REGION), w.names, 'us-east-1', 'drill:e1', now)).toEqual({ cleared: true });
    expect(JSON.parse(await value(STORE_REGION, w.names['us-east-1']))).toEqual({ hold: false });
    // An operator's hold with an end: held until then, free after.
    await ssm(STORE_REGION).send(new PutParameterCommand({ Name: w.names['us-east-2'], Type: 'String', Overwrite: true,
      Value: JSON.stringify({ hold: true, by: 'operator:alice', why: 'maintenance', until: new Date(now + 60_000).toISOString() }) }));
    const op = (await readIntents(ssm(STORE_REGION), w.names))['us-east-2'];
    expect([isHeld(op, now), isHeld(op, now + 61_000)]).toEqual([true, false]);
    // A value typed by hand that is not the JSON counts as a hold (automation stays off it).
    await ssm(STORE_REGION).send(new PutParameterCommand({ Name: w.names['us-east-2'], Type: 'String', Overwrite: true, Value: 'hold please' }));
    expect((await readIntents(ssm(STORE_REGION), w.names))['us-east-2']).toMatchObject({ hold: true, by: 'unknown' });
  });
});

describe('the controller honours the holds of the drill and of a Region switch step [GA mock]', () => {
  test('without a hold the controller resets a take-out it did not make (the W1 defect the hold fixes)', async () => {
    const w = await world();
    w.dials[GROUP('us-east-1')] = 0; // someone set the dial, and recorded nothing
    const result = await reconcile(w.controller, controllerClients(w), 'test', () => undefined);
    expect(result.changes.map((c) => [c.region, c.to])).toEqual([['us-east-1', 100]]);
    expect(w.dials[GROUP('us-east-1')]).toBe(100);
  });

  test('the drill\'s routing take-out holds the Region: the controller keeps its dial at 0 until the drill restores and clears its hold', async () => {
    const w = await world();
    const pre = await preflight(w.drill, w.drillClients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: w.executionId });
    expect(pre.plan.map((c) => [c.kind, c.region])).toEqual([
      ['routing-intent-hold', 'us-east-1'], ['route53-health-check-inverted', 'us-east-1'], ['accelerator-traffic-dial', 'us-east-1'],
    ]);
    await takeOut(w.drill, w.drillClients, { region: 'us-east-1', executionId: w.executionId });
    expect(JSON.parse(await value(STORE_REGION, w.names['us-east-1']))).toMatchObject({ hold: true, by: `drill:${w.executionId}` });
    expect(w.dials[GROUP('us-east-1')]).toBe(0);

    const during = await reconcile(w.controller, controllerClients(w), 'reconcile schedule', () => undefined);
    expect(during.changes).toEqual([]);
    expect(during.held).toEqual({ 'us-east-1': `drill:${w.executionId}: Region evacuation drill` });
    expect(w.dials[GROUP('us-east-1')]).toBe(0);

    const restored = await restore(w.drillClients, w.executionId);
    expect(restored.restored.map((c) => c.kind)).toEqual(['accelerator-traffic-dial', 'route53-health-check-inverted', 'routing-intent-hold']);
    expect(JSON.parse(await value(STORE_REGION, w.names['us-east-1']))).toEqual({ hold: false });
    expect(w.dials[GROUP('us-east-1')]).toBe(100);
    const after = await reconcile(w.controller, controllerClients(w), 'reconcile schedule', () => undefined);
    expect([after.changes, after.held]).toEqual([[], {}]);
  });

  test('a drill refuses to start while an operator holds a Region', async () => {
    const w = await world();
    await setHold(ssm(STORE_REGION), w.names, 'us-east-2', { by: 'operator:alice', why: 'maintenance' }, Date.now());
    await expect(preflight(w.drill, w.drillClients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: w.executionId }))
      .rejects.toThrow(/routing is held: us-east-2 \(held by operator:alice: maintenance\)/);
  });

  test('a Region switch deactivate step (run in the Region that stays) holds the Region it drains; the controller keeps it; activate clears the hold', async () => {
    const w = await world();
    const payload = { endpointGroups: Object.fromEntries(REGIONS.map((r) => [r, GROUP(r)])), intents: { region: STORE_REGION, names: w.names }, PlanArn: 'arn:aws:arc-region-switch::111111111111:plan/shop/abc', ExecutionId: 'exec-1' };
    const dialClients = { globalAccelerator: w.ga, route53, ssm };
    await switchRouting(dialClients, 'us-east-2', { ...payload, dialAction: 'deactivate' });
    expect(w.dials[GROUP('us-east-1')]).toBe(0);
    expect(JSON.parse(await value(STORE_REGION, w.names['us-east-1']))).toMatchObject({ hold: true, by: 'region-switch:arn:aws:arc-region-switch::111111111111:plan/shop/abc' });

    const during = await reconcile(w.controller, controllerClients(w), 'reconcile schedule', () => undefined);
    expect(during.changes).toEqual([]);
    expect(Object.keys(during.held)).toEqual(['us-east-1']);
    // The other Region cannot be deactivated now: it is the last serving one.
    await expect(switchRouting(dialClients, 'us-east-1', { ...payload, dialAction: 'deactivate' })).rejects.toThrow(/would leave no Region serving/);

    await switchRouting(dialClients, 'us-east-1', { ...payload, dialAction: 'activate' });
    expect(w.dials[GROUP('us-east-1')]).toBe(100);
    expect(JSON.parse(await value(STORE_REGION, w.names['us-east-1']))).toEqual({ hold: false });
  });
});

describe('the drill\'s deep-health fault mode: the fault switch is restored on success, failure and abort', () => {
  test('success: only the fault switch changes (no hold, so automation moves the traffic), the whole budget is the yardstick, the switch is set back', async () => {
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    let clock = base;
    const w = await world(() => clock);
    const pre = await preflight(w.drill, w.drillClients, { region: 'us-east-1', confirmation: 'us-east-1', executionId: w.executionId, mode: 'deep-health' });
    expect(pre.plan.map((c) => [c.kind, c.resource, c.previous])).toEqual([['deep-health-fault-switch', w.faults['us-east-1'], '{"fail":false}']]);
    clock = base + 1_000;
    await takeOut(w.drill, w.drillClients, { region: 'us-east-1', executionId: w.executionId, mode: 'deep-health' });
    expect(JSON.parse(await value('us-east-1', w.faults['us-east-1']))).toMatchObject({ fail: true, by: `drill:${w.executionId}` });
    expect(JSON.parse(await value('us-east-2', w.faults['us-east-2']))).toEqual({ fail: false });
    expect(JSON.parse(await value(STORE_REGION, w.names['us-east-1']))).toEqual({ hold: false });
    expect(w.dials[GROUP('us-east-1')]).toBe(100);

    // Route 53 reports the Region's check unhealthy once detection and propagation ran.
    await cw('us-east-1').send(new PutMetricDataCommand({ Namespace: 'AWS/Route53', MetricData: [
      { MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: w.checks['us-east-1'] }], Value: 0, Timestamp: new Date(base + 90_000) },
    ] }));
    clock = base + 101_000;
    const m = await measure(w.drill, w.drillClients, { executionId: w.executionId });
    expect(m.measurements.find((x) => x.path === 'dns')?.stoppedAt).toBe(base + 101_000);

    await restore(w.drillClients, w.executionId);
    expect(await value('us-east-1', w.faults['us-east-1'])).toBe('{"fail":false}');
    const journal = await w.drillClients.journal.load(w.executionId) as DrillJournal;
    const report = buildReport(w.drill, journal, { executionId: w.executionId, region: 'us-east-1', startedAt: base }, clock);
    expect(report.mode).toBe('deep-health');
    expect(report.paths.filter((p) => p.path === 'dns').map((p) => [p.measuredSeconds, p.budgetSeconds, p.budgetBasis, p.withinBudget])).toEqual([[100, 120, 'whole budget', true]]);
    expect(report.notRestored).toEqual([]);
  });

  test('failure: a survivor\'s data path fails; the restore sets the switch back and the report says failed', async () => {
    const w = await world();
    const drill = { ...w.drill, regions: w.drill.regions.map((r) => ({ ...r, heartbeatUrl: `https://${r.region}.app.example.com/heartbeat` })) };
    const clients = { ...w.drillClients, fetch: (async () => new Response('', { status: 503 })) as unknown as typeof fetch };
    await takeOut(drill, clients, { region: 'us-east-1', executionId: w.executionId, mode: 'deep-health' });
    const data = await checkDataPath(drill, clients, { region: 'us-east-1' });
    expect(data.ok).toBe(false);
    await restore(clients, w.executionId);
    expect(await value('us-east-1', w.faults['us-east-1'])).toBe('{"fail":false}');
    const report = buildReport(drill, await clients.journal.load(w.executionId), { executionId: w.executionId, region: 'us-east-1', dataPath: data }, Date.now());
    expect(report.outcome).toBe('failed');
  });

  test('abort: the abort rule\'s restore (no state machine restore before it) sets the switch back, twice is harmless; a failed restore is reported, not hidden', async () => {
    const w = await world();
    await takeOut(w.drill, w.drillClients, { region: 'us-east-1', executionId: w.executionId, mode: 'deep-health' });
    expect(JSON.parse(await value('us-east-1', w.faults['us-east-1'])).fail).toBe(true);
    // As the RestoreOnAbort rule invokes it: { step: 'restore', executionId }.
    expect((await restore(w.drillClients, w.executionId)).restored.map((c) => c.kind)).toEqual(['deep-health-fault-switch']);
    expect(await value('us-east-1', w.faults['us-east-1'])).toBe('{"fail":false}');
    expect(await restore(w.drillClients, w.executionId)).toEqual({ restored: [], alreadyRestored: 1 });

    // A restore that cannot write (SSM refuses) throws, so Lambda retries it and then keeps the event in the failed-restore queue.
    const w2 = await world();
    await takeOut(w2.drill, w2.drillClients, { region: 'us-east-1', executionId: w2.executionId, mode: 'deep-health' });
    const broken = new SSMClient(awsClientConfig(localstackEndpoint(), 'us-east-1'));
    mockClient(broken).onAnyCommand().rejects(new Error('AccessDeniedException'));
    const failing = { ...w2.drillClients, ssm: () => broken };
    await expect(restore(failing, w2.executionId)).rejects.toThrow(/could not restore 1 change\(s\): deep-health-fault-switch/);
    const report = buildReport(w2.drill, await w2.drillClients.journal.load(w2.executionId), { executionId: w2.executionId, region: 'us-east-1', error: { Error: 'Error', Cause: 'restore failed' } }, Date.now());
    expect(report.notRestored.map((c) => c.kind)).toEqual(['deep-health-fault-switch']);
    expect(report.outcome).toBe('failed');
    await restore(w2.drillClients, w2.executionId);
  });
});
