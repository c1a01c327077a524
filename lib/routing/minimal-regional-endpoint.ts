import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeLambdaOutsideVpc } from '../private/control-tower';
import { handlerCode } from '../private/handler-code';
import { newLogBucket } from '../audit/private/log-bucket';
import { DeepHealthChecksOptions, DeepHealthEndpoint } from './deep-health-endpoint';
import { RegionalEndpoint } from './regional-endpoint';
import { HandlerRuntime } from '../runtime/handler-runtime';

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
   * Path the health checks request; the target answers 200 on every path.
   * @default '/health'
   */
  readonly healthPath?: string;

  /**
   * Key of the VPC flow-log group and of the target function's log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Time between two ELB health checks of the target (5 to 300 s). With `unhealthyThreshold` it
   * sets how fast target health, and so Global Accelerator and alias records that evaluate target
   * health, notice a failed target.
   * @default Duration.seconds(10)
   */
  readonly targetHealthCheckInterval?: Duration;

  /**
   * Consecutive failed ELB health checks before the target is unhealthy (2 to 10).
   * @default 2
   */
  readonly unhealthyThreshold?: number;

  /**
   * Whether Elastic Load Balancing refuses to delete the load balancer (AWS Control Tower
   * CT.ELASTICLOADBALANCING.PR.5). A placeholder is meant to be replaced, so it is off unless asked.
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * The bucket of the load balancer's access logs (CT.ELASTICLOADBALANCING.PR.6); Elastic Load
   * Balancing accepts only S3-managed encryption (SSE-S3) on it.
   * @default - a new bucket: SSE-S3, TLS only, versioned, 90 days, its own access logged
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Serve the Region's deep health instead of a plain 200: a `DeepHealthEndpoint` (on
   * `https://<regionalDomainName>/deep-health`) becomes the load balancer's only target, so every
   * path, and the target group's own health check, answer 200 only while the checks pass. ELB
   * target health, and so Global Accelerator, then follow deep health with no control plane.
   * The target group's health-check figures are the deep-health endpoint's (5 s, 3 s timeout, 2 failures by default).
   * @default - no deep health: the target answers 200 on every path
   */
  readonly deepHealth?: DeepHealthChecksOptions;
}

/**
 * A placeholder regional endpoint: an internet-facing Application Load Balancer whose HTTPS
 * listener forwards to a target group with one tiny Lambda target that answers 200 on every path,
 * in a small VPC with flow logs. The target group's health check (10 s x 2 by default) gives ELB
 * target health a meaning, so alias records that evaluate target health and Global Accelerator
 * (which follows target health for load balancer endpoints) react to a failed target. It lets the
 * routing synthesize and deploy before the real service exists; replace it with the service's own
 * load balancer (`RegionalEndpoint.fromLoadBalancer(...)`).
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
  /** The target group the listener forwards to. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The target function. */
  public readonly targetFunction: lambda.IFunction;
  /**
   * The Region's deep-health endpoint, when `deepHealth` is given.
   * @default - none
   */
  public readonly deepHealth?: DeepHealthEndpoint;

  constructor(scope: Construct, id: string, props: MinimalRegionalEndpointProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) && props.regionalDomainName === undefined) {
      throw new Error(`MinimalRegionalEndpoint '${id}' is in a stack without a concrete Region; give regionalDomainName.`);
    }
    this.regionalDomainName = props.regionalDomainName ?? `${region}.${props.domainName}`;
    const healthPath = props.healthPath ?? '/health';
    // With deep health, the probes read the same deep health as the data plane.
    this.regionalHealthUrl = `https://${this.regionalDomainName}${props.deepHealth ? '/deep-health' : healthPath}`;
    // Two zones, the least an Application Load Balancer accepts. In a stack with a concrete
    // account and Region their names come from the `availability-zones:...` context (cdk.json
    // holds it for the default app and the examples, so synth needs no look-up).
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      // The load balancer gets its addresses without auto-assign (Control Tower CT.EC2.PR.11).
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }],
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogGroup', {
        retention: logs.RetentionDays.ONE_YEAR, // at least a year: Control Tower CT.CLOUDWATCH.PR.2
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      })),
    });

    if (props.deepHealth) {
      if (props.targetHealthCheckInterval !== undefined || props.unhealthyThreshold !== undefined) {
        throw new Error(`MinimalRegionalEndpoint '${id}': with deepHealth, set the target group's health check with deepHealth.healthCheckInterval and deepHealth.unhealthyThreshold, not targetHealthCheckInterval/unhealthyThreshold.`);
      }
      // No listener rule: the deep-health target is the listener's default action, so the load
      // balancer has one target group and its target health is deep health.
      this.deepHealth = new DeepHealthEndpoint(this, 'DeepHealth', {
        ...props.deepHealth,
        hostName: this.regionalDomainName,
        encryptionKey: props.deepHealth.encryptionKey ?? props.encryptionKey,
      });
      this.targetFunction = this.deepHealth.function;
      this.targetGroup = this.deepHealth.targetGroup;
    } else {
      this.targetFunction = this.newTargetFunction(props.encryptionKey);
      const interval = props.targetHealthCheckInterval ?? Duration.seconds(10);
      const unhealthyThreshold = props.unhealthyThreshold ?? 2;
      if (!Token.isUnresolved(interval.toSeconds()) && (interval.toSeconds() < 5 || interval.toSeconds() > 300)) {
        throw new Error(`MinimalRegionalEndpoint '${id}': targetHealthCheckInterval is ${interval.toSeconds()} s; ELB accepts 5 to 300 s.`);
      }
      if (!Number.isInteger(unhealthyThreshold) || unhealthyThreshold < 2 || unhealthyThreshold > 10) {
        throw new Error(`MinimalRegionalEndpoint '${id}': unhealthyThreshold is ${unhealthyThreshold}; ELB accepts an integer from 2 to 10.`);
      }
      this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
        targetType: elbv2.TargetType.LAMBDA,
        targets: [new elbv2targets.LambdaTarget(this.targetFunction)],
        // Health checks are off by default for Lambda targets; without them target health means nothing.
        healthCheck: {
          enabled: true,
          path: healthPath,
          interval,
          timeout: Duration.seconds(Math.min(5, interval.toSeconds() - 1)),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: unhealthyThreshold,
          healthyHttpCodes: '200',
        },
      });
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    this.loadBalancer.logAccessLogs(props.accessLogsBucket ?? this.newAccessLogsBucket(), 'alb');
    this.loadBalancer.addListener('Https', {
      port: 443,
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      certificates: [new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        subjectAlternativeNames: [this.regionalDomainName],
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      })],
      defaultAction: elbv2.ListenerAction.forward([this.targetGroup]),
    });
    this.endpoint = RegionalEndpoint.fromLoadBalancer(this.loadBalancer, { healthPath: this.deepHealth?.path ?? healthPath });
    new route53.ARecord(this, 'RegionalRecord', {
      zone: props.hostedZone,
      recordName: this.regionalDomainName,
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
    });

    if (!(props.deletionProtection ?? false)) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'cdk-validator-cfnguard::elbv2_deletion_protection_enabled_check',
        reason: 'CT.ELASTICLOADBALANCING.PR.5: a placeholder meant to be replaced by the service\'s own load balancer; '
          + 'set deletionProtection: true where the control is enforced.',
      });
    }
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason: 'Internet-facing regional endpoint: HTTPS on 443 must be open to every client and to the Route 53 and Global Accelerator health checkers.',
    });
  }

  private newTargetFunction(encryptionKey?: kms.IKey): lambda.Function {
    const logGroup = new logs.LogGroup(this, 'TargetLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'TargetRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Placeholder endpoint target: writes its own log group only',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const fn = new lambda.Function(this, 'Target', {
      code: handlerCode('endpoint-health'),
      handler: 'index.handler',
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      description: 'Placeholder regional endpoint: answers 200 on every path',
      memorySize: 128,
      timeout: Duration.seconds(5),
      role,
      logGroup,
    });
    acknowledgeLambdaOutsideVpc(fn, 'the placeholder target answers 200 to its load balancer and reaches nothing.');
    // The Lambda target's invoke permission (aws-cdk-lib's LambdaTarget) names the Elastic Load
    // Balancing principal without a source ARN; the target group is created after the function.
    Validations.of(fn).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason: 'The only grant is lambda:InvokeFunction to elasticloadbalancing.amazonaws.com, added by aws-cdk-lib\'s LambdaTarget; '
        + 'the function answers 200 to every request and holds no data.',
    });
    return fn;
  }

  /** A bucket for the access logs, and one for that bucket's own server access logs. */
  private newAccessLogsBucket(): s3.IBucket {
    const sseS3 = 'Elastic Load Balancing access logs and S3 server access logs accept only S3-managed keys (SSE-S3) on the bucket '
      + '(Elastic Load Balancing User Guide, "Access logs for your Application Load Balancer").';
    const serverAccessLogs = newLogBucket(this, 'ServerAccessLogs', { expiration: Duration.days(90), removalPolicy: RemovalPolicy.RETAIN, sseS3Reason: sseS3 });
    return newLogBucket(this, 'AccessLogs', {
      serverAccessLogsBucket: serverAccessLogs,
      serverAccessLogsPrefix: 'alb-access-logs/',
      expiration: Duration.days(90),
      removalPolicy: RemovalPolicy.RETAIN,
      sseS3Reason: sseS3,
    });
  }
}
