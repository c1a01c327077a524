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

  test('DNS with alias records: 3 x (10 s + 6 s of check timeouts) + 60 s for Route 53 to act + the 60 s TTL of a load balancer alias answer = 168 s', () => {
    expect(dns.failoverBudget.worstCaseSeconds).toBe(168);
    expect(termsOf(dns.failoverBudget.regions[0])).toEqual([
      ['endpoint check', 'Route 53 endpoint health check: failure threshold x (request interval + per-check timeouts)', 48, 'CONFIGURED'],
      ['-', 'Route 53 acts on the health change (DNS answers leave the Region)', 60, 'ASSUMED'],
      ['-', 'resolver cache: TTL of the load balancer alias answer', 60, 'DOCUMENTED'],
    ]);
    // Every ASSUMED term cites the AWS page of the closest documented figure.
    expect(dns.failoverBudget.regions[0].terms[1].source).toContain('Route 53 API Reference, ChangeResourceRecordSets');
  });

  test('accelerator: the imported load balancers\' target health is UNKNOWN, shown loudly', () => {
    expect(accelerator.failoverBudget.complete).toBe(false);
    expect(accelerator.failoverBudget.regions[0].unknownTerms).toEqual(['target health: ELB target health: unhealthy threshold x interval + timeout']);
    Annotations.fromStack(topology.acceleratorStack).hasWarning('/Shop/accelerator/Accelerator', Match.stringLikeRegexp('UNKNOWN terms'));
  });

  test('the report is written into the cloud assembly as JSON and Markdown, with the field names the drill reads', () => {
    const json = JSON.parse(fs.readFileSync(path.join(assembly.directory, FAILOVER_BUDGET_JSON), 'utf8'));
    expect(json.paths.map((p: any) => [p.path, p.routingPolicy, p.worstCaseSeconds, p.constructPath, p.regions.map((r: any) => [r.region, r.totalSeconds])])).toEqual([
      ['dns', 'latency', 168, 'Shop/global/Dns', [['us-east-1', 168], ['us-east-2', 168]]],
      ['accelerator', 'accelerator', 30, 'Shop/accelerator/Accelerator', [['us-east-1', 30], ['us-east-2', 30]]],
    ]);
    expect(json.paths[0].regions[0].terms[2]).toMatchObject({ name: 'resolver cache: TTL of the load balancer alias answer', seconds: 60, source: expect.stringContaining('Elastic Load Balancing User Guide') });
    const markdown = fs.readFileSync(path.join(assembly.directory, FAILOVER_BUDGET_MARKDOWN), 'utf8');
    expect(markdown).toContain('| dns | latency | `Shop/global/Dns` | 168 |');
    expect(markdown).toContain('| accelerator | accelerator | `Shop/accelerator/Accelerator` | >= 30 (UNKNOWN terms) |');
    expect(markdown).toContain('| (every branch) | resolver cache: TTL of the load balancer alias answer | 60 | DOCUMENTED |');
    expect(FailoverBudgetReport.of(topology).paths).toHaveLength(2);
  });

  test('one info line per path is printed at synth, with every term', () => {
    Annotations.fromStack(topology.globalStack).hasInfo('/Shop/global/Dns', Match.stringLikeRegexp(
      '^Failover budget, dns path \\(latency\\): worst case 168 s .*us-east-1 168 s = endpoint check \\(Route 53 endpoint health check: failure threshold x \\(request interval \\+ per-check timeouts\\) 48 s\\) '
      + '\\+ Route 53 acts on the health change \\(DNS answers leave the Region\\) 60 s \\+ resolver cache: TTL of the load balancer alias answer 60 s'));
    Annotations.fromStack(topology.acceleratorStack).hasInfo('/Shop/accelerator/Accelerator', Match.stringLikeRegexp('^Failover budget, accelerator path \\(accelerator\\): worst case at least 30 s'));
  });
});

describe('failover budget with health alarms and placeholder endpoints', () => {
  const { app, topology } = newTopology();
  const regions = withAlarms(topology, constructRegions(topology));
  const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions });
  const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
  app.synth();

  test('DNS: max(endpoint check 48 s, alarm path: one 300 s period assumed as the publishing interval + 1 x 300 s + 60 s assumed) + 60 s Route 53 acting + 60 s alias TTL = 780 s', () => {
    expect(termsOf(dns.failoverBudget.regions[0])).toEqual([
      ['endpoint check', 'Route 53 endpoint health check: failure threshold x (request interval + per-check timeouts)', 48, 'CONFIGURED'],
      ['deep-health alarm', 'health metric publishing interval', 300, 'ASSUMED'],
      ['deep-health alarm', 'alarm: datapoints to alarm x period', 300, 'CONFIGURED'],
      ['deep-health alarm', 'Route 53 alarm-based health check follows the alarm', 60, 'ASSUMED'],
      ['-', 'Route 53 acts on the health change (DNS answers leave the Region)', 60, 'ASSUMED'],
      ['-', 'resolver cache: TTL of the load balancer alias answer', 60, 'DOCUMENTED'],
    ]);
    // The fixture's alarm keeps the metric's default period of 5 minutes: 300 + 300 + 60 + 60 + 60.
    expect(dns.failoverBudget.worstCaseSeconds).toBe(780);
    expect(dns.failoverBudget.regions[0].worstBranch).toBe('deep-health alarm');
  });

  test('accelerator: the Lambda target group\'s 2 x 10 s + 5 s timeout and Global Accelerator acting on it, or the alarm path through the controller', () => {
    expect(termsOf(accelerator.failoverBudget.regions[0])).toEqual([
      ['target health', 'ELB target health: unhealthy threshold x interval + timeout', 25, 'CONFIGURED'],
      ['target health', 'Global Accelerator acts on the load balancer\'s health change', 30, 'ASSUMED'],
      ['deep-health alarm + controller', 'health metric publishing interval', 300, 'ASSUMED'],
      ['deep-health alarm + controller', 'alarm: datapoints to alarm x period', 300, 'CONFIGURED'],
      ['deep-health alarm + controller', 'controller reacts: alarm state-change event, at the latest the reconcile schedule', 60, 'CONFIGURED'],
      ['deep-health alarm + controller', 'controller run (its Lambda timeout)', 15, 'CONFIGURED'],
      ['deep-health alarm + controller', 'Global Accelerator applies the new traffic dial', 30, 'ASSUMED'],
    ]);
    expect(accelerator.failoverBudget).toMatchObject({ worstCaseSeconds: 705, complete: true });
    expect(accelerator.failoverBudget.regions[0].terms[1].source).toContain('about 30 seconds');
    // The controller's dial change waits for Global Accelerator's control plane, named in the budget.
    expect(accelerator.failoverBudget.regions[0].terms.filter((t) => t.controlPlane).map((t) => t.controlPlane)).toEqual(['Global Accelerator UpdateEndpointGroup (us-west-2)']);
  });
});

describe('failover budget of a custom configuration', () => {
  test('CNAME failover records, 4 x (30 s + 6 s) + 60 s + TTL 45 s = 249 s; accelerator target health DECLARED by the user', () => {
    const { topology } = newTopology(Posture.ACTIVE_PASSIVE);
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'api.example.com', regions: domainRegions(topology),
      healthCheckInterval: Duration.seconds(30), failureThreshold: 4, ttl: Duration.seconds(45),
    });
    const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', {
      topology, regions: importedRegions(topology).map((r) => ({ ...r, targetHealthDetection: Duration.seconds(90) })),
    });
    expect(dns.failoverBudget).toMatchObject({ path: 'dns', routingPolicy: 'failover', worstCaseSeconds: 249, complete: true });
    expect(dns.failoverBudget.regions.map((r) => [r.region, r.detectionSeconds, r.ttlSeconds, r.totalSeconds])).toEqual([
      ['eu-west-1', 144, 105, 249],
      ['eu-central-1', 144, 105, 249],
    ]);
    expect(accelerator.failoverBudget).toMatchObject({ path: 'accelerator', worstCaseSeconds: 120, complete: true });
    expect(termsOf(accelerator.failoverBudget.regions[0])[0]).toEqual(['target health', 'ELB target health: unhealthy threshold x interval + timeout', 90, 'DECLARED']);
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
    // 60 + 3 x 60 + 20 + 60 Route 53 acting + 60 TTL; the stated figures are DECLARED, not CONFIGURED.
    expect(stated.failoverBudget).toMatchObject({ worstCaseSeconds: 380, complete: true });
    expect(termsOf(stated.failoverBudget.regions[0]).filter((t) => t[0] === 'deep-health alarm').map((t) => t[3])).toEqual(['DECLARED', 'DECLARED', 'DECLARED']);
  });

  test('the worst case is the slowest Region: a CNAME Region beside an alias Region', () => {
    const { topology } = newTopology();
    const [aliasRegion] = importedRegions(topology);
    const [, cnameRegion] = domainRegions(topology);
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: [aliasRegion, { ...cnameRegion, }], ttl: Duration.seconds(120),
    });
    expect(dns.failoverBudget.regions.map((r) => r.totalSeconds)).toEqual([168, 228]);
    expect(dns.failoverBudget.worstCaseSeconds).toBe(228);
  });
});
