import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerCode } from '../../private/handler-code';
import { metricsPolicy as metricsPolicyOf } from '../../private/metric-permissions';
import { HandlerRuntime } from '../../runtime/handler-runtime';

/** What `createProbeFunction` needs. */
export interface ProbeFunctionOptions {
  readonly handlerDir: string;
  /** Code to use instead of the prebuilt bundle of `handlerDir` (for example the bundle plus a configuration file). */
  readonly code?: lambda.Code;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly namespace: string;
  readonly timeout: Duration;
  readonly encryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The pieces of a scheduled probe. */
export interface ProbeFunction {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly schedule: events.Rule;
}

/**
 * A probe Lambda: newest Node runtime, ARM64, bundled with the local esbuild, its own role
 * (only its log group and its metric namespace), an encrypted log group with retention, and
 * a rule invoking it every minute.
 */
export function createProbeFunction(scope: Construct, options: ProbeFunctionOptions): ProbeFunction {
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: options.logRetention,
    encryptionKey: options.encryptionKey,
  });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `${options.description}: writes its own log group and metrics only`,
  });
  const logPolicy = new iam.Policy(scope, 'LogPolicy', {
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${logGroup.logGroupArn}`],
    })],
  });
  const metricsPolicy = metricsPolicyOf(scope, 'MetricsPolicy', role, options.namespace);
  if (options.vpc) {
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4',
      reason: 'AWSLambdaVPCAccessExecutionRole only manages the network interfaces the probe needs to reach a database inside the VPC.',
    });
  }

  const fn = new lambda.Function(scope, 'Function', {
    code: options.code ?? handlerCode(options.handlerDir),
    handler: 'index.handler',
    runtime: HandlerRuntime.of(scope),
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: options.timeout,
    description: options.description,
    role,
    logGroup,
    environment: options.environment,
    vpc: options.vpc,
    vpcSubnets: options.vpcSubnets,
    securityGroups: options.securityGroups,
  });
  fn.node.addDependency(logPolicy, metricsPolicy);
  if (!options.vpc) {
    Validations.of(fn).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'CT.LAMBDA.PR.3: the probe must reach public endpoints (the Region\'s health URLs, the DSQL and CloudWatch APIs); '
        + 'give the probe a vpc with a NAT route where the control is enforced.',
    });
  }
  // A missed minute is measured again by the next run; retrying old events only piles them up.
  fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });

  const schedule = new events.Rule(scope, 'Schedule', {
    description: `${options.description}: every minute`,
    schedule: events.Schedule.rate(Duration.minutes(1)),
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
  });
  return { fn, role, logGroup, schedule };
}

/** The region of the scope's stack, which must be concrete for the probe's metrics dimension. */
export function concreteRegion(scope: Construct, what: string): string {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    throw new Error(`${what} must be in a stack with a concrete Region (env: { region: '...' }); its stack '${Stack.of(scope).stackName}' is environment-agnostic.`);
  }
  return region;
}
