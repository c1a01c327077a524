import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { mockClient } from 'aws-sdk-client-mock';
import { AcceleratorRouting, Posture } from '../../lib';
import {
  AlarmState, ControllerConfig, DeepHealthTracker, combineStates, decide, describeTrigger, pollAndReconcile, reconcile,
} from '../../lambda/accelerator-controller/controller';
import { constructRegions, newTopology, withAlarms } from './fixture';

const arn = (region: string) => `arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/${region}`;
const activeActive: ControllerConfig = {
  namespace: 'Test/Routing',
  accelerator: 'acc',
  failoverDial: 100,
  regions: ['us-east-1', 'us-east-2', 'eu-west-1'].map((region) => ({ region, alarmName: `${region}-unhealthy`, alarmRegion: region, endpointGroupArn: arn(region), configuredDial: 100 })),
};
const activePassive: ControllerConfig = {
  ...activeActive,
  regions: [
    { region: 'eu-west-1', alarmName: 'p', alarmRegion: 'eu-west-1', endpointGroupArn: arn('eu-west-1'), configuredDial: 100 },
    { region: 'eu-central-1', alarmName: 's', alarmRegion: 'eu-central-1', endpointGroupArn: arn('eu-central-1'), configuredDial: 0 },
  ],
};
const states = (...values: AlarmState[]) => Object.fromEntries(activeActive.regions.map((r, i) => [r.region, values[i]]));
const full = { 'us-east-1': 100, 'us-east-2': 100, 'eu-west-1': 100 };

describe('the controller decides from every Region\'s alarm state', () => {
  test('a Region in ALARM is drained while another is healthy', () => {
    const { changes, refused } = decide(activeActive, states('ALARM', 'OK', 'OK'), full);
    expect(changes.map((c) => [c.region, c.from, c.to])).toEqual([['us-east-1', 100, 0]]);
    expect(refused).toEqual([]);
  });

  test('never the last healthy Region: with no Region OK, nothing is drained and the refusal is reported', () => {
    const { changes, refused } = decide(activeActive, states('ALARM', 'ALARM', 'INSUFFICIENT_DATA'), full);
    expect(changes).toEqual([]);
    expect(refused.map((r) => r.region)).toEqual(['us-east-1', 'us-east-2']);
  });

  test('a Region whose alarm clears gets its configured dial back; unreadable or insufficient data keeps the dial', () => {
    const { changes } = decide(activeActive, states('OK', 'UNREADABLE', 'INSUFFICIENT_DATA'), { 'us-east-1': 0, 'us-east-2': 0, 'eu-west-1': 100 });
    expect(changes.map((c) => [c.region, c.from, c.to])).toEqual([['us-east-1', 0, 100]]);
  });

  test('active-passive: the standby takes over (dial raised first) when the primary is in ALARM, and goes back to 0 when it recovers', () => {
    const over = decide(activePassive, { 'eu-west-1': 'ALARM', 'eu-central-1': 'OK' }, { 'eu-west-1': 100, 'eu-central-1': 0 });
    expect(over.changes.map((c) => [c.region, c.from, c.to])).toEqual([['eu-central-1', 0, 100], ['eu-west-1', 100, 0]]);
    const back = decide(activePassive, { 'eu-west-1': 'OK', 'eu-central-1': 'OK' }, { 'eu-west-1': 0, 'eu-central-1': 100 });
    expect(back.changes.map((c) => [c.region, c.from, c.to])).toEqual([['eu-west-1', 0, 100], ['eu-central-1', 100, 0]]);
  });

  // W1 of the 2026-12-05 review: the take-out of a drill (or a Region switch dial step) is a dial the
  // controller did not set; with the alarms OK, decide() puts it straight back.
  test('without a hold, a dial set by someone else is reset to the configured dial (the behaviour a hold prevents)', () => {
    const { changes } = decide(activeActive, states('OK', 'OK', 'OK'), { 'us-east-1': 0, 'us-east-2': 100, 'eu-west-1': 100 });
    expect(changes.map((c) => [c.region, c.from, c.to])).toEqual([['us-east-1', 0, 100]]);
  });

  test.each([
    ['the drill', 'drill:arn:aws:states:eu-west-1:111111111111:execution:shop-region-drill:e1'],
    ['a Region switch dial step', 'region-switch:arn:aws:arc-region-switch::111111111111:plan/shop/abc:exec-1'],
  ])('a hold set by %s keeps the dial it set, whatever the health says', (_who, by) => {
    const held = decide(activeActive, states('OK', 'OK', 'OK'), { 'us-east-1': 0, 'us-east-2': 100, 'eu-west-1': 100 }, { 'us-east-1': by });
    expect(held.changes).toEqual([]);
    expect(held.held).toEqual({ 'us-east-1': by });
    // Held at 100 while in ALARM: not drained either (the holder owns the Region).
    const alarm = decide(activeActive, states('ALARM', 'OK', 'OK'), full, { 'us-east-1': by });
    expect(alarm.changes).toEqual([]);
  });

  test('never the last serving Region: a held Region at 0 does not serve, so the only other unhealthy-by-alarm drain is refused', () => {
    const two: ControllerConfig = { ...activeActive, regions: activeActive.regions.slice(0, 2) };
    const { changes, refused } = decide(two, { 'us-east-1': 'OK', 'us-east-2': 'ALARM' }, { 'us-east-1': 0, 'us-east-2': 100 }, { 'us-east-1': 'drill:x' });
    expect(changes).toEqual([]);
    expect(refused.map((r) => [r.region, r.to])).toEqual([['us-east-2', 100]]);
  });

  test('never the last serving Region: draining stops at the last one, and a held Region serving at 100 counts as serving', () => {
    const one = decide(activeActive, states('ALARM', 'ALARM', 'OK'), { 'us-east-1': 100, 'us-east-2': 100, 'eu-west-1': 0 });
    // eu-west-1 is OK and gets its configured dial back, so it serves: the two drains may go ahead.
    expect(one.changes.map((c) => [c.region, c.to])).toEqual([['eu-west-1', 100], ['us-east-1', 0], ['us-east-2', 0]]);
    const heldServing = decide(activeActive, states('ALARM', 'OK', 'ALARM'), full, { 'us-east-2': 'operator:alice' });
    expect(heldServing.changes.map((c) => [c.region, c.to])).toEqual([['us-east-1', 0], ['eu-west-1', 0]]);
    expect(heldServing.refused).toEqual([]);
  });

  test('deep health and alarm combine: either unhealthy drains, both needed for OK, no evidence keeps the dial', () => {
    expect(combineStates('OK', 'ALARM')).toBe('ALARM');
    expect(combineStates('OK', 'OK')).toBe('OK');
    expect(combineStates('OK', 'INSUFFICIENT_DATA')).toBe('INSUFFICIENT_DATA');
    expect(combineStates(undefined, 'OK')).toBe('OK');
    expect(combineStates()).toBe('UNREADABLE');
  });

  test('a deep-health streak: unhealthy only after N failures in a row, healthy again after N good polls', () => {
    const t = new DeepHealthTracker(3);
    expect([t.record('a', false), t.record('a', false)]).toEqual([false, false]);
    expect(t.state('a')).toBe('INSUFFICIENT_DATA');
    t.record('a', true); // the streak breaks
    t.record('a', false);
    t.record('a', false);
    expect(t.state('a')).toBe('INSUFFICIENT_DATA');
    expect(t.record('a', false)).toBe(true);
    expect(t.state('a')).toBe('ALARM');
    t.record('a', true);
    t.record('a', true);
    expect(t.state('a')).toBe('ALARM');
    expect(t.record('a', true)).toBe(true);
    expect(t.state('a')).toBe('OK');
  });

  test('the trigger is described from the EventBridge event', () => {
    expect(describeTrigger({ 'detail-type': 'CloudWatch Alarm State Change', region: 'us-east-1', detail: { alarmName: 'a', state: { value: 'ALARM' } } }))
      .toBe('alarm a in us-east-1 is ALARM');
    expect(describeTrigger({ 'detail-type': 'Scheduled Event' })).toBe('reconcile schedule');
  });
});

// Neither LocalStack's open-source runtime nor moto serves Global Accelerator (checked against
// localstack-core 2026.3.0 and moto 5.1: no globalaccelerator service), so these use SDK mocks.
describe('[SDK mock: no emulator serves Global Accelerator] one reconcile run', () => {
  const ga = mockClient(GlobalAcceleratorClient);
  const cw = mockClient(CloudWatchClient);
  afterEach(() => { ga.reset(); cw.reset(); });

  test('reads alarms and dials, updates the drained group, logs the change and publishes the metrics', async () => {
    cw.on(DescribeAlarmsCommand).callsFake((input) => ({
      MetricAlarms: [{ AlarmName: input.AlarmNames[0], StateValue: input.AlarmNames[0] === 'us-east-2-unhealthy' ? 'ALARM' : 'OK' }],
    }));
    cw.on(PutMetricDataCommand).resolves({});
    ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: { TrafficDialPercentage: 100 } });
    ga.on(UpdateEndpointGroupCommand).resolves({});
    const lines: string[] = [];
    const client = new CloudWatchClient({ region: 'us-west-2' });
    const result = await reconcile(activeActive, {
      globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }), cloudwatchIn: () => client, metrics: client,
    }, 'test', (l) => lines.push(l));
    expect(result.changes.map((c) => [c.region, c.to])).toEqual([['us-east-2', 0]]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand).map((c) => c.args[0].input)).toEqual([{ EndpointGroupArn: arn('us-east-2'), TrafficDialPercentage: 0 }]);
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['dial-changed']);
    const data = cw.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(data.Namespace).toBe('Test/Routing');
    expect(data.MetricData!.map((d) => [d.MetricName, d.Dimensions!.find((x) => x.Name === 'Region')?.Value, d.Value])).toEqual([
      ['TrafficDial', 'us-east-1', 100], ['RegionHeld', 'us-east-1', 0], ['TrafficDial', 'us-east-2', 0], ['RegionHeld', 'us-east-2', 0],
      ['TrafficDial', 'eu-west-1', 100], ['RegionHeld', 'eu-west-1', 0],
      ['RegionDrained', 'us-east-2', 1], ['ChangesDecided', undefined, 1], ['ChangesDeferred', undefined, 0],
      ['DrainRefused', undefined, 0], ['IntentUnreadable', undefined, 0],
    ]);
  });

  const clientsOf = (client: CloudWatchClient) => ({ globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }), cloudwatchIn: () => client, metrics: client });
  const alarmsBy = (unhealthy: string[]) => (input: any) => ({ MetricAlarms: [{ AlarmName: input.AlarmNames[0], StateValue: unhealthy.some((u) => input.AlarmNames[0].startsWith(u)) ? 'ALARM' : 'OK' }] });

  test('monitor mode decides and publishes what it would change, and changes nothing', async () => {
    cw.on(DescribeAlarmsCommand).callsFake(alarmsBy(['us-east-2']));
    cw.on(PutMetricDataCommand).resolves({});
    ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: { TrafficDialPercentage: 100 } });
    ga.on(UpdateEndpointGroupCommand).resolves({});
    const client = new CloudWatchClient({ region: 'us-west-2' });
    const lines: string[] = [];
    const result = await reconcile({ ...activeActive, mode: 'monitor' }, clientsOf(client), 't', (l) => lines.push(l));
    expect(result.mode).toBe('monitor');
    expect(result.changes.map((c) => [c.region, c.to])).toEqual([['us-east-2', 0]]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(0);
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['would-change-dial']);
    const names = cw.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!.map((d) => d.MetricName);
    expect(names).toContain('WouldDrain');
    expect(names).not.toContain('RegionDrained');
  });

  test('the step limit: at most maxChangesPerRun changes per run (raises first), the rest deferred to the next run', async () => {
    cw.on(DescribeAlarmsCommand).callsFake(alarmsBy(['us-east-1', 'eu-west-1']));
    cw.on(PutMetricDataCommand).resolves({});
    ga.on(DescribeEndpointGroupCommand).callsFake((input) => ({ EndpointGroup: { TrafficDialPercentage: input.EndpointGroupArn.endsWith('us-east-2') ? 0 : 100 } }));
    ga.on(UpdateEndpointGroupCommand).resolves({});
    const client = new CloudWatchClient({ region: 'us-west-2' });
    const result = await reconcile({ ...activeActive, maxChangesPerRun: 1 }, clientsOf(client), 't', () => undefined);
    expect(result.changes.map((c) => [c.region, c.to])).toEqual([['us-east-2', 100]]);
    expect(result.deferred.map((c) => [c.region, c.to])).toEqual([['us-east-1', 0], ['eu-west-1', 0]]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(1);
  });

  test('intents that cannot be read stop the run from changing anything', async () => {
    cw.on(DescribeAlarmsCommand).callsFake(alarmsBy(['us-east-2']));
    cw.on(PutMetricDataCommand).resolves({});
    ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: { TrafficDialPercentage: 100 } });
    const client = new CloudWatchClient({ region: 'us-west-2' });
    const config = { ...activeActive, regions: activeActive.regions.map((r) => ({ ...r, intentParameter: `/shop/routing-intent/${r.region}` })) };
    const result = await reconcile(config, clientsOf(client), 't', () => undefined);
    expect(result.intentError).toMatch(/no SSM client/);
    expect(result.changes).toEqual([]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(0);
  });

  test('polling: a Region whose deep-health URL fails N times in a row is drained within the run, the others stay', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: { TrafficDialPercentage: 100 } });
    ga.on(UpdateEndpointGroupCommand).resolves({});
    const config: ControllerConfig = {
      ...activeActive,
      deepHealth: { pollSeconds: 5, failures: 3, timeoutSeconds: 2, runSeconds: 50 },
      regions: activeActive.regions.map((r) => ({ region: r.region, endpointGroupArn: r.endpointGroupArn, configuredDial: 100, deepHealthUrl: `https://${r.region}.example/health` })),
    };
    let clock = 0;
    const fetchFn = (async (url: string) => new Response('', { status: String(url).includes('us-east-2') ? 503 : 200 })) as unknown as typeof fetch;
    const client = new CloudWatchClient({ region: 'us-west-2' });
    const result = await pollAndReconcile(config, { ...clientsOf(client), now: () => clock }, new DeepHealthTracker(3), 'reconcile schedule', () => undefined,
      { fetch: fetchFn, sleep: async (ms) => { clock += ms; } });
    expect(ga.commandCalls(UpdateEndpointGroupCommand).map((c) => c.args[0].input)).toEqual([{ EndpointGroupArn: arn('us-east-2'), TrafficDialPercentage: 0 }]);
    expect(result.states['us-east-2']).toBe('ALARM');
    expect(clock).toBe(50_000);
  });

  test('a failed UpdateEndpointGroup is reported and logged, not thrown', async () => {
    cw.on(DescribeAlarmsCommand).callsFake((input) => ({ MetricAlarms: [{ StateValue: input.AlarmNames[0] === 'us-east-1-unhealthy' ? 'ALARM' : 'OK' }] }));
    ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: { TrafficDialPercentage: 100 } });
    ga.on(UpdateEndpointGroupCommand).rejects(new Error('AcceleratorNotFoundException'));
    const client = new CloudWatchClient({ region: 'us-west-2' });
    const lines: string[] = [];
    const result = await reconcile(activeActive, { globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }), cloudwatchIn: () => client, metrics: client }, 't', (l) => lines.push(l));
    expect(result.failed.map((f) => f.region)).toEqual(['us-east-1']);
    expect(lines.some((l) => JSON.parse(l).event === 'dial-change-failed')).toBe(true);
  });
});

describe.each([Posture.ACTIVE_ACTIVE, Posture.ACTIVE_PASSIVE])('the controller\'s resources, %s', (posture) => {
  const { app, topology } = newTopology(posture);
  const regions = withAlarms(topology, constructRegions(topology));
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
  app.synth();
  const template = Template.fromStack(topology.acceleratorStack);

  test('its IAM names the endpoint groups and the alarms; only PutMetricData has *, limited by namespace', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const ga = statements.find((s: any) => [s.Action].flat().includes('globalaccelerator:UpdateEndpointGroup'));
    expect(ga.Action).toEqual(['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup']);
    expect(ga.Resource).toHaveLength(2);
    for (const r of ga.Resource) expect(JSON.stringify(r)).toMatch(/EndpointGroup/);
    const star = statements.filter((s: any) => [s.Resource].flat().includes('*'));
    expect(star.map((s: any) => [s.Action, Object.keys(s.Condition ?? {})])).toEqual([['cloudwatch:PutMetricData', ['StringEquals']]]);
    expect(accelerator.controllerFunction).toBeDefined();
  });

  test('an event bus, a rule on it and a one-minute reconcile schedule invoke the function', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(), EventPattern: { 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 15, Environment: { Variables: { ACCELERATOR_CONTROLLER_CONFIG: Match.anyValue() } } });
  });

  test('each alarm\'s Region forwards its state changes to the bus in us-west-2', () => {
    for (const region of topology.activeRegions) {
      const t = Template.fromStack(topology.regionalStack(region));
      t.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'resources': [Match.anyValue()] },
        Targets: [Match.objectLike({ Arn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':events:us-west-2:111111111111:event-bus/')])] }), RoleArn: Match.anyValue() })],
      });
    }
  });
});

test('followHealthAlarms: false leaves the accelerator on target health alone', () => {
  const { topology } = newTopology();
  const regions = withAlarms(topology, constructRegions(topology));
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions, followHealthAlarms: false });
  expect(accelerator.controllerFunction).toBeUndefined();
  expect(accelerator.failoverBudget.regions[0].terms.map((t) => t.branch)).toEqual(['target health', 'target health']);
  // 2 x 10 s + 5 s timeout, + 30 s for Global Accelerator to act on it (ASSUMED).
  expect(accelerator.failoverBudget.worstCaseSeconds).toBe(55);
  Template.fromStack(topology.acceleratorStack).resourceCountIs('AWS::Events::EventBus', 0);
});

describe('the routing intent, the rails and deep-health polling in the template', () => {
  test('one intent parameter per active Region beside the controller, which may read them (and only them)', () => {
    const { app, topology } = newTopology();
    const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: withAlarms(topology, constructRegions(topology)) });
    app.synth();
    const t = Template.fromStack(topology.acceleratorStack);
    for (const region of topology.activeRegions) {
      t.hasResourceProperties('AWS::SSM::Parameter', { Name: `/shop/routing-intent/${region}`, Type: 'String', Value: '{"hold":false}' });
    }
    expect(accelerator.routingIntent.storeRegion).toBe('us-west-2');
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((s: any) => [s.Action].flat().includes('ssm:GetParameters'));
    expect(JSON.stringify(read.Resource)).toContain(':ssm:us-west-2:');
    expect(read.Resource).toHaveLength(2);
    expect(statements.some((s: any) => [s.Action].flat().includes('ssm:PutParameter'))).toBe(false);
    const [fn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ACCELERATOR_CONTROLLER_CONFIG: Match.anyValue() } } } }));
    const config = JSON.stringify(fn.Properties.Environment.Variables.ACCELERATOR_CONTROLLER_CONFIG);
    expect(config).toContain('\\"mode\\":\\"act\\"');
    expect(config).toContain('\\"maxChangesPerRun\\":2');
    expect(config).toContain('\\"intentParameter\\":\\"/shop/routing-intent/us-east-1\\"');
  });

  test('monitor-only mode and the step limit reach the controller; bad values are refused', () => {
    const { app, topology } = newTopology();
    new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', {
      topology, regions: withAlarms(topology, constructRegions(topology)), controllerMonitorOnly: true, controllerMaxChangesPerRun: 1,
    });
    app.synth();
    const [fn] = Object.values(Template.fromStack(topology.acceleratorStack).findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ACCELERATOR_CONTROLLER_CONFIG: Match.anyValue() } } } }));
    const config = JSON.stringify(fn.Properties.Environment.Variables.ACCELERATOR_CONTROLLER_CONFIG);
    expect(config).toContain('\\"mode\\":\\"monitor\\"');
    expect(config).toContain('\\"maxChangesPerRun\\":1');
    const other = newTopology();
    expect(() => new AcceleratorRouting(other.topology.acceleratorStack, 'A', { topology: other.topology, regions: withAlarms(other.topology, constructRegions(other.topology)), controllerMaxChangesPerRun: 0 }))
      .toThrow(/controllerMaxChangesPerRun of 0 is not valid/);
  });

  test('followDeepHealth: the controller polls the URLs (<= 10 s), and the budget gets its branch with the control plane named and the dial propagation ASSUMED', () => {
    const { app, topology } = newTopology();
    const regions = constructRegions(topology).map((r) => ({ ...r, deepHealthUrl: `https://health.${r.region}.example.com/deep` }));
    const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions, followDeepHealth: true, deepHealthPollInterval: Duration.seconds(5), deepHealthFailureThreshold: 2 });
    app.synth();
    const [fn] = Object.values(Template.fromStack(topology.acceleratorStack).findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { ACCELERATOR_CONTROLLER_CONFIG: Match.anyValue() } } } }));
    expect(fn.Properties.Timeout).toBe(70);
    const config = JSON.stringify(fn.Properties.Environment.Variables.ACCELERATOR_CONTROLLER_CONFIG);
    expect(config).toContain('\\"deepHealth\\":{\\"pollSeconds\\":5,\\"failures\\":2,\\"timeoutSeconds\\":2,\\"runSeconds\\":50}');
    expect(config).toContain('https://health.us-east-1.example.com/deep');
    const terms = accelerator.failoverBudget.regions[0].terms.filter((t) => t.branch === 'deep-health endpoint + controller');
    expect(terms.map((t) => [t.seconds, t.basis])).toEqual([[10, 'CONFIGURED'], [2, 'CONFIGURED'], [10, 'CONFIGURED'], [18, 'CONFIGURED'], [30, 'ASSUMED']]);
    expect(terms[3].name).toContain('Global Accelerator control plane (UpdateEndpointGroup, us-west-2 only');
    expect(terms[4].source).toContain('about 30 seconds');
    expect(accelerator.failoverBudget.caveats.join(' ')).toContain('control plane on the automatic path');
  });

  test('followDeepHealth needs URLs, a poll of 1 to 10 s and a timeout below it', () => {
    const make = (props: object) => {
      const { topology } = newTopology();
      const regions = constructRegions(topology).map((r) => ({ ...r, deepHealthUrl: 'https://h.example.com/deep' }));
      return () => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions, followDeepHealth: true, ...props });
    };
    expect(make({ deepHealthPollInterval: Duration.seconds(30) })).toThrow(/deepHealthPollInterval of 30 s is not valid; use 1 to 10/);
    expect(make({ deepHealthTimeout: Duration.seconds(10) })).toThrow(/deepHealthTimeout of 10 s is not valid/);
    expect(make({ deepHealthFailureThreshold: 11 })).toThrow(/deepHealthFailureThreshold of 11 is not valid/);
    const { topology } = newTopology();
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions: constructRegions(topology), followDeepHealth: true })).toThrow(/no Region has a deepHealthUrl/);
  });
});
