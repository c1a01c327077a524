import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeLambdaOutsideVpc } from '../private/control-tower';
import { handlerCode } from '../private/handler-code';
import { HandlerRuntime } from '../runtime/handler-runtime';

/** The Region's Aurora DSQL cluster, checked by state and by a connect as a non-admin role. */
export interface DeepHealthDsqlCheck {
  /** ARN of the Region's cluster (in the endpoint's Region), for example `DsqlPeeredClusters.clusterArn(region)`. */
  readonly clusterArn: string;

  /**
   * The PostgreSQL role the check connects as, mapped to the function's IAM role with
   * `AWS IAM GRANT` (for example by `DsqlDatabaseRole`); never `admin`. The function gets
   * `dsql:DbConnect` on the cluster only.
   * @default 'mrcdk_health'
   */
  readonly roleName?: string;
}

/** A DynamoDB table (this Region's replica), checked with one GetItem. */
export interface DeepHealthDynamoDbCheck {
  /** The table in this Region, for example `DynamoDbGlobalTable.replica(region)`. */
  readonly table: dynamodb.ITable;

  /** Name of the table's partition key. */
  readonly partitionKeyName: string;

  /**
   * Type of the partition key.
   * @default dynamodb.AttributeType.STRING
   */
  readonly partitionKeyType?: dynamodb.AttributeType;

  /**
   * Name of the table's sort key, when it has one.
   * @default - no sort key
   */
  readonly sortKeyName?: string;

  /**
   * Type of the sort key.
   * @default dynamodb.AttributeType.STRING
   */
  readonly sortKeyType?: dynamodb.AttributeType;
}

/** An Aurora PostgreSQL endpoint in this Region, checked with a connect over verified TLS and `SELECT 1`. */
export interface DeepHealthAuroraCheck {
  /** Host name of the endpoint, for example the cluster endpoint of this Region. */
  readonly host: string;

  /**
   * Port.
   * @default 5432
   */
  readonly port?: number;

  /**
   * Database to connect to.
   * @default 'postgres'
   */
  readonly databaseName?: string;

  /** Secret whose JSON holds `username` and `password` (read access, and kms:Decrypt on its key when it has one, are granted). */
  readonly secret: secretsmanager.ISecret;

  /** The VPC the function runs in to reach the endpoint. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the function.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Security groups of the function; the database's security group must allow them on `port`. */
  readonly securityGroups: ec2.ISecurityGroup[];
}

/** What the deep health of a Region checks, and how it is served. */
export interface DeepHealthChecksOptions {
  /**
   * The Region's Aurora DSQL cluster.
   * @default - no DSQL check
   */
  readonly dsql?: DeepHealthDsqlCheck;

  /**
   * The Region's DynamoDB tables.
   * @default - no DynamoDB check
   */
  readonly dynamoDbTables?: DeepHealthDynamoDbCheck[];

  /**
   * The Region's Aurora endpoint.
   * @default - no Aurora check
   */
  readonly aurora?: DeepHealthAuroraCheck;

  /**
   * How long one evaluation is served to every request. Route 53 runs many checkers per health
   * check, each every 10 or 30 s, and ELB checks from every load balancer node; the cache makes
   * them cost one evaluation per period per function instance. It is a term of the failover budget.
   * @default Duration.seconds(5)
   */
  readonly cacheTime?: Duration;

  /**
   * The bound on one evaluation (the checks run in parallel, each with this timeout; one that
   * does not finish counts as failed). Below Route 53's 2 s limit for a response.
   * @default Duration.millis(1500)
   */
  readonly timeout?: Duration;

  /**
   * Time between two ELB health checks of the deep-health target (5 to 300 s).
   * @default Duration.seconds(5)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * ELB health-check timeout of the deep-health target (2 to 120 s, below the interval).
   * @default Duration.seconds(3)
   */
  readonly healthCheckTimeout?: Duration;

  /**
   * Consecutive failed ELB health checks before the target is unhealthy (2 to 10).
   * @default 2
   */
  readonly unhealthyThreshold?: number;

  /**
   * Key of the function's log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Properties of `DeepHealthEndpoint`.
 */
export interface DeepHealthEndpointProps extends DeepHealthChecksOptions {
  /** A name that resolves to this Region's load balancer alone (for example `us-east-1.app.example.com`), for the URL. */
  readonly hostName: string;

  /**
   * The HTTPS listener of the Region's load balancer. The endpoint adds a rule there that forwards
   * `path` to its target group.
   * @default - no rule: forward to `targetGroup` yourself (for example as the listener's default action)
   */
  readonly listener?: elbv2.IApplicationListener;

  /**
   * The path the endpoint answers on.
   * @default '/deep-health'
   */
  readonly path?: string;

  /**
   * Priority of the listener rule (1 to 50000, unique on the listener).
   * @default 1
   */
  readonly priority?: number;
}

/** The failover-budget figures of a deep-health endpoint, read by the routing constructs. */
export interface DeepHealthTiming {
  /** The result cache, in seconds. */
  readonly cacheSeconds: number;
  /** The evaluation deadline, in seconds. */
  readonly timeoutSeconds: number;
  /** Where the figures come from. */
  readonly source: string;
}

const ENDPOINTS = new Map<string, DeepHealthTiming>();
const TARGET_GROUPS = new WeakMap<elbv2.CfnTargetGroup, DeepHealthTiming>();

/** The timing of the DeepHealthEndpoint of this app with `url`, if there is one. */
export function deepHealthTimingOf(url: string): DeepHealthTiming | undefined {
  return ENDPOINTS.get(url);
}

/** The timing of the DeepHealthEndpoint whose target group this is, if it is one. */
export function deepHealthTimingOfTargetGroup(tg: elbv2.CfnTargetGroup): DeepHealthTiming | undefined {
  return TARGET_GROUPS.get(tg);
}

/** The default name of the DSQL role the check connects as. */
export const DEFAULT_DEEP_HEALTH_DSQL_ROLE = 'mrcdk_health';

/**
 * The deep health of one Region, served as a check that the data plane reads: a Lambda function
 * behind the Region's Application Load Balancer (a listener rule for `path` forwards to a target
 * group whose only target is the function) answers 200 `healthy` while every data store the
 * Region needs answers from this Region, and 503 `unhealthy` otherwise; the body says nothing more
 * (which check failed goes to the function's log). Route 53 health checks request `url` over HTTPS
 * directly, and the target group's own health check requests the same path, so ELB target health,
 * and so Global Accelerator, follow it without any control plane.
 *
 * A fault switch (an SSM String parameter, `{"fail":false}`) fails the Region on purpose while its
 * value is JSON with `"fail": true`, for game days.
 *
 * Exposed on the load balancer rather than as a function URL: the load balancer already has the
 * Region's certificate, TLS policy, access logs and WAF, and the function needs no public
 * resource policy beyond Elastic Load Balancing's invoke permission.
 */
export class DeepHealthEndpoint extends Construct {
  /** The URL the data plane checks, `https://<hostName><path>`. */
  public readonly url: string;
  /** The host name of `url`. */
  public readonly hostName: string;
  /** The path of `url`. */
  public readonly path: string;
  /** The fault switch: `{"fail":true,"by":"<who>","at":"<ISO time>"}` fails the Region; `{"fail":false}` restores it. */
  public readonly faultSwitch: ssm.IStringParameter;
  /** The function that evaluates the checks. */
  public readonly function: lambda.Function;
  /** The target group of the function, with health checks on `path`. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The result cache. */
  public readonly cacheTime: Duration;
  /** The evaluation deadline. */
  public readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: DeepHealthEndpointProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.path = props.path ?? '/deep-health';
    if (!Token.isUnresolved(this.path) && !/^\/[A-Za-z0-9._~\-/]*$/.test(this.path)) {
      throw new Error(`DeepHealthEndpoint '${id}': path '${this.path}' must start with '/' and hold only letters, digits and . _ ~ - /.`);
    }
    this.hostName = props.hostName;
    this.url = `https://${props.hostName}${this.path}`;
    this.cacheTime = props.cacheTime ?? Duration.seconds(5);
    this.timeout = props.timeout ?? Duration.millis(1500);
    const cacheMs = this.cacheTime.toMilliseconds();
    const timeoutMs = this.timeout.toMilliseconds();
    if (cacheMs < 0 || cacheMs > 60_000) {
      throw new Error(`DeepHealthEndpoint '${id}': cacheTime is ${cacheMs} ms; use 0 to 60 s (it adds to every failover).`);
    }
    // Route 53: "the endpoint must respond ... within two seconds after connecting" (Route 53
    // Developer Guide, "How Amazon Route 53 determines whether a health check is healthy").
    if (timeoutMs < 100 || timeoutMs >= 2000) {
      throw new Error(`DeepHealthEndpoint '${id}': timeout is ${timeoutMs} ms; use 100 ms to 1999 ms, below Route 53's 2 s limit for a response.`);
    }
    const dsqlRole = props.dsql?.roleName ?? DEFAULT_DEEP_HEALTH_DSQL_ROLE;
    if (dsqlRole === 'admin') {
      throw new Error(`DeepHealthEndpoint '${id}': dsql.roleName is 'admin'; the check connects as a non-admin role with dsql:DbConnect (for example '${DEFAULT_DEEP_HEALTH_DSQL_ROLE}', created by DsqlDatabaseRole).`);
    }
    const interval = props.healthCheckInterval ?? Duration.seconds(5);
    const hcTimeout = props.healthCheckTimeout ?? Duration.seconds(3);
    const unhealthyThreshold = props.unhealthyThreshold ?? 2;
    checkTargetHealth(id, interval.toSeconds(), hcTimeout.toSeconds(), unhealthyThreshold);

    this.faultSwitch = new ssm.StringParameter(this, 'FaultSwitch', {
      description: `Fault switch of the deep health of ${region}: {"fail":true,...} makes it answer 503`,
      stringValue: '{"fail":false}',
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Deep health of ${region}: reads its data stores and its fault switch`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.faultSwitch.parameterArn] }));

    const config: Record<string, unknown> = {
      region,
      cacheMs,
      deadlineMs: timeoutMs,
      checkTimeoutMs: timeoutMs,
      faultSwitchParameter: this.faultSwitch.parameterName,
    };
    if (props.dsql) {
      const arn = props.dsql.clusterArn;
      const identifier = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      config.dsql = { identifier, host: `${identifier}.dsql.${region}.on.aws`, roleName: dsqlRole };
      // GetCluster for the state, DbConnect (not DbConnectAdmin) for the connect: this cluster only.
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dsql:GetCluster', 'dsql:DbConnect'], resources: [arn] }));
    }
    if (props.dynamoDbTables?.length) {
      config.dynamodb = props.dynamoDbTables.map((t) => ({ tableName: t.table.tableName, key: probeKey(t) }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: props.dynamoDbTables.map((t) => t.table.tableArn) }));
      for (const t of props.dynamoDbTables) {
        // Reading a table under a customer-managed key decrypts through DynamoDB in this Region.
        const key = t.table.encryptionKey;
        if (key) {
          role.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
          }));
        }
      }
    }
    if (props.aurora) {
      config.aurora = { host: props.aurora.host, port: props.aurora.port ?? 5432, database: props.aurora.databaseName ?? 'postgres', secretArn: props.aurora.secret.secretArn };
      // GetSecretValue on this secret, and kms:Decrypt on its key through Secrets Manager when it has one.
      props.aurora.secret.grantRead(role);
    }

    this.function = new lambda.Function(this, 'Function', {
      code: handlerCode('deep-health'),
      handler: 'index.handler',
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      description: `Deep health of ${region}: 200 or 503 from live checks of its data stores`,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        DEEP_HEALTH_CONFIG: Stack.of(this).toJsonString(config),
        // Node.js 20 and later runtimes do not load the Amazon RDS certificate authorities unless
        // NODE_EXTRA_CA_CERTS names them (Lambda Developer Guide, "Building Lambda functions with
        // Node.js", certificates); the Aurora check verifies the server's certificate.
        ...(props.aurora ? { NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' } : {}),
      },
      ...(props.aurora ? { vpc: props.aurora.vpc, vpcSubnets: props.aurora.vpcSubnets, securityGroups: props.aurora.securityGroups } : {}),
    });
    if (props.aurora) {
      // The VPC execution role's ENI actions need '*' (Lambda Developer Guide, "Giving Lambda functions access to a VPC").
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }));
      Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5', reason: 'Lambda\'s VPC network-interface actions accept only resource *.' });
    } else {
      acknowledgeLambdaOutsideVpc(this.function, 'the deep-health check reaches DSQL, DynamoDB, SSM and their public endpoints; it runs in a VPC only to reach an Aurora endpoint.');
    }
    Validations.of(this.function).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason: 'The only grant is lambda:InvokeFunction to elasticloadbalancing.amazonaws.com, added by aws-cdk-lib\'s LambdaTarget; '
        + 'the function answers healthy or unhealthy and nothing else.',
    });

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      targetType: elbv2.TargetType.LAMBDA,
      targets: [new elbv2targets.LambdaTarget(this.function)],
      // Health checks are off by default for Lambda targets; on, target health is deep health.
      healthCheck: {
        enabled: true,
        path: this.path,
        interval,
        timeout: hcTimeout,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: unhealthyThreshold,
        healthyHttpCodes: '200',
      },
    });
    if (props.listener) {
      new elbv2.ApplicationListenerRule(this, 'Rule', {
        listener: props.listener,
        priority: props.priority ?? 1,
        conditions: [elbv2.ListenerCondition.pathPatterns([this.path])],
        action: elbv2.ListenerAction.forward([this.targetGroup]),
      });
    }
    const timing: DeepHealthTiming = {
      cacheSeconds: cacheMs / 1000,
      timeoutSeconds: timeoutMs / 1000,
      source: `${this.node.path} (DeepHealthEndpoint cacheTime ${cacheMs / 1000} s, timeout ${timeoutMs / 1000} s)`,
    };
    ENDPOINTS.set(this.url, timing);
    TARGET_GROUPS.set(this.targetGroup.node.defaultChild as elbv2.CfnTargetGroup, timing);
  }
}

/** ELB's limits for a Lambda target's health check (ELB API Reference, CreateTargetGroup). */
function checkTargetHealth(id: string, interval: number, timeout: number, threshold: number): void {
  if (Token.isUnresolved(interval) || Token.isUnresolved(timeout)) return;
  if (interval < 5 || interval > 300) {
    throw new Error(`DeepHealthEndpoint '${id}': healthCheckInterval is ${interval} s; ELB accepts 5 to 300 s.`);
  }
  if (timeout < 2 || timeout > 120 || timeout >= interval) {
    throw new Error(`DeepHealthEndpoint '${id}': healthCheckTimeout is ${timeout} s; ELB accepts 2 to 120 s, less than the interval (${interval} s).`);
  }
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > 10) {
    throw new Error(`DeepHealthEndpoint '${id}': unhealthyThreshold is ${threshold}; ELB accepts an integer from 2 to 10.`);
  }
}

/** A key of the table's schema that the check reads (it need not exist: a miss is still an answer). */
function probeKey(t: DeepHealthDynamoDbCheck): Record<string, Record<string, string>> {
  const value = (type: dynamodb.AttributeType | undefined): Record<string, string> => {
    switch (type ?? dynamodb.AttributeType.STRING) {
      case dynamodb.AttributeType.NUMBER: return { N: '0' };
      case dynamodb.AttributeType.BINARY: return { B: Buffer.from('mrcdk-deep-health').toString('base64') };
      default: return { S: 'mrcdk-deep-health' };
    }
  };
  return {
    [t.partitionKeyName]: value(t.partitionKeyType),
    ...(t.sortKeyName ? { [t.sortKeyName]: value(t.sortKeyType) } : {}),
  };
}
