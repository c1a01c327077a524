import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AcceleratorRouting, DnsRouting, DnsRoutingProps, MultiRegionApp, Posture, RegionalEndpoint } from '../../lib';
import { newTestApp } from '../helpers/app';
import { domainRegions, importedRegions, newTopology, zoneIn } from './fixture';

function dnsProps(posture: Posture = Posture.ACTIVE_ACTIVE, extra: Partial<DnsRoutingProps> = {}) {
  const { topology } = newTopology(posture);
  return { topology, props: { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology), ...extra } };
}

function dns(posture: Posture = Posture.ACTIVE_ACTIVE, extra: Partial<DnsRoutingProps> = {}): DnsRouting {
  const { topology, props } = dnsProps(posture, extra);
  return new DnsRouting(topology.globalStack, 'Dns', props);
}

describe('routing validation', () => {
  test('a health-check interval other than 10 or 30 s', () => {
    expect(() => dns(Posture.ACTIVE_ACTIVE, { healthCheckInterval: Duration.seconds(20) }))
      .toThrow("DnsRouting healthCheckInterval is 20 s; Route 53 and Global Accelerator accept only 10 s or 30 s");
    const { topology } = newTopology();
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions: importedRegions(topology), healthCheckInterval: Duration.minutes(1) }))
      .toThrow('AcceleratorRouting healthCheckInterval is 60 s');
  });

  test('a failure threshold outside 1..10', () => {
    expect(() => dns(Posture.ACTIVE_ACTIVE, { failureThreshold: 11 })).toThrow('DnsRouting failureThreshold is 11; use an integer from 1 to 10');
    expect(() => dns(Posture.ACTIVE_ACTIVE, { failureThreshold: 0 })).toThrow('DnsRouting failureThreshold is 0');
    const { topology } = newTopology();
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions: importedRegions(topology), healthCheckThreshold: 2.5 }))
      .toThrow('AcceleratorRouting healthCheckThreshold is 2.5');
  });

  test('a traffic dial outside 0..100', () => {
    const { topology } = newTopology();
    const regions = importedRegions(topology).map((r) => ({ ...r, trafficDialPercentage: r.region === 'us-east-2' ? 101 : 100 }));
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions }))
      .toThrow("AcceleratorRouting traffic dial of 'us-east-2' is 101; a traffic dial is a percentage from 0 to 100.");
  });

  test('a TTL above 300 s on failover records', () => {
    const { topology, props } = dnsProps(Posture.ACTIVE_PASSIVE, { ttl: Duration.minutes(10) });
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { ...props, regions: domainRegions(topology) }))
      .toThrow('DnsRouting ttl is 600 s on failover records; clients would keep a failed primary for that long. Use at most 300 s');
  });

  test('a TTL above 60 s on failover records is a warning', () => {
    const { topology, props } = dnsProps(Posture.ACTIVE_PASSIVE, { ttl: Duration.seconds(120) });
    new DnsRouting(topology.globalStack, 'Dns', { ...props, regions: domainRegions(topology) });
    Annotations.fromStack(topology.globalStack).hasWarning('/Shop/global/Dns', Match.stringLikeRegexp('ttl is 120 s on failover records'));
  });

  test('a TTL of 60 s on failover records is no warning, and latency records take any TTL', () => {
    const { topology, props } = dnsProps(Posture.ACTIVE_PASSIVE);
    new DnsRouting(topology.globalStack, 'Dns', { ...props, regions: domainRegions(topology) });
    Annotations.fromStack(topology.globalStack).hasNoWarning('*', Match.anyValue());
    expect(() => dns(Posture.ACTIVE_ACTIVE, { ttl: Duration.minutes(10) })).not.toThrow();
  });

  test('a hosted zone whose name does not contain the record name', () => {
    expect(() => dns(Posture.ACTIVE_ACTIVE, { recordName: 'app.example.org' }))
      .toThrow("recordName 'app.example.org' is not in the hosted zone 'example.com'");
    expect(() => dns(Posture.ACTIVE_ACTIVE, { recordName: 'app.notexample.com' })).toThrow('is not in the hosted zone');
    expect(() => dns(Posture.ACTIVE_ACTIVE, { recordName: 'APP.Example.com.' })).not.toThrow();
  });

  test('a hosted zone imported without its name', () => {
    const { topology, props } = dnsProps();
    const hostedZone = route53.HostedZone.fromHostedZoneId(topology.globalStack, 'ById', 'Z0EXAMPLE0000000000');
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { ...props, hostedZone })).toThrow(/has no name.*fromHostedZoneAttributes/);
  });

  test('an active Region without an endpoint', () => {
    const { topology, props } = dnsProps();
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { ...props, regions: props.regions.slice(0, 1) }))
      .toThrow('DnsRouting has no endpoint for active Region(s) us-east-2; add { region, endpoint } for every active Region (us-east-1, us-east-2).');
    const regions = props.regions.map((r, i) => (i === 1 ? { region: r.region } : r)) as any;
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions }))
      .toThrow("AcceleratorRouting.regions entry for 'us-east-2' has no endpoint");
  });

  test('a Region that is not active, or listed twice', () => {
    const { topology, props } = dnsProps();
    const extra = { ...props.regions[0], region: 'eu-west-1' };
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { ...props, regions: [...props.regions, extra] }))
      .toThrow("DnsRouting.regions names 'eu-west-1', which is not an active Region of Shop");
    expect(() => new DnsRouting(topology.globalStack, 'Dns2', { ...props, regions: [...props.regions, props.regions[0]] }))
      .toThrow("DnsRouting.regions lists 'us-east-1' twice");
  });

  test('an endpoint in another Region than the one it serves', () => {
    const { topology, props } = dnsProps();
    const swapped = [{ ...props.regions[0], endpoint: props.regions[1].endpoint }, { ...props.regions[1], endpoint: props.regions[0].endpoint }];
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { ...props, regions: swapped }))
      .toThrow(/entry for 'us-east-1' has endpoint arn:aws:elasticloadbalancing:us-east-2:.* in 'us-east-2'/);
  });

  test('a domain-name endpoint behind the accelerator', () => {
    const { topology } = newTopology();
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions: domainRegions(topology) }))
      .toThrow("AcceleratorRouting cannot route to api-us-east-1.example.com in 'us-east-1'");
  });

  test('an accelerator outside us-west-2', () => {
    const { topology } = newTopology();
    expect(() => new AcceleratorRouting(topology.globalStack, 'A', { topology, regions: importedRegions(topology) }))
      .toThrow("AcceleratorRouting is in a stack of 'us-east-1', but Global Accelerator's CloudFormation resources exist only in us-west-2");
    expect(() => new AcceleratorRouting(new Stack(), 'A', { topology, regions: importedRegions(topology) })).toThrow('an unknown Region');
  });

  test('accelerator ports that are empty, out of range or repeated', () => {
    const { topology } = newTopology();
    const regions = importedRegions(topology);
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'A', { topology, regions, ports: [] })).toThrow('ports is empty');
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'B', { topology, regions, ports: [70000] })).toThrow('port 70000 is not a port');
    expect(() => new AcceleratorRouting(topology.acceleratorStack, 'C', { topology, regions, ports: [443, 443] })).toThrow('lists a port twice');
  });

  test('checker Regions Route 53 does not offer, or fewer than three', () => {
    expect(() => dns(Posture.ACTIVE_ACTIVE, { healthCheckRegions: ['us-east-1', 'us-east-2', 'eu-west-1'] }))
      .toThrow('healthCheckRegions us-east-2 cannot run Route 53 health checkers');
    expect(() => dns(Posture.ACTIVE_ACTIVE, { healthCheckRegions: ['us-east-1', 'us-west-2', 'us-west-2'] }))
      .toThrow('healthCheckRegions has 2 distinct Region(s)');
  });

  test('a CNAME at the zone apex', () => {
    const { topology, props } = dnsProps();
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { ...props, recordName: 'example.com', regions: domainRegions(topology) }))
      .toThrow("recordName 'example.com' is the zone's apex, where a CNAME is not allowed");
  });

  test('failover records that would not evaluate target health', () => {
    expect(() => dns(Posture.ACTIVE_PASSIVE, { evaluateTargetHealth: false })).toThrow('failover alias records must evaluate target health');
  });

  test('failover routing with more than one standby', () => {
    const topology = new MultiRegionApp(newTestApp(), 'Three', {
      activeRegions: ['eu-west-1', 'eu-central-1', 'us-east-1'], posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'eu-west-1', account: '111111111111',
    });
    const regions = topology.activeRegions.map((region) => ({ region, endpoint: RegionalEndpoint.fromDomainName(`${region}.example.com`, { healthPath: '/' }) }));
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions }))
      .toThrow('Route 53 failover routing has one PRIMARY and one SECONDARY record, but Three has 2 standby Regions (eu-central-1, us-east-1)');
  });

  test('a health path or port that is not valid', () => {
    expect(() => RegionalEndpoint.fromDomainName('a.example.com', { healthPath: 'health' })).toThrow("healthPath 'health' of a.example.com must start with '/'");
    expect(() => RegionalEndpoint.fromDomainName('a.example.com', { healthPath: '/', healthCheckPort: 0 })).toThrow('healthCheckPort 0 of a.example.com is not a port');
  });
});
