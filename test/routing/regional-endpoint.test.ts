import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MinimalRegionalEndpoint, RegionalEndpoint, RegionalEndpointKind } from '../../lib';
import { ZONE_ID, ZONE_NAME, importedArn, newTopology } from './fixture';

describe('RegionalEndpoint', () => {
  test('a load balancer imported by attributes takes its Region from the ARN; without a zone id it is no alias', () => {
    const endpoint = RegionalEndpoint.fromLoadBalancerAttributes({ loadBalancerArn: importedArn('us-east-2'), dnsName: 'lb.us-east-2.elb.amazonaws.com' });
    expect([endpoint.kind, endpoint.region, endpoint.isAlias, endpoint.healthPath]).toEqual([RegionalEndpointKind.LOAD_BALANCER, 'us-east-2', false, '/']);
  });

  test('an imported ALB construct without a canonical hosted zone id is no alias either', () => {
    const stack = new Stack(undefined, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const alb = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Alb', {
      loadBalancerArn: importedArn('us-east-1'), securityGroupId: 'sg-12345678', loadBalancerDnsName: 'lb.us-east-1.elb.amazonaws.com',
    });
    const endpoint = RegionalEndpoint.fromLoadBalancer(alb, { healthPath: '/ready', healthCheckPort: 8443 });
    expect([endpoint.region, endpoint.isAlias, endpoint.healthPath, endpoint.healthCheckPort, endpoint.loadBalancerArn])
      .toEqual(['us-east-1', false, '/ready', 8443, importedArn('us-east-1')]);
  });

  test('a domain name has no ARN and no Region unless given', () => {
    const endpoint = RegionalEndpoint.fromDomainName('api.example.com', { healthPath: '/health' });
    expect([endpoint.kind, endpoint.loadBalancerArn, endpoint.region, endpoint.isAlias]).toEqual([RegionalEndpointKind.DOMAIN_NAME, undefined, undefined, false]);
    expect(RegionalEndpoint.fromDomainName('api.example.com', { healthPath: '/', region: 'eu-west-1' }).region).toBe('eu-west-1');
  });
});

describe('MinimalRegionalEndpoint', () => {
  const { topology } = newTopology();
  const stack = topology.regionalStack('us-east-2');
  const minimal = new MinimalRegionalEndpoint(stack, 'Endpoint', {
    domainName: 'app.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
    encryptionKey: topology.regionalKey('us-east-2'),
  });
  const template = Template.fromStack(stack);

  test('an internet-facing ALB in two public subnets, forwarding HTTPS 443 with a modern TLS policy to its target group', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing', Subnets: [Match.objectLike({ Ref: Match.anyValue() }), Match.objectLike({ Ref: Match.anyValue() })],
    });
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Protocol: 'HTTPS', SslPolicy: Match.stringLikeRegexp('TLS13'),
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('TargetGroup') } }],
    });
    expect([minimal.endpoint.region, minimal.endpoint.healthPath, minimal.endpoint.isAlias]).toEqual(['us-east-2', '/health', true]);
  });

  test('a Lambda target answering the health path, checked every 10 s, unhealthy after 2 failures, so target health means something', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', HealthCheckEnabled: true, HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' },
      Targets: [{ Id: { 'Fn::GetAtt': [Match.stringLikeRegexp('EndpointTarget'), 'Arn'] } }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'], LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('TargetLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    expect(minimal.targetGroup.targetGroupArn).toBeDefined();
  });

  test('the target answers 200 on every path (the prebundled handler\'s core)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { respond } = require('../../lambda/endpoint-health/respond');
    expect(respond({ path: '/health', httpMethod: 'GET' })).toMatchObject({ statusCode: 200, body: 'ok' });
    expect(respond({ path: '/anything', httpMethod: 'HEAD' })).toMatchObject({ statusCode: 200, body: '' });
  });

  test('its certificate covers the shared and the regional name and is validated by DNS in the hosted zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'app.example.com', SubjectAlternativeNames: ['us-east-2.app.example.com'], ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'app.example.com', HostedZoneId: ZONE_ID },
        { DomainName: 'us-east-2.app.example.com', HostedZoneId: ZONE_ID },
      ],
    });
  });

  test('a regional alias record lets probes reach this Region alone', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'us-east-2.app.example.com.', Type: 'A', HostedZoneId: ZONE_ID,
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
    expect([minimal.regionalDomainName, minimal.regionalHealthUrl]).toEqual(['us-east-2.app.example.com', 'https://us-east-2.app.example.com/health']);
  });

  test('its VPC logs flows to an encrypted log group', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
  });
});
