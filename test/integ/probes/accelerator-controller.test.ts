import { DeleteAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, StateValue } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { mockClient } from 'aws-sdk-client-mock';
import { ControllerConfig, reconcile } from '../../../lambda/accelerator-controller/controller';
import { localCloudWatch, readMetric } from './support/services';

/**
 * The accelerator controller's core with its alarm states in LocalStack's CloudWatch (set with
 * SetAlarmState; the alarms' hour-long period keeps LocalStack's evaluator from overriding them)
 * and its metrics published there. Global Accelerator is an SDK mock: neither LocalStack's
 * open-source runtime nor moto serves it.
 */
const suffix = `${process.pid}-${Date.now()}`;
const namespace = `Controller/${suffix}`;
const regions = ['us-east-1', 'us-east-2'];
const alarmName = (region: string) => `controller-${suffix}-${region}`;
const arn = (region: string) => `arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/${region}`;
const config: ControllerConfig = {
  namespace, accelerator: 'acc', failoverDial: 100,
  regions: regions.map((region) => ({ region, alarmName: alarmName(region), alarmRegion: 'us-east-1', endpointGroupArn: arn(region), configuredDial: 100 })),
};
const cloudwatch = localCloudWatch();
const ga = mockClient(GlobalAcceleratorClient);
const dials: Record<string, number> = {};

beforeAll(async () => {
  for (const region of regions) {
    await cloudwatch.send(new PutMetricAlarmCommand({
      AlarmName: alarmName(region), Namespace: namespace, MetricName: 'RegionHealthy', Dimensions: [{ Name: 'Region', Value: region }],
      Statistic: 'Minimum', Period: 3600, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold',
    }));
  }
});

afterAll(async () => {
  ga.restore();
  await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: regions.map(alarmName) }));
});

beforeEach(() => {
  ga.reset();
  ga.on(DescribeEndpointGroupCommand).callsFake((input) => ({ EndpointGroup: { TrafficDialPercentage: dials[input.EndpointGroupArn.split('/').pop()!] } }));
  ga.on(UpdateEndpointGroupCommand).callsFake((input) => {
    dials[input.EndpointGroupArn.split('/').pop()!] = input.TrafficDialPercentage;
    return {};
  });
});

async function setStates(...states: StateValue[]): Promise<void> {
  for (const [i, region] of regions.entries()) {
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmName(region), StateValue: states[i], StateReason: 'test' }));
  }
}

const run = () => reconcile(config, { globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }), cloudwatchIn: () => cloudwatch, metrics: cloudwatch }, 'test', () => undefined);

test('[LocalStack CloudWatch; SDK mock for Global Accelerator] drains the Region in ALARM, never the last healthy one, restores on OK, publishes every change', async () => {
  dials['us-east-1'] = 100;
  dials['us-east-2'] = 100;
  await setStates('ALARM', 'ALARM');
  const refused = await run();
  expect([refused.states, refused.changes, refused.refused.map((r) => r.region)]).toEqual([{ 'us-east-1': 'ALARM', 'us-east-2': 'ALARM' }, [], ['us-east-1', 'us-east-2']]);

  await setStates('ALARM', 'OK');
  const drained = await run();
  expect(drained.changes.map((c) => [c.region, c.from, c.to])).toEqual([['us-east-1', 100, 0]]);
  expect(dials).toEqual({ 'us-east-1': 0, 'us-east-2': 100 });

  // Then us-east-2 fails too: us-east-1 is still in ALARM, so nothing is healthy and us-east-2 stays.
  await setStates('ALARM', 'ALARM');
  expect((await run()).changes).toEqual([]);
  expect(dials).toEqual({ 'us-east-1': 0, 'us-east-2': 100 });

  await setStates('OK', 'OK');
  const restored = await run();
  expect(restored.changes.map((c) => [c.region, c.from, c.to])).toEqual([['us-east-1', 0, 100]]);

  expect(await readMetric(cloudwatch, namespace, 'RegionDrained', { Accelerator: 'acc', Region: 'us-east-1' }, 'Sum')).toEqual([1]);
  expect(await readMetric(cloudwatch, namespace, 'RegionRestored', { Accelerator: 'acc', Region: 'us-east-1' }, 'Sum')).toEqual([1]);
  expect((await readMetric(cloudwatch, namespace, 'DrainRefused', { Accelerator: 'acc' }, 'Maximum'))[0]).toBeGreaterThanOrEqual(1);
});
