import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { switchRouting } from '../../lambda/region-switch-dial/dial';

/**
 * The Region switch plan's routing step. Neither LocalStack's open-source runtime nor moto serves
 * Global Accelerator, so the dials are a stateful SDK mock ("[GA mock]"); so are the health checks
 * here (LocalStack ignores Inverted=false, see the drill's integ test), and the intents' hold is
 * covered against LocalStack's SSM in test/integ/routing/routing-intent.test.ts.
 */
const GROUPS = { 'us-east-1': 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g1', 'us-east-2': 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g2' };
const CHECKS = { 'us-east-1': 'hc-1', 'us-east-2': 'hc-2' };

function fake(dials: Record<string, number>, inverted: Record<string, boolean> = {}) {
  const ga = new GlobalAcceleratorClient({ region: 'us-west-2' });
  const route53 = new Route53Client({ region: 'us-east-1' });
  const calls: string[] = [];
  const g = mockClient(ga);
  g.on(DescribeEndpointGroupCommand).callsFake((i) => ({ EndpointGroup: { TrafficDialPercentage: dials[i.EndpointGroupArn] } }));
  g.on(UpdateEndpointGroupCommand).callsFake((i) => {
    calls.push(`${i.EndpointGroupArn.slice(-2)}=${i.TrafficDialPercentage}`);
    dials[i.EndpointGroupArn] = i.TrafficDialPercentage;
    return {};
  });
  const r = mockClient(route53);
  r.on(GetHealthCheckCommand).callsFake((i) => ({ HealthCheck: { HealthCheckConfig: { Inverted: inverted[i.HealthCheckId] ?? false } } }));
  r.on(UpdateHealthCheckCommand).callsFake((i) => {
    calls.push(`${i.HealthCheckId}:inverted=${i.Inverted}`);
    inverted[i.HealthCheckId] = i.Inverted;
    return {};
  });
  return { clients: { globalAccelerator: ga, route53 }, calls };
}

describe('Region switch routing step [GA mock, Route 53 mock]', () => {
  test('deactivate runs in the Region that stays (never in the one deactivated) and takes the other out of both paths', async () => {
    const { clients, calls } = fake({ [GROUPS['us-east-1']]: 100, [GROUPS['us-east-2']]: 100 });
    const changes = await switchRouting(clients, 'us-east-2', { dialAction: 'deactivate', endpointGroups: GROUPS, healthChecks: CHECKS });
    expect(calls).toEqual(['g1=0', 'hc-1:inverted=true']);
    expect(changes.map((c) => [c.region, c.kind, c.value])).toEqual([['us-east-1', 'traffic-dial', 0], ['us-east-1', 'health-check-inverted', true]]);
  });

  test('deactivate refuses to take out the last serving Region (the one it runs in is already out)', async () => {
    const { clients, calls } = fake({ [GROUPS['us-east-1']]: 100, [GROUPS['us-east-2']]: 0 });
    await expect(switchRouting(clients, 'us-east-2', { dialAction: 'deactivate', endpointGroups: GROUPS })).rejects.toThrow(/would leave no Region serving/);
    const dns = fake({}, { 'hc-2': true });
    await expect(switchRouting(dns.clients, 'us-east-2', { dialAction: 'deactivate', healthChecks: CHECKS })).rejects.toThrow(/would leave no Region serving/);
    expect([...calls, ...dns.calls]).toEqual([]);
  });

  test('activate, active-passive: the activating Region up first, then the other down', async () => {
    const { clients, calls } = fake({ [GROUPS['us-east-1']]: 100, [GROUPS['us-east-2']]: 0 }, { 'hc-2': true });
    await switchRouting(clients, 'us-east-2', { dialAction: 'activate', exclusive: true, endpointGroups: GROUPS, healthChecks: CHECKS });
    expect(calls).toEqual(['g2=100', 'hc-2:inverted=false', 'g1=0', 'hc-1:inverted=true']);
  });

  test('activate, active-active: only the activating Region back; nothing sent when already there', async () => {
    const { clients, calls } = fake({ [GROUPS['us-east-1']]: 0, [GROUPS['us-east-2']]: 100 });
    await switchRouting(clients, 'us-east-1', { dialAction: 'activate', endpointGroups: GROUPS });
    await switchRouting(clients, 'us-east-1', { dialAction: 'activate', endpointGroups: GROUPS });
    expect(calls).toEqual(['g1=100']);
  });

  test('names a Region without routing and an unknown action', async () => {
    const { clients } = fake({});
    await expect(switchRouting(clients, 'eu-west-1', { dialAction: 'activate', endpointGroups: GROUPS })).rejects.toThrow('no endpoint group or health check for eu-west-1 in the payload; Regions: us-east-1, us-east-2.');
    await expect(switchRouting(clients, 'us-east-1', { dialAction: 'drain', endpointGroups: GROUPS })).rejects.toThrow("dialAction 'drain' is not valid");
  });
});
