import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  AcceleratorRouting, DnsRouting, FAILOVER_BUDGET_JSON, FAILOVER_BUDGET_MARKDOWN, FailoverBudgetReport, FailoverTermBasis, Posture, RoutedRegion,
} from '../../lib';
import { regionFailoverTime } from '../../lib/routing/private/failover-math';
import { constructRegions, domainRegions, importedRegions, newTopology, withAlarms, zoneIn } from './fixture';

const termsOf = (r: { terms: Array<{ branch?: string; name: string; seconds?: number; basis: FailoverTermBasis }> }) =>
  r.terms.map((t) => [t.branch ?? '-', t.name, t.seconds, t.basis]);

describe('failover budget arithmetic', () => {
  test('the slowest branch plus the terms every branch pays; unknown terms make a lower bound', () => {
    const r = regionFailoverTime('us-east-1', [
      { name: 'a', seconds: 30, source: 's', basis: FailoverTermBasis.CONFIGURED, branch: 'one' },
      { name: 'b', seconds: 60, source: 's', basis: FailoverTermBasis.CONFIGURED, branch: 'two' },
      { name: 'c', seconds: 60, source: 's', basis: FailoverTermBasis.CONFIGURED, branch: 'two' },
      { name: 'ttl', seconds: 60, source: 's', basis: FailoverTermBasis.DOCUMENTED },
    ]);
    expect(r).toMatchObject({ detectionSeconds: 120, ttlSeconds: 60, totalSeconds: 180, worstBranch: 'two', unknownTerms: [] });
    const unknown = regionFailoverTime('us-east-1', [{ name: 'x', source: 's', basis: FailoverTermBasis.UNKNOWN, branch: 'one' }]);
    expect(unknown).toMatchObject({ totalSeconds: 0, unknownTerms: ['one: x'] });
  });
});

describe('failover budget of imported load balancers without health alarms', () => {
  const { app, topology } = newTopology();
  const regions = importedRegions(topology);
  const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions });
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
  const assembly = app.synth();

  test('DNS with alias records: 10 s x 3 + the 60 s TTL of a load balancer alias answer = 90 s', () => {
    expect(dns.failoverBudget.worstCaseSeconds).toBe(90);
    expect(termsOf(dns.failoverBudget.regions[0])).toEqual([
      ['endpoint check', 'Route 53 endpoint health check: interval x failure threshold', 30, 'CONFIGURED'],
      ['-', 'resolver cache: TTL of the load balancer alias answer', 60, 'DOCUMENTED'],
    ]);
  });

  test('accelerator: the imported load balancers\' target health is UNKNOWN, shown loudly', () => {
    expect(accelerator.failoverBudget.complete).toBe(false);
    expect(accelerator.failoverBudget.regions[0].unknownTerms).toEqual(['target health: ELB target health: health-check interval x unhealthy threshold']);
    Annotations.fromStack(topology.acceleratorStack).hasWarning('/Shop/accelerator/Accelerator', Match.stringLikeRegexp('UNKNOWN terms'));
  });

  test('the report is written into the cloud assembly as JSON and Markdown, with the field names the drill reads', () => {
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, FAILOVER_BUDGET_JSON), 'utf8'));
    expect(json.paths.map((p: any) => [p.path, p.routingPolicy, p.worstCaseSeconds, p.constructPath, p.regions.map((r: any) => [r.region, r.totalSeconds])])).toEqual([
      ['dns', 'latency', 90, 'Shop/global/Dns', [['us-east-1', 90], ['us-east-2', 90]]],
      ['accelerator', 'accelerator', 0, 'Shop/accelerator/Accelerator', [['us-east-1', 0], ['us-east-2', 0]]],
    ]);
    expect(json.paths[0].regions[0].terms[1]).toMatchObject({ name: 'resolver cache: TTL of the load balancer alias answer', seconds: 60, source: expect.stringContaining('Elastic Load Balancing User Guide') });
    const markdown = fs.readFileSync(path.join(assembly.directory, FAILOVER_BUDGET_MARKDOWN), 'utf8');
    expect(markdown).toContain('| dns | latency | `Shop/global/Dns` | 90 |');
    expect(markdown).toContain('| accelerator | accelerator | `Shop/accelerator/Accelerator` | >= 0 (UNKNOWN terms) |');
    expect(markdown).toContain('| (every branch) | resolver cache: TTL of the load balancer alias answer | 60 | DOCUMENTED |');
    expect(FailoverBudgetReport.of(topology).paths).toHaveLength(2);
  });

  test('one info line per path is printed at synth, with every term', () => {
    Annotations.fromStack(topology.globalStack).hasInfo('/Shop/global/Dns', Match.stringLikeRegexp(
      '^Failover budget, dns path \\(latency\\): worst case 90 s .*us-east-1 90 s = endpoint check \\(Route 53 endpoint health check: interval x failure threshold 30 s\\) \\+ resolver cache: TTL of the load balancer alias answer 60 s'));
    Annotations.fromStack(topology.acceleratorStack).hasInfo('/Shop/accelerator/Accelerator', Match.stringLikeRegexp('^Failover budget, accelerator path \\(accelerator\\): worst case at least 0 s'));
  });
});

describe('failover budget with health alarms and placeholder endpoints', () => {
  const { app, topology } = newTopology();
  const regions = withAlarms(topology, constructRegions(topology));
  const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions });
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
  app.synth();

  test('DNS: max(endpoint check 30 s, alarm path: one 300 s period assumed as the publishing interval + 1 x 300 s + 60 s assumed) + 60 s alias TTL = 720 s', () => {
    expect(termsOf(dns.failoverBudget.regions[0])).toEqual([
      ['endpoint check', 'Route 53 endpoint health check: interval x failure threshold', 30, 'CONFIGURED'],
      ['deep-health alarm', 'health metric publishing interval', 300, 'ASSUMED'],
      ['deep-health alarm', 'alarm: datapoints to alarm x period', 300, 'CONFIGURED'],
      ['deep-health alarm', 'Route 53 alarm-based health check follows the alarm', 60, 'ASSUMED'],
      ['-', 'resolver cache: TTL of the load balancer alias answer', 60, 'DOCUMENTED'],
    ]);
    // The fixture's alarm keeps the metric's default period of 5 minutes: 300 + 300 + 60 + 60.
    expect(dns.failoverBudget.worstCaseSeconds).toBe(720);
    expect(dns.failoverBudget.regions[0].worstBranch).toBe('deep-health alarm');
  });

  test('accelerator: the Lambda target group\'s 10 s x 2, or the alarm path through the controller', () => {
    expect(termsOf(accelerator.failoverBudget.regions[0])).toEqual([
      ['target health', 'ELB target health: health-check interval x unhealthy threshold', 20, 'CONFIGURED'],
      ['deep-health alarm + controller', 'health metric publishing interval', 300, 'ASSUMED'],
      ['deep-health alarm + controller', 'alarm: datapoints to alarm x period', 300, 'CONFIGURED'],
      ['deep-health alarm + controller', 'controller reacts: alarm state-change event, at the latest the reconcile schedule', 60, 'CONFIGURED'],
      ['deep-health alarm + controller', 'controller run (its Lambda timeout)', 15, 'CONFIGURED'],
      ['deep-health alarm + controller', 'Global Accelerator applies the new traffic dial', 30, 'ASSUMED'],
    ]);
    expect(accelerator.failoverBudget).toMatchObject({ worstCaseSeconds: 705, complete: true });
  });
});

describe('failover budget of a custom configuration', () => {
  test('CNAME failover records, 30 s x 4 + TTL 45 s = 165 s; accelerator target health stated by the user', () => {
    const { topology } = newTopology(Posture.ACTIVE_PASSIVE);
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'api.example.com', regions: domainRegions(topology),
      healthCheckInterval: Duration.seconds(30), failureThreshold: 4, ttl: Duration.seconds(45),
    });
    const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', {
      topology, regions: importedRegions(topology).map((r) => ({ ...r, targetHealthDetection: Duration.seconds(90) })),
    });
    expect(dns.failoverBudget).toMatchObject({ path: 'dns', routingPolicy: 'failover', worstCaseSeconds: 165, complete: true });
    expect(dns.failoverBudget.regions.map((r) => [r.region, r.detectionSeconds, r.ttlSeconds, r.totalSeconds])).toEqual([
      ['eu-west-1', 120, 45, 165],
      ['eu-central-1', 120, 45, 165],
    ]);
    expect(accelerator.failoverBudget).toMatchObject({ path: 'accelerator', worstCaseSeconds: 90, complete: true });
  });

  test('an imported alarm without its timing is UNKNOWN; with healthAlarmTiming it counts', () => {
    const { topology } = newTopology();
    const imported = (r: RoutedRegion) => cloudwatch.Alarm.fromAlarmName(topology.regionalStack(r.region), 'Imported', `imported-${r.region}`);
    const unknown = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com',
      regions: importedRegions(topology).map((r) => ({ ...r, healthAlarm: imported(r) })),
    });
    expect(unknown.failoverBudget.complete).toBe(false);
    expect(unknown.failoverBudget.regions[0].unknownTerms).toEqual([
      'deep-health alarm: health metric publishing interval', 'deep-health alarm: alarm: datapoints to alarm x period',
    ]);
    const { topology: t2 } = newTopology();
    const stated = new DnsRouting(t2.globalStack, 'Dns', {
      topology: t2, hostedZone: zoneIn(t2), recordName: 'app.example.com', alarmHealthCheckDelay: Duration.seconds(20),
      regions: importedRegions(t2).map((r) => ({
        ...r,
        healthAlarm: cloudwatch.Alarm.fromAlarmName(t2.regionalStack(r.region), 'Imported', `imported-${r.region}`),
        healthAlarmTiming: { metricInterval: Duration.seconds(60), period: Duration.seconds(60), datapointsToAlarm: 3 },
      })),
    });
    // 60 + 3 x 60 + 20 + 60 TTL.
    expect(stated.failoverBudget).toMatchObject({ worstCaseSeconds: 320, complete: true });
  });

  test('the worst case is the slowest Region: a CNAME Region beside an alias Region', () => {
    const { topology } = newTopology();
    const [aliasRegion] = importedRegions(topology);
    const [, cnameRegion] = domainRegions(topology);
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: [aliasRegion, { ...cnameRegion, }], ttl: Duration.seconds(120),
    });
    expect(dns.failoverBudget.regions.map((r) => r.totalSeconds)).toEqual([90, 150]);
    expect(dns.failoverBudget.worstCaseSeconds).toBe(150);
  });
});
