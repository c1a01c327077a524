import { HandlerScenario } from './types';

/**
 * Invoked by an alarm state change: the first Region's alarm is in ALARM and every dial at 100, so
 * the controller reads every alarm and dial, turns that Region's dial down and publishes its metrics.
 */
export const acceleratorController: HandlerScenario = {
  handler: 'accelerator-controller',
  invocations: () => [{ export: 'handler', event: { source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: 'x', state: { value: 'ALARM' } } } }],
  respond: (call, state) => {
    if (call.operation === 'DescribeAlarms') {
      const first = !state.has('alarm');
      state.set('alarm', true);
      return { MetricAlarms: call.input.AlarmNames.map((n: string) => ({ AlarmName: n, StateValue: first ? 'ALARM' : 'OK' })) };
    }
    // The routing intents: none recorded (no hold).
    if (call.operation === 'GetParameters') return { Parameters: [], InvalidParameters: call.input.Names ?? [] };
    if (call.operation === 'DescribeEndpointGroup') return { EndpointGroup: { EndpointGroupArn: call.input.EndpointGroupArn, TrafficDialPercentage: 100 } };
    return {};
  },
};
