import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { mockClient } from 'aws-sdk-client-mock';
import { AcceleratorRouting, Posture } from '../../lib';
import { AlarmState, ControllerConfig, decide, describeTrigger, reconcile } from '../../lambda/accelerator-controller/controller';
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
      ['TrafficDial', 'us-east-1', 100], ['TrafficDial', 'us-east-2', 0], ['TrafficDial', 'eu-west-1', 100],
      ['RegionDrained', 'us-east-2', 1], ['DrainRefused', undefined, 0],
    ]);
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
