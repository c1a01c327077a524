import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Options of a log bucket. */
export interface LogBucketOptions {
  /** Where the bucket's own server access logs go; undefined for the access-log bucket itself. */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** Prefix of this bucket's server access logs in `serverAccessLogsBucket`. */
  readonly serverAccessLogsPrefix?: string;
  /** Days after which objects (and noncurrent versions) expire. */
  readonly expiration: Duration;
  /** What happens to the bucket when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** Why the bucket is encrypted with S3-managed keys (the writer accepts nothing else). */
  readonly sseS3Reason: string;
}

/**
 * A bucket that receives logs written by an AWS service that only accepts S3-managed
 * encryption (Elastic Load Balancing access logs, S3 server access logs): SSE-S3, TLS only,
 * public access blocked, ACLs off, versioned with a lifecycle, its own access logged to
 * `serverAccessLogsBucket` when given. The AWS Control Tower and cdk-nag findings that such a
 * bucket cannot avoid are acknowledged on it with the reason.
 */
export function newLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{
      expiration: options.expiration,
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
    removalPolicy: options.removalPolicy,
  });
  if (options.serverAccessLogsBucket) logAccessTo(bucket, options.serverAccessLogsBucket, options.serverAccessLogsPrefix ?? `${id}/`);
  Validations.of(bucket).acknowledge(
    { id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', reason: `CT.S3.PR.10: ${options.sseS3Reason}` },
    {
      id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
      reason: 'CT.S3.PR.4: a log bucket that only AWS services write to; nothing consumes object events.',
    },
    {
      id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: 'CT.S3.PR.9: operational logs with a lifecycle expiry; the immutable record is the CloudTrail bucket '
        + '(RegionalAuditTrail), which has Object Lock in compliance mode.',
    },
  );
  if (!options.serverAccessLogsBucket) {
    Validations.of(bucket).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-S1', reason: 'This bucket receives the server access logs of the other buckets; logging it into itself would loop.' },
      { id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason: 'CT.S3.PR.2: this bucket is the server access log target of the other buckets; logging it into itself would loop.' },
    );
  }
  return bucket;
}

/**
 * Sends `bucket`'s server access logs to `target` with a bucket policy for the S3 logging
 * service (not the LogDeliveryWrite ACL, which needs ACLs on: Control Tower CT.S3.PR.5), as
 * Amazon S3 User Guide "Enabling Amazon S3 server access logging" documents
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
 */
export function logAccessTo(bucket: s3.Bucket, target: s3.IBucket, prefix: string): void {
  const stack = Stack.of(bucket);
  target.addToResourcePolicy(new iam.PolicyStatement({
    sid: `ServerAccessLogsOf${Names.uniqueId(bucket).slice(-40)}`,
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': stack.account } },
  }));
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
}
