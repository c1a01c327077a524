import { localstackEndpoint } from '../harness/endpoints';
import { evaluateAlarmRule, runFailoverChain } from '../failover/failover-chain';

/**
 * The detection chain against LocalStack's CloudWatch (which evaluates alarms), with the health
 * probe's core and the accelerator controller's core; Global Accelerator is an SDK mock (no
 * emulator serves it). Asserts the order of events, never their times (npm run bench:failover prints those).
 */
test('[LocalStack CloudWatch; SDK mock for Global Accelerator] target down -> unhealthy datapoint -> alarm ALARM -> controller drains; and back', async () => {
  const result = await runFailoverChain({
    endpoint: localstackEndpoint(), intervalMs: 10_000, datapointsToAlarm: 2, evaluationPeriods: 3, reconcileMs: 5_000,
    healthyRuns: 2, recover: true, timeoutMs: 150_000,
  });
  const order = result.events.map((e) => e.event).filter((e) => !e.includes('us-east-2'));
  const at = (name: string) => order.indexOf(name);
  for (const name of ['target down', 'unhealthy datapoint published', 'alarm us-east-1 ALARM', 'controller set us-east-1 dial 100 -> 0',
    'target up', 'healthy datapoint published', 'alarm us-east-1 OK', 'controller set us-east-1 dial 0 -> 100']) {
    expect(order).toContain(name);
  }
  expect(at('target down')).toBeLessThan(at('unhealthy datapoint published'));
  expect(at('unhealthy datapoint published')).toBeLessThan(at('alarm us-east-1 ALARM'));
  expect(at('alarm us-east-1 ALARM')).toBeLessThan(at('controller set us-east-1 dial 100 -> 0'));
  expect(at('controller set us-east-1 dial 100 -> 0')).toBeLessThan(at('target up'));
  expect(at('healthy datapoint published')).toBeLessThan(at('alarm us-east-1 OK'));
  expect(at('alarm us-east-1 OK')).toBeLessThan(at('controller set us-east-1 dial 0 -> 100'));
  // The healthy Region was never touched.
  expect(result.events.filter((e) => e.event.startsWith('controller set us-east-2'))).toEqual([]);
}, 200_000);

test('the alarm rule evaluated over datapoints: M of N periods with an unhealthy run', () => {
  const points = [{ atMs: -5, healthy: true }, { atMs: 5, healthy: false }, { atMs: 15, healthy: false }, { atMs: 25, healthy: false }];
  expect(evaluateAlarmRule(points, -10, 10, 2, 3)).toBe(20);
  expect(evaluateAlarmRule(points.slice(0, 2), -10, 10, 2, 3)).toBeUndefined();
});
