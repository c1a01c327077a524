import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AcceleratorRouting, DeepHealthEndpoint, DnsRouting, HealthProbe, MinimalRegionalEndpoint, RoutedRegion } from '../../lib';
import { constructRegions, importedRegions, newTopology, ZONE_ID, ZONE_NAME, zoneIn } from './fixture';

const CLUSTER_ARN = 'arn:aws:dsql:us-east-1:111111111111:cluster/abcdefghijklmnopqrstuvwxyz';

/** A placeholder endpoint per Region whose only target is deep health, routed by its URL. */
function deepRegions(topology: ReturnType<typeof newTopology>['topology'], extra: Partial<RoutedRegion> = {}): RoutedRegion[] {
  return topology.activeRegions.map((region) => {
    const stack = topology.regionalStack(region);
    const e = new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: `app.${ZONE_NAME}`,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
      deepHealth: { dsql: { clusterArn: CLUSTER_ARN.replace('us-east-1', region) } },
    });
    return { region, endpoint: e.endpoint, deepHealthUrl: e.deepHealth!.url, ...extra };
  });
}

describe('DeepHealthEndpoint', () => {
  test('on a listener: a rule for its path to a Lambda target group with health checks, a fault switch, least privilege', () => {
    const { topology } = newTopology();
    const stack = topology.regionalStack('us-east-1');
    const placeholder = new MinimalRegionalEndpoint(stack, 'Endpoint', {
      domainName: `app.${ZONE_NAME}`,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
    });
    const key = new kms.Key(stack, 'TableKey', { enableKeyRotation: true });
    const table = new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
    const deep = new DeepHealthEndpoint(stack, 'DeepHealth', {
      listener: placeholder.loadBalancer.listeners[0],
      hostName: 'us-east-1.app.example.com',
      priority: 5,
      dsql: { clusterArn: CLUSTER_ARN },
      dynamoDbTables: [{ table, partitionKeyName: 'pk' }],
    });
    expect(deep.url).toBe('https://us-east-1.app.example.com/deep-health');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 5,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/deep-health'] } }],
      Actions: [Match.objectLike({ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('DeepHealthTargetGroup') } })],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', HealthCheckEnabled: true, HealthCheckPath: '/deep-health', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 3,
      UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' },
    });
    t.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Value: '{"fail":false}' });
    // No function URL: the load balancer is the only way in.
    t.resourceCountIs('AWS::Lambda::Url', 0);
    const policy = JSON.stringify(t.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('DeepHealthRole') } }));
    const statements = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('DeepHealthRole') } }))[0].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => [s.Action, s.Resource, s.Condition])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], expect.anything(), undefined],
      ['ssm:GetParameter', expect.objectContaining({ 'Fn::Join': expect.anything() }), undefined],
      [['dsql:DbConnect', 'dsql:GetCluster'], CLUSTER_ARN, undefined],
      ['dynamodb:GetItem', { 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] }, undefined],
      ['kms:Decrypt', { 'Fn::GetAtt': [expect.stringMatching(/^TableKey/), 'Arn'] }, { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } }],
    ]);
    expect(policy).not.toContain('DbConnectAdmin');
    expect(policy).not.toMatch(/"Resource":"\*"/);
    // The handler's configuration: the cluster's endpoint and the non-admin role; no RDS CA without Aurora.
    const fn = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Deep health') } }))[0];
    expect(JSON.stringify(fn.Properties.Environment.Variables.DEEP_HEALTH_CONFIG)).toContain('\\"roleName\\":\\"mrcdk_health\\"');
    expect(JSON.stringify(fn.Properties.Environment.Variables.DEEP_HEALTH_CONFIG)).toContain('abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws');
    expect(fn.Properties.Environment.Variables.NODE_EXTRA_CA_CERTS).toBeUndefined();
  });

  test('refuses an admin role, a timeout at or above Route 53\'s 2 s, and ELB figures ELB refuses', () => {
    const { topology } = newTopology();
    const stack = topology.regionalStack('us-east-1');
    const at = (id: string, props: object) => () => new DeepHealthEndpoint(stack, id, { hostName: 'h.example.com', ...props });
    expect(at('A', { dsql: { clusterArn: CLUSTER_ARN, roleName: 'admin' } })).toThrow(/dsql.roleName is 'admin'; the check connects as a non-admin role/);
    expect(at('B', { timeout: Duration.seconds(2) })).toThrow(/timeout is 2000 ms; use 100 ms to 1999 ms, below Route 53's 2 s/);
    expect(at('C', { healthCheckInterval: Duration.seconds(5), healthCheckTimeout: Duration.seconds(5) })).toThrow(/healthCheckTimeout is 5 s; ELB accepts 2 to 120 s, less than the interval \(5 s\)/);
    expect(at('D', { cacheTime: Duration.minutes(2) })).toThrow(/cacheTime is 120000 ms; use 0 to 60 s/);
  });

  test('MinimalRegionalEndpoint with deepHealth: the deep-health target group is the only one and the listener\'s default action', () => {
    const { topology } = newTopology();
    const [r] = deepRegions(topology);
    const t = Template.fromStack(topology.regionalStack(r.region));
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [Match.objectLike({ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('EndpointDeepHealthTargetGroup') } })],
    });
    expect(r.deepHealthUrl).toBe('https://us-east-1.app.example.com/deep-health');
  });
});

describe('DnsRouting and AcceleratorRouting follow deep health on the data plane', () => {
  test('an HTTPS check of the deep-health URL, CALCULATED with the endpoint check; its terms in the budget', () => {
    const { topology } = newTopology();
    const regions = deepRegions(topology);
    const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions, failureThreshold: 2 });
    const accelerator = new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
    const t = Template.fromStack(topology.globalStack);
    t.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({
      Type: 'HTTPS', FullyQualifiedDomainName: 'us-east-1.app.example.com', ResourcePath: '/deep-health', Port: 443, FailureThreshold: 2,
    }) });
    t.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({
      Type: 'CALCULATED', HealthThreshold: 2,
      ChildHealthChecks: [{ Ref: Match.stringLikeRegexp('EndpointHealthCheckuseast1') }, { Ref: Match.stringLikeRegexp('DeepHealthCheckuseast1') }],
    }) });
    t.resourcePropertiesCountIs('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'CLOUDWATCH_METRIC' }) }, 0);
    const [use1] = dns.failoverBudget.regions;
    expect(use1.terms.map((x) => [x.branch ?? '-', x.seconds, x.basis])).toEqual([
      ['endpoint check', 32, 'CONFIGURED'], ['deep health', 5, 'CONFIGURED'], ['deep health', 32, 'CONFIGURED'], ['-', 60, 'ASSUMED'], ['-', 60, 'DOCUMENTED'],
    ]);
    expect(use1.worstBranch).toBe('deep health');
    // The accelerator follows the same deep health through target health: cache + 2 x 5 s + 3 s + 30 s.
    expect(accelerator.failoverBudget.regions[0].terms.map((x) => [x.name, x.seconds])).toEqual([
      ['deep-health cache: a healthy answer cached just before the failure is served this long', 5],
      ['ELB target health: unhealthy threshold x interval + timeout', 13],
      ['Global Accelerator acts on the load balancer\'s health change', 30],
    ]);
    expect(accelerator.controllerFunction).toBeUndefined();
  });

  test('a deep-health URL of your own: its cache is UNKNOWN unless declared; a measured propagation is DECLARED', () => {
    const { topology } = newTopology();
    const own = (extra: Partial<RoutedRegion>) => importedRegions(topology).map((r) => ({ ...r, deepHealthUrl: `https://${r.region}.own.example.com/ready`, ...extra }));
    const unknown = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: own({}) });
    expect(unknown.failoverBudget.regions[0].unknownTerms).toEqual(['deep health: deep-health cache']);
    const { topology: t2 } = newTopology();
    const declared = new DnsRouting(t2.globalStack, 'Dns', {
      topology: t2, hostedZone: zoneIn(t2), recordName: 'app.example.com', healthChangePropagation: Duration.seconds(20),
      regions: importedRegions(t2).map((r) => ({ ...r, deepHealthUrl: `https://${r.region}.own.example.com/ready`, deepHealthCacheTime: Duration.seconds(2) })),
    });
    expect(declared.failoverBudget.regions[0].terms.filter((x) => x.basis === 'DECLARED').map((x) => [x.name, x.seconds])).toEqual([
      ['deep-health cache: a healthy answer cached just before the failure is served this long', 2],
      ['Route 53 acts on the health change (DNS answers leave the Region)', 20],
    ]);
    expect(() => new DnsRouting(newTopology().topology.globalStack, 'Bad', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: own({ deepHealthUrl: 'ftp://x/y' }),
    })).toThrow();
  });

  test('aliasRecords: false gives CNAMEs with the record TTL instead of the alias answer\'s 60 s', () => {
    const { topology } = newTopology();
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology), aliasRecords: false, ttl: Duration.seconds(10),
    });
    Template.fromStack(topology.globalStack).hasResourceProperties('AWS::Route53::RecordSet', { Type: 'CNAME', TTL: '10', SetIdentifier: 'us-east-1' });
    expect(dns.failoverBudget.regions[0].terms.at(-1)).toMatchObject({ name: 'resolver cache: record TTL', seconds: 10 });
  });

  test('TCP checks cost 10 s each on top of the interval', () => {
    const { topology } = newTopology();
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology), healthCheckProtocol: 'TCP' as never,
    });
    expect(dns.failoverBudget.regions[0].terms[0].seconds).toBe(3 * (10 + 10));
  });
});

describe('alarms behind a Route 53 alarm check (W2, W7)', () => {
  const alarmOf = (stack: Stack, props: Partial<cloudwatch.AlarmProps>) => new cloudwatch.Alarm(stack, 'Unhealthy', {
    alarmName: 'unhealthy', metric: new cloudwatch.Metric({ namespace: 'T', metricName: 'Healthy', period: Duration.minutes(1) }),
    threshold: 1, evaluationPeriods: 3, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, ...props,
  });

  test('an M-of-N alarm is refused at synth, naming the alarm and the values', () => {
    const { topology } = newTopology();
    const regions = importedRegions(topology).map((r) => ({ ...r, healthAlarm: alarmOf(topology.regionalStack(r.region), { datapointsToAlarm: 2 }) }));
    expect(() => new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions }))
      .toThrow(/healthAlarm of 'us-east-1' \(Shop\/us-east-1\/Unhealthy\) alarms on 2 of 3 datapoints \(DatapointsToAlarm 2 < EvaluationPeriods 3\).*does not support M out of N alarms/);
  });

  test('the alarm check is replaced when the alarm\'s settings change (its logical id carries their digest)', () => {
    const idsFor = (threshold: number) => {
      const { topology } = newTopology();
      const regions = importedRegions(topology).map((r) => ({ ...r, healthAlarm: alarmOf(topology.regionalStack(r.region), { threshold }) }));
      new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions });
      return Object.entries(Template.fromStack(topology.globalStack).findResources('AWS::Route53::HealthCheck'))
        .filter(([, v]) => v.Properties.HealthCheckConfig.Type === 'CLOUDWATCH_METRIC').map(([id]) => id).sort();
    };
    const before = idsFor(1);
    expect(before).toHaveLength(2);
    expect(idsFor(1)).toEqual(before);
    expect(idsFor(0.5).filter((id) => before.includes(id))).toEqual([]);
  });
});

test('HealthProbe probesPerRun makes the alarm branch faster, never slower', () => {
  const budgetWith = (probesPerRun: number) => {
    const { topology } = newTopology();
    const regions = constructRegions(topology).map((r) => {
      const probe = new HealthProbe(topology.regionalStack(r.region), 'Probe', { targets: [{ name: 'api', url: 'https://x.example.com/health' }], probesPerRun, unhealthyDatapointsToAlarm: 2, unhealthyEvaluationPeriods: 2 });
      return { ...r, healthAlarm: probe.regionUnhealthyAlarm };
    });
    return new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions }).failoverBudget.worstCaseSeconds;
  };
  const one = budgetWith(1);
  const six = budgetWith(6);
  // One probe a minute: 60 s interval; six: 10 s. The per-probe publish bound is the same.
  expect(one - six).toBe(50);
});
