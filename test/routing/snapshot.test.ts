import { Template } from 'aws-cdk-lib/assertions';
import { AcceleratorRouting, DnsRouting, Posture } from '../../lib';
import { constructRegions, newTopology, withAlarms, zoneIn } from './fixture';

describe.each([Posture.ACTIVE_ACTIVE, Posture.ACTIVE_PASSIVE])('routing stacks, %s', (posture) => {
  test('snapshot of the global and accelerator stacks', () => {
    const { app, topology } = newTopology(posture);
    const regions = withAlarms(topology, constructRegions(topology));
    new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions });
    new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
    app.synth();
    expect(Template.fromStack(topology.globalStack).toJSON()).toMatchSnapshot('global');
    expect(Template.fromStack(topology.acceleratorStack).toJSON()).toMatchSnapshot('accelerator');
  });
});
