import { AppModel, KeyInfo } from './model';
import { Caller, asArray } from './simulate';

/** One request an AWS service makes for a resource of the app, from the service's AWS page. */
export interface PrincipalCheck {
  readonly subject: string;
  /** The service principal (resource policies name it); unused when `caller` is set. */
  readonly principal: string;
  readonly account: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly because: string;
  readonly key?: KeyInfo;
  /** A role the service assumes (evaluated with its identity policies) instead of the service principal. */
  readonly caller?: Caller;
  /** Only identity policies decide (the resource has no resource policy of its own, e.g. a log group). */
  readonly identityOnly?: boolean;
  /** The caller is the deploying administrator: only the key policy's gate is under test. */
  readonly keyPolicyGate?: boolean;
}

/** What each service needs, and the AWS page that lists it. */
export const SERVICE_PAGES = {
  cloudtrailKms: 'CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail" (GenerateDataKey* with kms:EncryptionContext:aws:cloudtrail:arn and aws:SourceArn; DescribeKey; Decrypt "required to create or update a trail" when the bucket uses an S3 Bucket Key) https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
  cloudtrailS3: 'CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" (s3:GetBucketAcl on the bucket; s3:PutObject on AWSLogs/<account>/* with s3:x-amz-acl bucket-owner-full-control; aws:SourceArn) https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  cloudtrailLogs: 'CloudTrail User Guide, "Sending events to CloudWatch Logs" (the role CloudTrail assumes needs logs:CreateLogStream and logs:PutLogEvents on log-stream <account>_CloudTrail_<Region>*) https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html',
  alarmsTopic: 'SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics" (cloudwatch.amazonaws.com needs kms:GenerateDataKey* and kms:Decrypt on the topic\'s key) and "Amazon SNS access control" (sns:Publish in the topic policy) https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
  logs: 'CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service" (logs.<Region>.amazonaws.com: kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* with kms:EncryptionContext:aws:logs:arn) https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  dynamodbReplication: 'AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS" (DynamoDB "requires the permission to be independent of any particular AWS Region so it can make cross-Region calls to support DynamoDB global tables": kms:ViaService dynamodb.*.amazonaws.com) https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html',
  secretsReplication: 'Secrets Manager User Guide, "Replicate an AWS Secrets Manager secret to other AWS Regions" and "Secret encryption and decryption" (replication decrypts with the primary key and encrypts with the replica Region\'s key, through Secrets Manager in each Region) https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html',
  stepFunctions: 'Step Functions Developer Guide, "Invoke an AWS Lambda function with Step Functions" and "IAM policies for Lambda tasks" (lambda:InvokeFunction on each function the definition calls) https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html',
};

/** The deploying identity, an administrator: these checks test the key policy's gate alone. */
function deployer(account: string): Caller {
  return {
    name: `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role (administrator, as cdk bootstrap makes it)`,
    principal: `arn:aws:sts::${account}:assumed-role/cdk-hnb659fds-cfn-exec-role-${account}/AWSCloudFormation`,
    account,
    identityPolicies: [{ name: 'AdministratorAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
    boundaries: [],
  };
}

function ref(model: AppModel, r: { stack: any; logicalId: string }, attribute = 'Ref'): string {
  return model.resolver.resolve(r.stack, attribute === 'Ref' ? { Ref: r.logicalId } : { 'Fn::GetAtt': [r.logicalId, attribute] }) as string;
}

/** Every request an AWS service principal makes for the app's trails, topics, log groups, replicas and state machines. */
export function servicePrincipalChecks(model: AppModel): PrincipalCheck[] {
  const checks: PrincipalCheck[] = [];
  for (const r of model.resources) {
    const { account, region } = r.stack;
    const subject = `${r.stack.stackName}/${r.logicalId}`;
    if (r.type === 'AWS::CloudTrail::Trail') {
      const trailArn = ref(model, r, 'Arn');
      const bucket = r.props.S3BucketName;
      const source = { 'aws:SourceArn': trailArn, 'aws:SourceAccount': account };
      const base = { subject: `${subject} (CloudTrail)`, principal: 'cloudtrail.amazonaws.com', account };
      checks.push({ ...base, action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${bucket}`, context: source, because: SERVICE_PAGES.cloudtrailS3 });
      checks.push({ ...base, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/CloudTrail/${region}/2026/01/01/x.json.gz`, context: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' }, because: SERVICE_PAGES.cloudtrailS3 });
      const key = r.props.KMSKeyId ? model.keyOf(r.props.KMSKeyId, region) : undefined;
      if (key) {
        const encryption = { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn, 'kms:EncryptionContextKeys': ['aws:cloudtrail:arn'] };
        checks.push({ ...base, key, action: 'kms:GenerateDataKey', resource: key.arn, context: { ...source, ...encryption }, because: SERVICE_PAGES.cloudtrailKms });
        checks.push({ ...base, key, action: 'kms:DescribeKey', resource: key.arn, context: source, because: SERVICE_PAGES.cloudtrailKms });
        const bucketResource = model.resources.find((b) => b.type === 'AWS::S3::Bucket' && ref(model, b) === bucket);
        if (bucketResource?.props.BucketEncryption?.ServerSideEncryptionConfiguration?.some((c: any) => c.BucketKeyEnabled)) {
          checks.push({ ...base, key, action: 'kms:Decrypt', resource: key.arn, context: source, because: `the bucket uses an S3 Bucket Key: ${SERVICE_PAGES.cloudtrailKms}` });
        }
      }
      const roleArn = r.props.CloudWatchLogsRoleArn;
      const role = roleArn ? model.roles.get(roleArn) : undefined;
      if (role && r.props.CloudWatchLogsLogGroupArn) {
        const group = String(r.props.CloudWatchLogsLogGroupArn).replace(/:\*$/, '');
        const caller: Caller = { name: role.arn, principal: `arn:aws:sts::${account}:assumed-role/${role.name}/CloudTrail`, account, identityPolicies: role.policies, boundaries: role.boundaries };
        for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
          checks.push({ ...base, caller, identityOnly: true, action, resource: `${group}:log-stream:${account}_CloudTrail_${region}`, context: { 'aws:SecureTransport': 'true' }, because: SERVICE_PAGES.cloudtrailLogs });
        }
      }
    }
    if (r.type === 'AWS::CloudWatch::Alarm' || r.type === 'AWS::CloudWatch::CompositeAlarm') {
      const alarmArn = ref(model, r, 'Arn');
      const topics = new Set<string>([...asArray(r.props.AlarmActions), ...asArray(r.props.OKActions), ...asArray(r.props.InsufficientDataActions)].filter((a: any) => String(a).startsWith('arn:aws:sns:')) as string[]);
      for (const topicArn of topics) {
        const topic = model.resources.find((t) => t.type === 'AWS::SNS::Topic' && ref(model, t) === topicArn);
        if (!topic) continue;
        const base = { subject: `${subject} (CloudWatch alarm actions)`, principal: 'cloudwatch.amazonaws.com', account };
        const context = { 'aws:SourceArn': alarmArn, 'aws:SourceAccount': account };
        checks.push({ ...base, action: 'sns:Publish', resource: topicArn, context, because: SERVICE_PAGES.alarmsTopic });
        const key = topic.props.KmsMasterKeyId ? model.keyOf(topic.props.KmsMasterKeyId, topic.stack.region) : undefined;
        if (key) {
          const encryption = { 'kms:EncryptionContext:aws:sns:topicArn': topicArn, 'kms:EncryptionContextKeys': ['aws:sns:topicArn'] };
          for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) checks.push({ ...base, key, action, resource: key.arn, context: { ...context, ...encryption }, because: SERVICE_PAGES.alarmsTopic });
        }
      }
    }
    if (r.type === 'AWS::Logs::LogGroup' && r.props.KmsKeyId) {
      const key = model.keyOf(r.props.KmsKeyId, region);
      if (!key) continue;
      const groupArn = `arn:aws:logs:${region}:${account}:log-group:${ref(model, r)}`;
      const base = { subject: `${subject} (CloudWatch Logs)`, principal: `logs.${region}.amazonaws.com`, account, key };
      // kms:Describe* is in the page's statement too, under the same encryption-context condition,
      // which a DescribeKey request (no context) can never meet: Logs does not depend on it.
      for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey']) {
        checks.push({ ...base, action, resource: key.arn, context: { 'kms:EncryptionContext:aws:logs:arn': groupArn, 'kms:EncryptionContextKeys': ['aws:logs:arn'] }, because: SERVICE_PAGES.logs });
      }
    }
    if (r.type === 'AWS::DynamoDB::GlobalTable') {
      const replicas = (r.props.Replicas ?? []).filter((x: any) => x.SSESpecification?.KMSMasterKeyId);
      for (const replica of replicas) {
        const key = model.keyOf(replica.SSESpecification.KMSMasterKeyId, replica.Region);
        if (!key) continue;
        for (const other of (r.props.Replicas ?? []).filter((x: any) => x.Region !== replica.Region)) {
          for (const action of ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey']) {
            checks.push({
              subject: `${subject} (DynamoDB replication ${other.Region} -> ${replica.Region})`, principal: '', account, key, caller: deployer(account), keyPolicyGate: true, action, resource: key.arn,
              context: { 'kms:ViaService': `dynamodb.${other.Region}.amazonaws.com`, 'kms:CallerAccount': account, 'aws:ViaAWSService': 'true', ...(action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}) },
              because: SERVICE_PAGES.dynamodbReplication,
            });
          }
        }
      }
    }
    if (r.type === 'AWS::SecretsManager::Secret' && (r.props.ReplicaRegions ?? []).length > 0) {
      const secretArn = ref(model, r);
      const primaryKey = r.props.KmsKeyId ? model.keyOf(r.props.KmsKeyId, region) : undefined;
      const base = { subject: `${subject} (Secrets Manager replication)`, principal: '', account, caller: deployer(account), keyPolicyGate: true, because: SERVICE_PAGES.secretsReplication };
      const ctx = (via: string, arn: string) => ({ 'kms:ViaService': `secretsmanager.${via}.amazonaws.com`, 'kms:CallerAccount': account, 'aws:ViaAWSService': 'true', 'kms:EncryptionContext:SecretARN': arn, 'kms:EncryptionContextKeys': ['SecretARN', 'SecretVersionId'] });
      if (primaryKey) checks.push({ ...base, key: primaryKey, action: 'kms:Decrypt', resource: primaryKey.arn, context: ctx(region, secretArn) });
      for (const replica of r.props.ReplicaRegions) {
        const key = replica.KmsKeyId ? model.keyOf(replica.KmsKeyId, replica.Region) : undefined;
        const replicaArn = secretArn.replace(`:${region}:`, `:${replica.Region}:`);
        if (key) checks.push({ ...base, subject: `${base.subject} to ${replica.Region}`, key, action: 'kms:GenerateDataKey', resource: key.arn, context: ctx(replica.Region, replicaArn) });
      }
    }
    if (r.type === 'AWS::StepFunctions::StateMachine') {
      const role = model.roles.get(r.props.RoleArn);
      if (!role) continue;
      const caller: Caller = { name: role.arn, principal: `arn:aws:sts::${account}:assumed-role/${role.name}/states`, account, identityPolicies: role.policies, boundaries: role.boundaries };
      for (const fn of lambdaTasks(JSON.parse(r.props.DefinitionString))) {
        const functionArn = fn.startsWith('arn:') ? fn.replace(/:(\$LATEST|\d+)$/, '') : `arn:aws:lambda:${region}:${account}:function:${fn}`;
        checks.push({ subject: `${subject} (Step Functions)`, principal: '', account, caller, identityOnly: true, action: 'lambda:InvokeFunction', resource: functionArn, context: { 'aws:SecureTransport': 'true' }, because: SERVICE_PAGES.stepFunctions });
      }
    }
  }
  return checks;
}

/** Function ARNs or names of every Lambda task of a state machine definition (nested Parallel and Map states included). */
export function lambdaTasks(definition: any): string[] {
  const out = new Set<string>();
  const walk = (states: Record<string, any>) => {
    for (const state of Object.values(states ?? {})) {
      if (state.Type === 'Task') {
        if (String(state.Resource).startsWith('arn:aws:lambda:')) out.add(state.Resource);
        else if (String(state.Resource).startsWith('arn:aws:states:::lambda:invoke')) {
          const name = state.Parameters?.FunctionName ?? state.Arguments?.FunctionName;
          if (typeof name === 'string' && !name.includes('$')) out.add(name);
        }
      }
      for (const branch of state.Branches ?? []) walk(branch.States);
      if (state.Iterator) walk(state.Iterator.States);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
    }
  };
  walk(definition.States);
  return [...out];
}
