import { RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { RegionalEndpoint } from './regional-endpoint';

/**
 * Properties of `MinimalRegionalEndpoint`.
 */
export interface MinimalRegionalEndpointProps {
  /** The name clients use (the certificate's name), for example `app.example.com`. */
  readonly domainName: string;

  /** The public hosted zone of `domainName`; ACM validates the certificate with a record in it. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * A name of this Region alone, so probes can reach this Region's load balancer directly
   * (the shared `domainName` resolves to whichever Region DNS picks). It is an alias record in
   * `hostedZone` and a second name on the certificate.
   * @default `<region>.<domainName>`, for example `us-east-1.app.example.com`
   */
  readonly regionalDomainName?: string;

  /**
   * Path the health checks request; the listener answers 200 on every path.
   * @default '/health'
   */
  readonly healthPath?: string;

  /**
   * Key of the VPC flow-log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A placeholder regional endpoint: an internet-facing Application Load Balancer whose HTTPS
 * listener answers 200 with a fixed response, in a small VPC with flow logs. It lets the routing
 * synthesize and deploy before the real service exists; replace it with the service's own load
 * balancer (`RegionalEndpoint.fromLoadBalancer(...)`).
 */
export class MinimalRegionalEndpoint extends Construct {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The load balancer as a routing endpoint, with the health path. */
  public readonly endpoint: RegionalEndpoint;
  /** The name of this Region's load balancer alone, for example `us-east-1.app.example.com`. */
  public readonly regionalDomainName: string;
  /** The health URL of this Region's load balancer alone, for probes. */
  public readonly regionalHealthUrl: string;

  constructor(scope: Construct, id: string, props: MinimalRegionalEndpointProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) && props.regionalDomainName === undefined) {
      throw new Error(`MinimalRegionalEndpoint '${id}' is in a stack without a concrete Region; give regionalDomainName.`);
    }
    this.regionalDomainName = props.regionalDomainName ?? `${region}.${props.domainName}`;
    const healthPath = props.healthPath ?? '/health';
    this.regionalHealthUrl = `https://${this.regionalDomainName}${healthPath}`;
    // Two zones, the least an Application Load Balancer accepts. In a stack with a concrete
    // account and Region their names come from the `availability-zones:...` context (cdk.json
    // holds it for the default app and the examples, so synth needs no look-up).
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogGroup', {
        retention: logs.RetentionDays.ONE_MONTH,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      })),
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.addListener('Https', {
      port: 443,
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      certificates: [new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        subjectAlternativeNames: [this.regionalDomainName],
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      })],
      defaultAction: elbv2.ListenerAction.fixedResponse(200, { contentType: 'text/plain', messageBody: 'ok' }),
    });
    this.endpoint = RegionalEndpoint.fromLoadBalancer(this.loadBalancer, { healthPath });
    new route53.ARecord(this, 'RegionalRecord', {
      zone: props.hostedZone,
      recordName: this.regionalDomainName,
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
    });

    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ELB2',
      reason: 'Placeholder load balancer that only returns a fixed 200 response and forwards to no target; there is no request traffic worth an access-log bucket. The service\'s own load balancer replaces it.',
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason: 'Internet-facing regional endpoint: HTTPS on 443 must be open to every client and to the Route 53 and Global Accelerator health checkers.',
    });
  }
}
