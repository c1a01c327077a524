import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  AcceleratorRouting, DnsRouting, FAILOVER_BUDGET_JSON, FAILOVER_BUDGET_MARKDOWN, FailoverBudgetReport, Posture,
  acceleratorFailoverTime, dnsFailoverTime,
} from '../../lib';
import { domainRegions, importedRegions, newTopology, zoneIn } from './fixture';

describe('failover budget formulas', () => {
  test('DNS: interval x threshold + TTL; alias records count the health-check time only', () => {
    expect(dnsFailoverTime('us-east-1', 10, 3, 60)).toEqual({ region: 'us-east-1', detectionSeconds: 30, ttlSeconds: 60, totalSeconds: 90 });
    expect(dnsFailoverTime('us-east-1', 10, 3)).toEqual({ region: 'us-east-1', detectionSeconds: 30, ttlSeconds: 0, totalSeconds: 30 });
  });

  test('accelerator: interval x threshold', () => {
    expect(acceleratorFailoverTime('us-east-2', 30, 10)).toEqual({ region: 'us-east-2', detectionSeconds: 300, ttlSeconds: 0, totalSeconds: 300 });
  });
});

describe('failover budget of the defaults', () => {
  const { app, topology } = newTopology();
  const regions = importedRegions(topology);
  const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions });
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
  const assembly = app.synth();

  test('DNS with alias records: 10 s x 3 = 30 s; accelerator: 10 s x 3 = 30 s', () => {
    expect(dns.failoverBudget.worstCaseSeconds).toBe(30);
    expect(dns.failoverBudget.regions.map((r) => [r.region, r.detectionSeconds, r.ttlSeconds])).toEqual([['us-east-1', 30, 0], ['us-east-2', 30, 0]]);
    expect(accelerator.failoverBudget.worstCaseSeconds).toBe(30);
  });

  test('the report is written into the cloud assembly as JSON and Markdown', () => {
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, FAILOVER_BUDGET_JSON), 'utf8'));
    expect(json.paths.map((p: any) => [p.path, p.routingPolicy, p.worstCaseSeconds, p.constructPath])).toEqual([
      ['dns', 'latency', 30, 'Shop/global/Dns'],
      ['accelerator', 'accelerator', 30, 'Shop/accelerator/Accelerator'],
    ]);
    const markdown = fs.readFileSync(path.join(assembly.directory, FAILOVER_BUDGET_MARKDOWN), 'utf8');
    expect(markdown).toContain('| dns | latency | `Shop/global/Dns` | 30 |');
    expect(markdown).toContain('| accelerator | accelerator | `Shop/accelerator/Accelerator` | 30 |');
    expect(FailoverBudgetReport.of(topology).paths).toHaveLength(2);
  });

  test('one info line per path is printed at synth', () => {
    Annotations.fromStack(topology.globalStack).hasInfo('/Shop/global/Dns', Match.stringLikeRegexp('^Failover budget, dns path \\(latency\\): worst case 30 s'));
    Annotations.fromStack(topology.acceleratorStack).hasInfo('/Shop/accelerator/Accelerator', Match.stringLikeRegexp('^Failover budget, accelerator path \\(accelerator\\): worst case 30 s'));
  });
});

describe('failover budget of a custom configuration', () => {
  test('CNAME failover records, 30 s x 4 + TTL 45 s = 165 s; accelerator 30 s x 10 = 300 s', () => {
    const { topology } = newTopology(Posture.ACTIVE_PASSIVE);
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'api.example.com', regions: domainRegions(topology),
      healthCheckInterval: Duration.seconds(30), failureThreshold: 4, ttl: Duration.seconds(45),
    });
    const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', {
      topology, regions: importedRegions(topology), healthCheckInterval: Duration.seconds(30), healthCheckThreshold: 10,
    });
    expect(dns.failoverBudget).toMatchObject({ path: 'dns', routingPolicy: 'failover', worstCaseSeconds: 165 });
    expect(dns.failoverBudget.regions).toEqual([
      { region: 'eu-west-1', detectionSeconds: 120, ttlSeconds: 45, totalSeconds: 165 },
      { region: 'eu-central-1', detectionSeconds: 120, ttlSeconds: 45, totalSeconds: 165 },
    ]);
    expect(accelerator.failoverBudget).toMatchObject({ path: 'accelerator', worstCaseSeconds: 300 });
  });

  test('the worst case is the slowest Region: a CNAME Region beside an alias Region', () => {
    const { topology } = newTopology();
    const [aliasRegion] = importedRegions(topology);
    const [, cnameRegion] = domainRegions(topology);
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: [aliasRegion, cnameRegion],
    });
    expect(dns.failoverBudget.regions.map((r) => r.totalSeconds)).toEqual([30, 90]);
    expect(dns.failoverBudget.worstCaseSeconds).toBe(90);
  });
});
