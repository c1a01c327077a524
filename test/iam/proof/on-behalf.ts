import { AppModel, FunctionInfo, KeyInfo } from './model';
import { AuthRequest, principalContext } from './requests';

/**
 * Calls AWS makes to KMS with the caller's credentials (forward access sessions) when the caller
 * reads or writes a resource encrypted under a customer-managed key, each with the `kms:ViaService`
 * and encryption context the service sends, from the service's AWS page.
 */
export const ON_BEHALF_PAGES = {
  secretsmanager: 'Secrets Manager API Reference, GetSecretValue ("If the secret is encrypted using a customer-managed key ... you also need kms:Decrypt permissions for that key") and User Guide, "Secret encryption and decryption in AWS Secrets Manager" (encryption context SecretARN and SecretVersionId; kms:ViaService secretsmanager.<Region>.amazonaws.com) https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html',
  dynamodb: 'AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS" (Decrypt of the table key on behalf of the principal accessing the table; encryption context aws:dynamodb:tableName and aws:dynamodb:subscriberId; kms:ViaService dynamodb.<Region>.amazonaws.com) https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html',
  s3: 'S3 User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)" (PutObject needs kms:GenerateDataKey, GetObject kms:Decrypt; encryption context aws:s3:arn, the object ARN, or the bucket ARN with an S3 Bucket Key: "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys") https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  sns: 'SNS Developer Guide, "Managing Amazon SNS encryption keys and costs" (publishers to an encrypted topic need kms:GenerateDataKey* and kms:Decrypt) https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html; encryption context aws:sns:topicArn (Amazon GameLift Servers FlexMatch Guide, "Set up an SNS topic with server-side encryption", whose key policy conditions on kms:EncryptionContext:aws:sns:topicArn)',
  sqs: 'SQS Developer Guide, "Amazon SQS key management" (producers need kms:GenerateDataKey and kms:Decrypt, consumers kms:Decrypt; encryption context aws:sqs:arn) https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html',
};

function kmsRequest(fn: FunctionInfo, key: KeyInfo, action: string, service: string, context: Record<string, string>, because: string): AuthRequest {
  const keys = Object.keys(context);
  return {
    action,
    resource: key.arn,
    key,
    because,
    context: {
      ...principalContext(fn, key.region),
      'aws:ViaAWSService': 'true',
      'kms:CallerAccount': fn.account,
      'kms:ViaService': `${service}.${key.region}.amazonaws.com`,
      ...(key.aliases.length > 0 ? { 'kms:ResourceAliases': key.aliases } : {}),
      ...Object.fromEntries(keys.map((k) => [`kms:EncryptionContext:${k}`, context[k]])),
      ...(keys.length > 0 ? { 'kms:EncryptionContextKeys': keys } : {}),
    },
  };
}

/** The KMS requests AWS makes on the caller's behalf for `request`, if its resource is under a customer-managed key of the app. */
export function onBehalfOf(model: AppModel, fn: FunctionInfo, request: AuthRequest): AuthRequest[] {
  const [service, operation] = request.action.split(':');
  const region = request.resource.split(':')[3] || fn.region;
  const out: AuthRequest[] = [];
  if (service === 'secretsmanager' && operation === 'GetSecretValue') {
    const name = request.resource.split(':')[6]?.replace(/-[A-Za-z0-9]{6}$/, '');
    const secret = model.resources.find((r) => r.type === 'AWS::SecretsManager::Secret'
      && (model.resolver.resolve(r.stack, { Ref: r.logicalId }) as string).split(':')[6]?.replace(/-[A-Za-z0-9]{6}$/, '') === name);
    if (secret) {
      const keyRef = secret.stack.region === region ? secret.props.KmsKeyId : secret.props.ReplicaRegions?.find((x: any) => x.Region === region)?.KmsKeyId;
      const key = keyRef ? model.keyOf(keyRef, region) : undefined;
      if (key) {
        out.push(kmsRequest(fn, key, 'kms:Decrypt', 'secretsmanager', { SecretARN: request.resource, SecretVersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE' },
          `Secrets Manager decrypts the secret for ${request.action}: ${ON_BEHALF_PAGES.secretsmanager}`));
      }
    }
  }
  if (service === 'dynamodb') {
    const tableName = request.resource.split(':table/')[1]?.split('/')[0];
    for (const t of model.resources.filter((r) => (r.type === 'AWS::DynamoDB::GlobalTable' || r.type === 'AWS::DynamoDB::Table'))) {
      const name = model.resolver.resolve(t.stack, { Ref: t.logicalId });
      if (name !== tableName) continue;
      const replica = t.type === 'AWS::DynamoDB::GlobalTable' ? (t.props.Replicas ?? []).find((r: any) => r.Region === region) : (t.stack.region === region ? t.props : undefined);
      const keyRef = t.type === 'AWS::DynamoDB::GlobalTable' ? replica?.SSESpecification?.KMSMasterKeyId : replica?.SSESpecification?.KMSMasterKeyId;
      const key = keyRef ? model.keyOf(keyRef, region) : undefined;
      if (key) {
        out.push(kmsRequest(fn, key, 'kms:Decrypt', 'dynamodb', { 'aws:dynamodb:tableName': tableName, 'aws:dynamodb:subscriberId': fn.account },
          `DynamoDB decrypts the table key for ${request.action}: ${ON_BEHALF_PAGES.dynamodb}`));
      }
    }
  }
  if (service === 's3' && (operation === 'GetObject' || operation === 'PutObject')) {
    const bucketName = request.resource.replace(/^arn:aws:s3:::/, '').split('/')[0];
    const bucket = model.resources.find((r) => r.type === 'AWS::S3::Bucket' && model.resolver.resolve(r.stack, { Ref: r.logicalId }) === bucketName);
    const rule = bucket?.props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0];
    const keyRef = rule?.ServerSideEncryptionByDefault?.SSEAlgorithm?.startsWith('aws:kms') ? rule.ServerSideEncryptionByDefault.KMSMasterKeyID : undefined;
    const key = keyRef && bucket ? model.keyOf(keyRef, bucket.stack.region) : undefined;
    if (key) {
      const arn = rule.BucketKeyEnabled ? `arn:aws:s3:::${bucketName}` : request.resource;
      out.push(kmsRequest(fn, key, operation === 'PutObject' ? 'kms:GenerateDataKey' : 'kms:Decrypt', 's3', { 'aws:s3:arn': arn },
        `S3 ${operation === 'PutObject' ? 'encrypts' : 'decrypts'} the object for ${request.action}: ${ON_BEHALF_PAGES.s3}`));
    }
  }
  if (service === 'sns' && operation === 'Publish') {
    const topic = model.resources.find((r) => r.type === 'AWS::SNS::Topic' && model.resolver.resolve(r.stack, { Ref: r.logicalId }) === request.resource);
    const key = topic?.props.KmsMasterKeyId ? model.keyOf(topic.props.KmsMasterKeyId, topic.stack.region) : undefined;
    if (key) {
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        out.push(kmsRequest(fn, key, action, 'sns', { 'aws:sns:topicArn': request.resource }, `SNS encrypts the message for ${request.action}: ${ON_BEHALF_PAGES.sns}`));
      }
    }
  }
  if (service === 'sqs' && (operation === 'SendMessage' || operation === 'ReceiveMessage')) {
    const queue = model.resources.find((r) => r.type === 'AWS::SQS::Queue' && model.resolver.resolve(r.stack, { 'Fn::GetAtt': [r.logicalId, 'Arn'] }) === request.resource);
    const key = queue?.props.KmsMasterKeyId ? model.keyOf(queue.props.KmsMasterKeyId, queue.stack.region) : undefined;
    if (key) {
      for (const action of operation === 'SendMessage' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt']) {
        out.push(kmsRequest(fn, key, action, 'sqs', { 'aws:sqs:arn': request.resource }, `SQS encrypts or decrypts the message for ${request.action}: ${ON_BEHALF_PAGES.sqs}`));
      }
    }
  }
  return out;
}
