import { AppModel, FunctionInfo, KeyInfo } from './model';
import { RecordedCall } from './recorder';

/** One request IAM authorizes: an action on a resource, as a principal, with the request's context. */
export interface AuthRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  /** What made the request: the SDK call, or the AWS page saying AWS makes it on the caller's behalf. */
  readonly because: string;
  /** The key, when the resource is a KMS key (its policy is the resource policy). */
  readonly key?: KeyInfo;
}

const PREFIX: Record<string, string> = {
  CloudWatch: 'cloudwatch', DSQL: 'dsql', DynamoDB: 'dynamodb', GlobalAccelerator: 'globalaccelerator', Route53: 'route53',
  S3: 's3', SecretsManager: 'secretsmanager', SFN: 'states', SSM: 'ssm', SNS: 'sns', SQS: 'sqs', Lambda: 'lambda', KMS: 'kms',
};

/** Operations whose IAM action is not named like the operation (Service Authorization Reference). */
const ACTION_OF: Record<string, string> = { 's3:HeadObject': 's3:GetObject', 's3:ListObjectsV2': 's3:ListBucket', 's3:HeadBucket': 's3:ListBucket' };

/** The IAM action of an SDK call. */
export function actionOf(call: Pick<RecordedCall, 'service' | 'operation'>): string {
  const prefix = PREFIX[call.service];
  if (!prefix) throw new Error(`no IAM service prefix for SDK client '${call.service}'; add it to PREFIX in test/iam/proof/requests.ts.`);
  const action = `${prefix}:${call.operation}`;
  return ACTION_OF[action] ?? action;
}

/** Actions whose calls target no ARN (the Service Authorization Reference lists no required resource type). */
const WILDCARD_OK = new Set(['cloudwatch:PutMetricData', 'cloudwatch:GetMetricData', 'route53:TestDNSAnswer']);

/**
 * The resource ARNs an SDK call targets, from its input (the resource types of each action in the
 * Service Authorization Reference). '*' for actions that take no resource.
 */
function resourcesOf(model: AppModel, call: RecordedCall, account: string, action: string): string[] {
  const { region, input } = call;
  switch (action) {
    case 'cloudwatch:DescribeAlarms':
      return (input.AlarmNames ?? []).length > 0 ? input.AlarmNames.map((n: string) => `arn:aws:cloudwatch:${region}:${account}:alarm:${n}`) : ['*'];
    case 'dsql:GetCluster': case 'dsql:UpdateCluster': case 'dsql:DeleteCluster':
      return [`arn:aws:dsql:${region}:${account}:cluster/${input.identifier}`];
    case 'dsql:DbConnect': case 'dsql:DbConnectAdmin':
      return [`arn:aws:dsql:${region}:${account}:cluster/${String(input.hostname).split('.')[0]}`];
    case 'dynamodb:GetItem': case 'dynamodb:PutItem': case 'dynamodb:DeleteItem': case 'dynamodb:UpdateItem': case 'dynamodb:Query':
      return [String(input.TableName).startsWith('arn:') ? input.TableName : `arn:aws:dynamodb:${region}:${account}:table/${input.TableName}`];
    case 'globalaccelerator:DescribeEndpointGroup': case 'globalaccelerator:UpdateEndpointGroup':
      return [input.EndpointGroupArn];
    case 'globalaccelerator:DescribeAccelerator':
      return [input.AcceleratorArn];
    case 'route53:GetHealthCheck': case 'route53:UpdateHealthCheck':
      return [`arn:aws:route53:::healthcheck/${input.HealthCheckId}`];
    case 'route53:ChangeResourceRecordSets':
      return [`arn:aws:route53:::hostedzone/${input.HostedZoneId}`];
    case 's3:GetObject': case 's3:PutObject':
      return [`arn:aws:s3:::${input.Bucket}/${input.Key}`];
    case 's3:ListBucket':
      return [`arn:aws:s3:::${input.Bucket}`];
    case 'secretsmanager:GetSecretValue': case 'secretsmanager:DescribeSecret':
      return [secretArn(model, String(input.SecretId), region, account)];
    case 'states:ListExecutions': case 'states:StartExecution':
      return [input.stateMachineArn];
    case 'states:DescribeExecution': case 'states:StopExecution':
      return [input.executionArn];
    // Service Authorization Reference, AWS Systems Manager: parameter ARNs are
    // arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>. The library's
    // parameters are String ones, which Parameter Store does not encrypt (only SecureString values
    // are under a KMS key: Systems Manager User Guide, "Parameter Store reference" and "Restricting
    // decryption of SecureString parameter values"), so they add no KMS request on the caller's behalf.
    case 'ssm:GetParameter': case 'ssm:PutParameter': case 'ssm:DeleteParameter':
      return [parameterArn(String(input.Name), region, account)];
    case 'ssm:GetParameters':
      return (input.Names ?? []).map((n: string) => parameterArn(n, region, account));
    case 'sns:Publish':
      return [input.TopicArn];
    case 'sqs:SendMessage': case 'sqs:ReceiveMessage': case 'sqs:DeleteMessage': {
      const m = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(String(input.QueueUrl));
      return [m ? `arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}` : '*'];
    }
    default:
      // An action with a resource type the table above does not know would be simulated on '*'
      // and look wildcard-only: name it so that the next handler's call gets its ARN.
      if (!WILDCARD_OK.has(action)) throw new Error(`${action}: which resource does it target? Add it to resourcesOf in test/iam/proof/requests.ts.`);
      return ['*'];
  }
}

function parameterArn(name: string, region: string, account: string): string {
  if (name.startsWith('arn:')) return name;
  return `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`;
}

/**
 * The full ARN of the secret a SecretId names (an ARN, a partial ARN without the random suffix, or
 * a name), as IAM sees it: Secrets Manager authorizes the secret's full ARN. A replica's ARN is
 * the primary's with the replica's Region.
 */
function secretArn(model: AppModel, id: string, region: string, account: string): string {
  const name = id.startsWith('arn:') ? id.split(':').slice(6).join(':') : id;
  for (const secret of model.resources.filter((r) => r.type === 'AWS::SecretsManager::Secret')) {
    const arn = model.resolver.resolve(secret.stack, { Ref: secret.logicalId }) as string;
    const full = arn.split(':').slice(6).join(':');
    if (full === name || full.replace(/-[A-Za-z0-9]{6}$/, '') === name) return arn.replace(/^arn:aws:secretsmanager:[^:]+:/, `arn:aws:secretsmanager:${region}:`);
  }
  return id.startsWith('arn:') ? id : `arn:aws:secretsmanager:${region}:${account}:secret:${id}`;
}

/** Request context every call of a Lambda function's role carries (IAM User Guide, "AWS global condition context keys"). */
export function principalContext(fn: Pick<FunctionInfo, 'account' | 'roleArn'>, region: string): Record<string, string> {
  return {
    'aws:PrincipalAccount': fn.account,
    'aws:PrincipalArn': fn.roleArn,
    'aws:PrincipalIsAWSService': 'false',
    'aws:RequestedRegion': region,
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
  };
}

/** The IAM request(s) of one recorded SDK call. */
export function requestsOf(model: AppModel, fn: FunctionInfo, call: RecordedCall, resourceArns?: (action: string) => string[]): AuthRequest[] {
  const action = actionOf(call);
  const context: Record<string, string> = { ...principalContext(fn, call.region) };
  if (action === 'cloudwatch:PutMetricData' && call.input.Namespace) context['cloudwatch:namespace'] = call.input.Namespace;
  const resources = resourceArns?.(action) ?? resourcesOf(model, call, fn.account, action);
  return resources.map((resource) => ({ action, resource, context, because: `${call.service}.${call.operation} in ${call.region}` }));
}
