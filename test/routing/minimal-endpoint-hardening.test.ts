import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MinimalRegionalEndpoint } from '../../lib';
import { ZONE_ID, ZONE_NAME, newTopology } from './fixture';

// The placeholder endpoint's hardening for AWS Control Tower's proactive controls.
function endpoint(extra: { deletionProtection?: boolean; accessLogsBucket?: (stack: any) => s3.IBucket } = {}): Template {
  const { topology } = newTopology();
  const stack = topology.regionalStack('us-east-1');
  new MinimalRegionalEndpoint(stack, 'Endpoint', {
    domainName: 'app.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: ZONE_NAME }),
    encryptionKey: topology.regionalKey('us-east-1'),
    deletionProtection: extra.deletionProtection,
    accessLogsBucket: extra.accessLogsBucket?.(stack),
  });
  return Template.fromStack(stack);
}

describe('MinimalRegionalEndpoint hardening', () => {
  const template = endpoint();

  test('public subnets do not auto-assign public addresses (CT.EC2.PR.11)', () => {
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet')) as any[];
    expect(subnets).toHaveLength(2);
    subnets.forEach((s) => expect(s.Properties.MapPublicIpOnLaunch).toBe(false));
  });

  test('the load balancer logs access into an SSE-S3, TLS-only, versioned bucket whose own access is logged (CT.ELASTICLOADBALANCING.PR.6)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'alb-access-logs/' },
    });
    // The server access log target takes the S3 logging service by bucket policy, not an ACL.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  test('deletion protection on when asked, and a given access-log bucket is used instead of new ones', () => {
    const t = endpoint({ deletionProtection: true, accessLogsBucket: (stack) => s3.Bucket.fromBucketName(stack, 'Logs', 'my-alb-logs') });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.bucket', Value: 'my-alb-logs' }]),
    });
    t.resourceCountIs('AWS::S3::Bucket', 0);
  });
});
