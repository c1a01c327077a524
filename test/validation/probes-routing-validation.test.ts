import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AcceleratorRouting, DnsRouting, HealthProbe, LagProbeDatabase, MultiRegionApp, MultiRegionProbes } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';
import { validationErrorOf } from '../helpers/errors';
import { importedRegions, newTopology, zoneIn } from '../routing/fixture';

// Line-local checks added to the routing and probes parts: each mistake AWS would refuse at
// deploy, or that would mislead an operator, fails synth with a ValidationError.

const ACCOUNT = '111111111111';

describe('probe targets', () => {
  test.each([
    ['https://api.example.com:84433/health', /port 84433 is not valid; use 1 to 65535/],
    ['https://api.example.com:0/health', /port 0 is not valid; use 1 to 65535/],
    ['ftp://api.example.com/health', /use an absolute http:\/\/ or https:\/\/ URL/],
  ])('a target URL %s is refused', (url, message) => {
    const app = newTestApp();
    const error = validationErrorOf(() => new HealthProbe(stackIn(app, 'S', 'us-east-1'), 'Health', { targets: [{ name: 'api', url }] }));
    expect(error.message).toMatch(message);
    expect(error.constructPath).toBe('S/Health');
  });

  test('a target URL with a valid port passes', () => {
    const app = newTestApp();
    expect(() => new HealthProbe(stackIn(app, 'S', 'us-east-1'), 'Health', { targets: [{ name: 'api', url: 'https://api.example.com:8443/health' }] })).not.toThrow();
  });

  test('an active Region without health targets is refused (no probe, no alarm, no dashboard row would watch it)', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: ACCOUNT });
    const error = validationErrorOf(() => new MultiRegionProbes(topology, 'Probes', {
      topology,
      healthTargets: [{ region: 'us-east-1', targets: [{ name: 'api', url: 'https://us-east-1.example.com/health' }] }],
    }));
    expect(error.code).toBe('RegionWithoutProbe');
    expect(error.constructPath).toBe('Shop/Probes');
    expect(error.message).toMatch(/active Region us-east-2 has no healthTargets entry/);
  });
});

describe('lag probe writer and reader', () => {
  const WRITER_URL = 'postgres://probe@orders.cluster-abc.us-east-1.rds.amazonaws.com:5432/orders';
  const READER_URL = 'postgres://probe@orders.cluster-ro-def.us-east-2.rds.amazonaws.com:5432/orders';
  const pg = (extra: object) => () => LagProbeDatabase.postgres({
    writerRegion: 'us-east-1', writerConnectionString: WRITER_URL, readerRegion: 'us-east-2', readerConnectionString: READER_URL, ...extra,
  });

  test('writer and reader swapped against the endpoints\' Regions is refused', () => {
    const error = validationErrorOf(pg({ writerRegion: 'us-east-2', readerRegion: 'us-east-1' }));
    expect(error.code).toBe('LagProbeRegionMismatch');
    expect(error.message).toMatch(/writerRegion is 'us-east-2' but the writer host of '.*' is in 'us-east-1'/);
  });

  test('a reader endpoint of a third Region is refused', () => {
    const error = validationErrorOf(pg({ readerConnectionString: READER_URL.replace('us-east-2', 'us-west-2') }));
    expect(error.message).toMatch(/readerRegion is 'us-east-2' but the reader host of '.*' is in 'us-west-2'/);
  });

  test('consistent Regions, and hosts that name no Region, pass', () => {
    expect(pg({})).not.toThrow();
    expect(pg({ writerConnectionString: 'postgres://probe@db.internal:5432/orders' })).not.toThrow();
  });
});

describe('routing names and TTLs', () => {
  test.each([
    ['shop_accelerator', /'shop_accelerator' is not valid/],
    ['-shop', /'-shop' is not valid/],
    ['shop.prod', /'shop.prod' is not valid; use letters, digits and '-'.*CloudFormation's schema refuses '\.'/],
    ['a'.repeat(65), /at most 64 characters/],
  ])('an accelerator name %s is refused', (acceleratorName, message) => {
    const { topology } = newTopology();
    const error = validationErrorOf(() => new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: importedRegions(topology), acceleratorName }));
    expect(error.code).toBe('InvalidAcceleratorName');
    expect(error.message).toMatch(message);
  });

  test('an accelerator name of letters, digits and - passes', () => {
    const { topology } = newTopology();
    new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions: importedRegions(topology), acceleratorName: 'shop-prod-1' });
    Template.fromStack(topology.acceleratorStack).hasResourceProperties('AWS::GlobalAccelerator::Accelerator', { Name: 'shop-prod-1' });
  });

  test.each([
    [Duration.millis(1500), /TTL of 1500 ms is not valid/],
    [Duration.days(30000), /Route 53 accepts 0 to 2147483647 seconds/],
  ])('a record TTL of %s is refused', (ttl, message) => {
    const { topology } = newTopology();
    const error = validationErrorOf(() => new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology), ttl,
    }));
    expect(error.code).toBe('InvalidRecordTtl');
    expect(error.message).toMatch(message);
  });
});
