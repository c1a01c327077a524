import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import { AcceleratorRouting, Posture } from '../../lib';
import { constructRegions, importedArn, importedRegions, newTopology } from './fixture';

describe('AcceleratorRouting, active-active', () => {
  const { app, topology } = newTopology();
  const routing = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: constructRegions(topology) });
  app.synth();
  const template = Template.fromStack(topology.acceleratorStack);

  test('the accelerator is in the us-west-2 stack', () => {
    expect(topology.acceleratorStack.region).toBe('us-west-2');
    template.resourceCountIs('AWS::GlobalAccelerator::Accelerator', 1);
    expect(routing.dnsName).toBeDefined();
  });

  test('the listener takes TCP 443 without client affinity by default', () => {
    template.hasResourceProperties('AWS::GlobalAccelerator::Listener', {
      Protocol: 'TCP', PortRanges: [{ FromPort: 443, ToPort: 443 }], ClientAffinity: 'NONE',
    });
  });

  test.each(['us-east-1', 'us-east-2'])('the endpoint group of %s is in its Region, points at its load balancer through a cross-Region reference, checks 10 s x 3, dial 100', (region) => {
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointGroupRegion: region,
      EndpointConfigurations: [{
        EndpointId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Match.stringLikeRegexp(`shop${region.replace(/-/g, '')}RefEndpointLoadBalancer`)] },
      }],
      HealthCheckIntervalSeconds: 10,
      ThresholdCount: 3,
      TrafficDialPercentage: 100,
    });
    // The producing Region writes the load balancer's ARN (its Ref) for the accelerator's Region.
    const writers = Template.fromStack(topology.regionalStack(region)).findResources('Custom::CrossRegionExportWriter');
    const toAccelerator = Object.values(writers).map((w) => w.Properties.WriterProps).find((p) => p.region === 'us-west-2');
    expect(Object.entries(toAccelerator.exports)).toContainEqual([
      expect.stringMatching(/^\/cdk\/exports\/shop-accelerator\/.*RefEndpointLoadBalancer/),
      { Ref: expect.stringMatching(/^EndpointLoadBalancer/) },
    ]);
  });

  test('exactly one endpoint group per active Region', () => {
    template.resourceCountIs('AWS::GlobalAccelerator::EndpointGroup', 2);
    expect(routing.endpointGroup('us-east-2')).toBeDefined();
    expect(() => routing.endpointGroup('eu-west-1')).toThrow(/'eu-west-1' has no endpoint group/);
  });
});

describe('AcceleratorRouting, active-passive', () => {
  test('the primary\'s dial is 100 and the standby\'s 0', () => {
    const { topology } = newTopology(Posture.ACTIVE_PASSIVE);
    new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: importedRegions(topology) });
    const template = Template.fromStack(topology.acceleratorStack);
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointGroupRegion: 'eu-west-1', TrafficDialPercentage: 100, EndpointConfigurations: [{ EndpointId: importedArn('eu-west-1') }],
    });
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointGroupRegion: 'eu-central-1', TrafficDialPercentage: 0, EndpointConfigurations: [{ EndpointId: importedArn('eu-central-1') }],
    });
  });

  test('a dial given per Region wins over the posture\'s default', () => {
    const { topology } = newTopology(Posture.ACTIVE_PASSIVE);
    const regions = importedRegions(topology).map((r) => ({ ...r, trafficDialPercentage: r.region === 'eu-central-1' ? 10 : 90 }));
    new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
    const template = Template.fromStack(topology.acceleratorStack);
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', { EndpointGroupRegion: 'eu-west-1', TrafficDialPercentage: 90 });
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', { EndpointGroupRegion: 'eu-central-1', TrafficDialPercentage: 10 });
  });
});

describe('AcceleratorRouting options', () => {
  test('ports, protocol, client affinity and health checks are configurable', () => {
    const { topology } = newTopology();
    new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', {
      topology, regions: importedRegions(topology),
      ports: [443, 8443],
      protocol: ga.ConnectionProtocol.UDP,
      clientAffinity: ga.ClientAffinity.SOURCE_IP,
      healthCheckInterval: Duration.seconds(30),
      healthCheckThreshold: 5,
      acceleratorName: 'shop',
    });
    const template = Template.fromStack(topology.acceleratorStack);
    template.hasResourceProperties('AWS::GlobalAccelerator::Accelerator', { Name: 'shop' });
    template.hasResourceProperties('AWS::GlobalAccelerator::Listener', {
      Protocol: 'UDP', ClientAffinity: 'SOURCE_IP', PortRanges: [{ FromPort: 443, ToPort: 443 }, { FromPort: 8443, ToPort: 8443 }],
    });
    template.allResourcesProperties('AWS::GlobalAccelerator::EndpointGroup', { HealthCheckIntervalSeconds: 30, ThresholdCount: 5 });
  });
});
