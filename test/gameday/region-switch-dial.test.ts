import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { mockClient } from 'aws-sdk-client-mock';
import { switchDials } from '../../lambda/region-switch-dial/dial';

/**
 * The Region switch plan's accelerator step. Neither LocalStack's open-source runtime nor moto
 * serves Global Accelerator, so this runs against a stateful SDK mock of the endpoint groups: "[GA mock]".
 */
const GROUPS = { 'us-east-1': 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g1', 'us-east-2': 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g2' };

function fake(dials: Record<string, number>) {
  const ga = new GlobalAcceleratorClient({ region: 'us-west-2' });
  const calls: string[] = [];
  const mock = mockClient(ga);
  mock.on(DescribeEndpointGroupCommand).callsFake((i) => ({ EndpointGroup: { TrafficDialPercentage: dials[i.EndpointGroupArn] } }));
  mock.on(UpdateEndpointGroupCommand).callsFake((i) => {
    calls.push(`${i.EndpointGroupArn.slice(-2)}=${i.TrafficDialPercentage}`);
    dials[i.EndpointGroupArn] = i.TrafficDialPercentage;
    return {};
  });
  return { ga, calls };
}

describe('Region switch dial step [GA mock]', () => {
  test('deactivate: the running Region\'s group to 0, the other untouched', async () => {
    const dials = { [GROUPS['us-east-1']]: 100, [GROUPS['us-east-2']]: 100 };
    const { ga, calls } = fake(dials);
    const changes = await switchDials(ga, 'us-east-1', { dialAction: 'deactivate', endpointGroups: GROUPS });
    expect(calls).toEqual(['g1=0']);
    expect(changes).toEqual([{ region: 'us-east-1', endpointGroupArn: GROUPS['us-east-1'], previous: 100, dial: 0 }]);
  });

  test('activate, active-passive: the activating Region up first, then the other down', async () => {
    const dials = { [GROUPS['us-east-1']]: 100, [GROUPS['us-east-2']]: 0 };
    const { ga, calls } = fake(dials);
    await switchDials(ga, 'us-east-2', { dialAction: 'activate', exclusive: true, endpointGroups: GROUPS });
    expect(calls).toEqual(['g2=100', 'g1=0']);
  });

  test('activate, active-active: only the activating Region back to 100; nothing sent when already there', async () => {
    const dials = { [GROUPS['us-east-1']]: 0, [GROUPS['us-east-2']]: 100 };
    const { ga, calls } = fake(dials);
    await switchDials(ga, 'us-east-1', { dialAction: 'activate', endpointGroups: GROUPS });
    await switchDials(ga, 'us-east-1', { dialAction: 'activate', endpointGroups: GROUPS });
    expect(calls).toEqual(['g1=100']);
  });

  test('names a Region without a group and an unknown action', async () => {
    const { ga } = fake({});
    await expect(switchDials(ga, 'eu-west-1', { dialAction: 'activate', endpointGroups: GROUPS })).rejects.toThrow('no endpoint group for eu-west-1 in the payload; groups: us-east-1, us-east-2.');
    await expect(switchDials(ga, 'us-east-1', { dialAction: 'drain', endpointGroups: GROUPS })).rejects.toThrow("dialAction 'drain' is not valid");
  });
});
