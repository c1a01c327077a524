import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DnsRouting, EndpointHealthCheckProtocol, Posture } from '../../lib';
import { ZONE_ID, constructRegions, domainRegions, importedDnsName, importedRegions, newTopology, withAlarms, zoneIn } from './fixture';

function healthChecksOf(template: Template): Array<{ HealthCheckConfig: Record<string, unknown> }> {
  return Object.values(template.findResources('AWS::Route53::HealthCheck')).map((r) => r.Properties);
}

describe('DnsRouting, active-active: latency records', () => {
  const { topology } = newTopology();
  const dns = new DnsRouting(topology.globalStack, 'Dns', {
    topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology),
  });
  const template = Template.fromStack(topology.globalStack);

  test('lives in the us-east-1 global stack', () => {
    expect(topology.globalStack.region).toBe('us-east-1');
    expect(dns.routingPolicy).toBe('latency');
  });

  test.each(['us-east-1', 'us-east-2'])('one latency alias record for %s, with SetIdentifier, Region and its health check', (region) => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: ZONE_ID,
      Name: 'app.example.com.',
      Type: 'A',
      SetIdentifier: region,
      Region: region,
      Failover: Match.absent(),
      TTL: Match.absent(),
      AliasTarget: { DNSName: `dualstack.${importedDnsName(region)}`, HostedZoneId: Match.stringLikeRegexp('^Z'), EvaluateTargetHealth: false },
      HealthCheckId: { Ref: Match.stringLikeRegexp(`DnsEndpointHealthCheck${region.replace(/-/g, '')}`) },
    });
  });

  test('health checks default to HTTPS on 443, the health path, 10 s x 3, checker Regions left to AWS', () => {
    const checks = healthChecksOf(template);
    expect(checks).toHaveLength(2);
    for (const region of ['us-east-1', 'us-east-2']) {
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: importedDnsName(region),
          Port: 443,
          ResourcePath: '/health',
          RequestInterval: 10,
          FailureThreshold: 3,
          EnableSNI: true,
          Regions: Match.absent(),
        },
      });
    }
  });

  test('exactly one record per Region', () => {
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  test.each(['us-east-1', 'us-east-2'])('an alarm fires when Route 53 takes %s out of DNS', (region) => {
    const checkId = topology.globalStack.resolve(dns.endpointHealthCheck(region).healthCheckId);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Period: 60,
      Dimensions: [{ Name: 'HealthCheckId', Value: checkId }],
      ComparisonOperator: 'LessThanThreshold', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
    });
    expect(dns.endpointUnhealthyAlarm(region).node.path).toBe(`Shop/global/Dns/EndpointUnhealthy-${region}`);
  });
});

describe('DnsRouting endpoint alarms', () => {
  test('can be turned off', () => {
    const { topology } = newTopology();
    new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology), endpointAlarms: false,
    });
    Template.fromStack(topology.globalStack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('need the us-east-1 stack, where the metric exists', () => {
    const { topology } = newTopology();
    const stack = topology.regionalStack('us-east-2');
    expect(() => new DnsRouting(stack, 'Dns', {
      topology, hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: 'example.com' }),
      recordName: 'app.example.com', regions: importedRegions(topology),
    })).toThrow(/DnsRouting 'Dns' is in a stack of us-east-2, but Route 53 health-check metrics, and so the endpoint alarms, exist only in us-east-1/);
  });
});

describe('DnsRouting, active-passive: failover records', () => {
  const { topology } = newTopology(Posture.ACTIVE_PASSIVE);
  const dns = new DnsRouting(topology.globalStack, 'Dns', {
    topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology),
  });
  const template = Template.fromStack(topology.globalStack);

  test('PRIMARY for the primary Region and SECONDARY for the standby, each with its health check, evaluating target health', () => {
    expect(dns.routingPolicy).toBe('failover');
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
    for (const [region, role] of [['eu-west-1', 'PRIMARY'], ['eu-central-1', 'SECONDARY']]) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'app.example.com.',
        Type: 'A',
        Failover: role,
        SetIdentifier: `${region}-${role.toLowerCase()}`,
        Region: Match.absent(),
        AliasTarget: Match.objectLike({ DNSName: `dualstack.${importedDnsName(region)}`, EvaluateTargetHealth: true }),
        HealthCheckId: { Ref: Match.stringLikeRegexp(`DnsEndpointHealthCheck${region.replace(/-/g, '')}`) },
      });
    }
  });

  test('same health-check defaults as latency routing', () => {
    for (const check of healthChecksOf(template)) {
      expect(check.HealthCheckConfig).toMatchObject({ Type: 'HTTPS', Port: 443, ResourcePath: '/health', RequestInterval: 10, FailureThreshold: 3 });
    }
  });
});

describe('DnsRouting with domain-name endpoints: CNAME records with a TTL', () => {
  test('TTL 60 s by default, the endpoint\'s health path, and given settings', () => {
    const { topology } = newTopology();
    new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'api.example.com', regions: domainRegions(topology),
      healthCheckProtocol: EndpointHealthCheckProtocol.HTTP,
      healthCheckInterval: Duration.seconds(30),
      failureThreshold: 2,
      healthCheckRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    });
    const template = Template.fromStack(topology.globalStack);
    for (const region of topology.activeRegions) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api.example.com.', Type: 'CNAME', TTL: '60', SetIdentifier: region, Region: region,
        ResourceRecords: [`api-${region}.example.com`],
      });
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTP', FullyQualifiedDomainName: `api-${region}.example.com`, Port: 80, ResourcePath: '/ping',
          RequestInterval: 30, FailureThreshold: 2, Regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
        },
      });
    }
  });

  test('a custom TTL applies to every CNAME', () => {
    const { topology } = newTopology();
    new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'api.example.com', regions: domainRegions(topology), ttl: Duration.seconds(30),
    });
    Template.fromStack(topology.globalStack).allResourcesProperties('AWS::Route53::RecordSet', { TTL: '30' });
  });

  test('TCP checks have no path', () => {
    const { topology } = newTopology();
    new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'api.example.com', regions: domainRegions(topology),
      healthCheckProtocol: EndpointHealthCheckProtocol.TCP,
    });
    Template.fromStack(topology.globalStack).allResourcesProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'TCP', Port: 443, ResourcePath: Match.absent() },
    });
  });
});

describe('DnsRouting with deep health', () => {
  const { topology } = newTopology();
  const dns = new DnsRouting(topology.globalStack, 'Dns', {
    topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: withAlarms(topology, importedRegions(topology)),
  });
  const template = Template.fromStack(topology.globalStack);

  test('a CLOUDWATCH_METRIC check names each Region\'s alarm by name and Region, the alarm staying in its Regional stack', () => {
    // us-east-1's alarm is in a stack of the same Region: a plain import; us-east-2's crosses Regions.
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: { 'Fn::ImportValue': Match.stringLikeRegexp('shop-us-east-1:') }, Region: 'us-east-1' },
        InsufficientDataHealthStatus: 'LastKnownStatus',
      },
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: { 'Fn::GetAtt': [Match.anyValue(), Match.stringLikeRegexp('RegionUnhealthy')] }, Region: 'us-east-2' },
      },
    });
    Template.fromStack(topology.regionalStack('us-east-2')).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-us-east-2-unhealthy' });
  });

  test('a CALCULATED check needs both the endpoint and the alarm check, and guards the record', () => {
    for (const region of topology.activeRegions) {
      const id = region.replace(/-/g, '');
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'CALCULATED',
          HealthThreshold: 2,
          ChildHealthChecks: [
            { Ref: Match.stringLikeRegexp(`DnsEndpointHealthCheck${id}`) },
            { Ref: Match.stringLikeRegexp(`DnsAlarmHealthCheck${id}`) },
          ],
        },
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        SetIdentifier: region,
        HealthCheckId: { Ref: Match.stringLikeRegexp(`DnsHealthCheck${id}`) },
      });
    }
    template.resourceCountIs('AWS::Route53::HealthCheck', 6);
    expect(dns.healthCheck('us-east-1')).not.toBe(dns.endpointHealthCheck('us-east-1'));
  });

  test('an explicit alarm Region and insufficient-data status are used', () => {
    const other = newTopology();
    const regions = withAlarms(other.topology, importedRegions(other.topology)).map((r) => ({ ...r, healthAlarmRegion: 'us-west-2' }));
    new DnsRouting(other.topology.globalStack, 'Dns', {
      topology: other.topology, hostedZone: zoneIn(other.topology), recordName: 'app.example.com', regions,
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
    });
    Template.fromStack(other.topology.globalStack).hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: Match.objectLike({ Region: 'us-west-2' }), InsufficientDataHealthStatus: 'Unhealthy' },
    });
  });
});

describe('DnsRouting with load balancers of this app', () => {
  test('aliases and checks reach each Region\'s load balancer through cross-Region references', () => {
    const { app, topology } = newTopology();
    new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: constructRegions(topology),
    });
    app.synth();
    const template = Template.fromStack(topology.globalStack);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      SetIdentifier: 'us-east-2',
      AliasTarget: {
        DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Match.stringLikeRegexp('shopuseast2FnGetAttEndpointLoadBalancer.*DNSName')] }]] },
        HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Match.stringLikeRegexp('CanonicalHostedZoneID')] },
        EvaluateTargetHealth: false,
      },
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      SetIdentifier: 'us-east-1',
      AliasTarget: Match.objectLike({ HostedZoneId: { 'Fn::ImportValue': Match.stringLikeRegexp('CanonicalHostedZoneID') } }),
    });
  });

  test('metricHealthCheckStatus reads the guarding check in us-east-1', () => {
    const { topology } = newTopology();
    const dns = new DnsRouting(topology.globalStack, 'Dns', {
      topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology),
    });
    const metric = dns.metricHealthCheckStatus('us-east-2');
    expect([metric.namespace, metric.metricName, metric.region]).toEqual(['AWS/Route53', 'HealthCheckStatus', 'us-east-1']);
    expect(() => dns.healthCheck('eu-west-1')).toThrow(/'eu-west-1' is not routed/);
  });
});
