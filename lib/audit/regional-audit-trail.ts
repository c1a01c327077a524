import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataClass } from '../compliance/data-class';
import { DataResidency } from '../compliance/data-residency';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { validationError } from '../private/errors';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { logAccessTo, newLogBucket } from './private/log-bucket';

/**
 * Properties of a `RegionalAuditTrail`.
 */
export interface RegionalAuditTrailProps {
  /** The app's Regions and stacks; each active Region gets its own trail in its own stack. */
  readonly topology: IMultiRegionTopology;

  /**
   * How long every log file stays immutable (S3 Object Lock in compliance mode: nobody, the
   * root user included, can delete or overwrite it before then). 1 to 36500 days.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;

  /**
   * The data-event resource types recorded besides management events, as CloudTrail names them
   * in advanced event selectors (`resources.type`). The default covers the data stores this
   * library builds where CloudTrail offers data events: DynamoDB tables (item-level API calls)
   * and Aurora DSQL clusters (authenticated connection attempts).
   * @default ['AWS::DynamoDB::Table', 'AWS::DSQL::Cluster']
   */
  readonly dataEventResourceTypes?: string[];

  /**
   * Retention of the trail's CloudWatch Logs copy (AWS Control Tower CT.CLOUDTRAIL.PR.3 asks
   * for one; CT.CLOUDWATCH.PR.2 for at least a year). The S3 copy is the immutable record.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logGroupRetention?: logs.RetentionDays;

  /**
   * What happens to the buckets when they leave the stack. Object Lock still keeps each log
   * file until its retention ends, whatever the policy.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The pieces of one Region's trail. */
export interface RegionalTrailResources {
  /** The trail, recording this Region's events only. */
  readonly trail: cloudtrail.Trail;
  /** The Object Lock bucket of the log files, encrypted with the Region's key. */
  readonly bucket: s3.IBucket;
  /** The bucket receiving the server access logs of the trail bucket. */
  readonly accessLogsBucket: s3.IBucket;
}

/** The CloudTrail `resources.type` values of this library's data stores. */
const DEFAULT_DATA_EVENT_TYPES = ['AWS::DynamoDB::Table', 'AWS::DSQL::Cluster'];
const RESOURCE_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;

/**
 * An audit trail per active Region: a single-Region CloudTrail trail (management events, and data
 * events of the data stores) writing into an S3 bucket of that same Region, with
 *
 * - S3 Object Lock in compliance mode for `retention` (immutable log files),
 * - log file integrity validation on (hourly signed digest files),
 * - encryption with the Region's `RegionalKey` (its key policy lets CloudTrail of this Region use it),
 * - server access logs of the bucket into a second bucket, TLS-only access to both,
 * - a CloudWatch Logs copy in a log group encrypted with the same key.
 *
 * Each Region's audit logs are tagged as data of that Region (`DataClass.auditLogsOf(region)`),
 * so a `DataResidencyGuard` fails synth if they would live in, or be copied to, another Region.
 *
 * Sources: AWS CloudTrail User Guide, "Creating a trail", "Validating CloudTrail log file
 * integrity", "Configure AWS KMS key policies for CloudTrail"; Amazon S3 User Guide, "Locking
 * objects with Object Lock" (compliance mode).
 */
export class RegionalAuditTrail extends Construct {
  /** The Regions with a trail, in the order of the topology's active Regions. */
  public readonly regions: string[];
  private readonly byRegion = new Map<string, RegionalTrailResources>();

  constructor(scope: Construct, id: string, props: RegionalAuditTrailProps) {
    super(scope, id);
    const topology = props.topology;
    const retentionDays = (props.retention ?? Duration.days(365)).toDays();
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 36500) {
      throw validationError('InvalidAuditRetention', `RegionalAuditTrail '${id}': retention of ${retentionDays} days is not valid; `
        + 'S3 Object Lock takes a whole number of days from 1 to 36500.', this);
    }
    const types = props.dataEventResourceTypes ?? DEFAULT_DATA_EVENT_TYPES;
    for (const type of types) {
      if (!RESOURCE_TYPE.test(type)) {
        throw validationError('InvalidDataEventType', `RegionalAuditTrail '${id}': data event resource type '${type}' is not valid; `
          + "use CloudTrail's resources.type form, for example 'AWS::DynamoDB::Table'.", this);
      }
    }
    this.regions = [...topology.activeRegions];
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    for (const [i, region] of this.regions.entries()) {
      const stack = topology.regionalStack(region);
      const key = topology.regionalKey(region);
      if (key instanceof RegionalKey) {
        key.allowService(KeyService.CLOUDTRAIL);
        // Readers fetch the log files through S3, which decrypts them with the key on their behalf.
        key.allowService(KeyService.of('s3'));
        key.allowService(KeyService.CLOUDWATCH_LOGS);
      }
      const scopeInRegion = new Construct(stack, id);
      const accessLogsBucket = newLogBucket(scopeInRegion, 'AccessLogs', {
        expiration: Duration.days(Math.max(retentionDays, 365)),
        removalPolicy,
        sseS3Reason: 'the server access log target bucket of the audit bucket; S3 server access logging writes with S3-managed keys (SSE-S3) only.',
      });
      const bucket = new s3.Bucket(scopeInRegion, 'Bucket', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        objectLockEnabled: true,
        objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(retentionDays)),
        // Versions expire only after their Object Lock retention (S3 refuses earlier deletes anyway).
        lifecycleRules: [{
          expiration: Duration.days(retentionDays + 1),
          noncurrentVersionExpiration: Duration.days(retentionDays + 1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        }],
        removalPolicy,
      });
      logAccessTo(bucket, accessLogsBucket, 'audit-bucket/');
      Validations.of(bucket).acknowledge({
        id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        reason: 'CT.S3.PR.4: only CloudTrail writes to the audit bucket; nothing consumes its object events (the trail\'s CloudWatch Logs copy is the live feed).',
      });

      const logGroup = new logs.LogGroup(scopeInRegion, 'Logs', {
        retention: props.logGroupRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: key,
        removalPolicy,
      });
      const trail = new cloudtrail.Trail(scopeInRegion, 'Trail', {
        bucket,
        encryptionKey: key,
        enableFileValidation: true,
        isMultiRegionTrail: false,
        // IAM, STS and other global services are recorded once, by the first active Region's trail.
        includeGlobalServiceEvents: i === 0,
        sendToCloudWatchLogs: true,
        cloudWatchLogGroup: logGroup,
      });
      const cfnTrail = trail.node.defaultChild as cloudtrail.CfnTrail;
      // Advanced event selectors: every management event, and data events of the data stores
      // (AWS CloudTrail User Guide, "Logging data events", advanced event selectors).
      cfnTrail.advancedEventSelectors = [
        { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        ...types.map((type) => ({
          name: `Data events of ${type}`,
          fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: [type] }],
        })),
      ];
      cfnTrail.addPropertyDeletionOverride('EventSelectors');

      // Each Region's audit logs are data of that Region.
      DataResidency.tag(scopeInRegion, DataClass.auditLogsOf(region));
      this.byRegion.set(region, { trail, bucket, accessLogsBucket });
    }
  }

  /** The trail, its bucket and its access-log bucket in `region`. */
  public trailOf(region: string): RegionalTrailResources {
    const resources = this.byRegion.get(region);
    if (!resources) {
      throw validationError('NoTrailInRegion', `'${region}' has no audit trail in ${this.node.path}; Regions with one: ${this.regions.join(', ')}.`, this);
    }
    return resources;
  }

  /** The stack of `region`'s trail. */
  public stackOf(region: string): Stack {
    return Stack.of(this.trailOf(region).trail);
  }
}
