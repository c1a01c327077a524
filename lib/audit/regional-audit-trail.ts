import { Annotations, AspectPriority, Aspects, Duration, IAspect, RemovalPolicy, Stack, Stage, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { DataClass } from '../compliance/data-class';
import { DataResidency } from '../compliance/data-residency';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { validationError } from '../private/errors';
import { RegionEvacuationDrill } from '../gameday/region-evacuation-drill';
import { RegionSwitchPlan } from '../gameday/region-switch-plan';
import { AcceleratorRouting } from '../routing/accelerator-routing';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { partitionOfStack } from '../topology/regions';
import { logAccessTo, newLogBucket } from './private/log-bucket';

/**
 * Where IAM, STS and CloudFront events are recorded. CloudTrail records them in us-east-1 only
 * (since 2021-11-22): "events created by Amazon CloudFront, AWS Identity and Access Management,
 * and AWS STS are recorded in the Region in which they were created, the US East (N. Virginia)
 * Region, us-east-1" (AWS CloudTrail User Guide, "Using the update-trail command to update a
 * trail"), so a single-Region trail elsewhere never sees them.
 */
export enum GlobalServiceEvents {
  /**
   * A trail whose home is us-east-1 records them: the us-east-1 trail when us-east-1 is an
   * active Region, else a trail in the topology's global stack (us-east-1). Residency: these
   * events (who signed in, which role was assumed, IAM changes) are stored in us-east-1.
   */
  US_EAST_1 = 'US_EAST_1',
  /**
   * The first active Region's trail is a multi-Region trail: it records the events of every
   * Region, the global ones included, into the first active Region's bucket. Nothing is stored
   * in us-east-1, but every Region's management events are copied into the first Region.
   */
  MULTI_REGION_TRAIL = 'MULTI_REGION_TRAIL',
  /**
   * Not recorded by this construct (an organization trail records them, for example). Synth
   * warns, since an audit without IAM and STS events misses every sign-in and role assumption.
   */
  NOT_RECORDED = 'NOT_RECORDED',
}

/**
 * Properties of a `RegionalAuditTrail`.
 */
export interface RegionalAuditTrailProps {
  /** The app's Regions and stacks; each active Region gets its own trail in its own stack. */
  readonly topology: IMultiRegionTopology;

  /**
   * How long every log file stays immutable (S3 Object Lock in compliance mode: nobody, the
   * root user included, can delete or overwrite it before then). 1 to 36500 whole days.
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

  /**
   * Where IAM, STS and CloudFront events are recorded, and so where they are stored.
   * @default GlobalServiceEvents.US_EAST_1
   */
  readonly globalServiceEvents?: GlobalServiceEvents;

  /**
   * The name of every trail (trail names are unique per account and Region, so one name serves
   * all Regions): 3 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or
   * digit, no two of '.', '_', '-' in a row, not an IP address (CloudTrail API Reference,
   * CreateTrail, Name).
   * @default - a name CloudFormation generates
   */
  readonly trailName?: string;

  /**
   * More stacks where the app changes production (for example a stack of your own that
   * operates the service); each Region among them without a trail gets one. The stacks of the
   * topology's global resources, of `AcceleratorRouting`, `RegionEvacuationDrill` and
   * `RegionSwitchPlan` are found by themselves.
   * @default - none
   */
  readonly additionalStacks?: Stack[];
}

/** The pieces of one Region's trail. */
export interface RegionalTrailResources {
  /** The trail, recording this Region's events (and, per `globalServiceEvents`, global ones or all Regions'). */
  readonly trail: cloudtrail.Trail;
  /** The Object Lock bucket of the log files, encrypted with the Region's key. */
  readonly bucket: s3.IBucket;
  /** The bucket receiving the server access logs of the trail bucket. */
  readonly accessLogsBucket: s3.IBucket;
  /** Whether this trail records IAM, STS and CloudFront events. */
  readonly includesGlobalServiceEvents: boolean;
  /** Whether this trail records every Region's events. */
  readonly isMultiRegionTrail: boolean;
}

/** The CloudTrail `resources.type` values of this library's data stores. */
const DEFAULT_DATA_EVENT_TYPES = ['AWS::DynamoDB::Table', 'AWS::DSQL::Cluster'];
const RESOURCE_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
const GLOBAL_EVENTS_REGION = 'us-east-1';

/**
 * An audit trail per active Region, and per other Region where the app changes production
 * (the global stack's, Global Accelerator's us-west-2, a drill's): a single-Region CloudTrail
 * trail (management events, and data events of the data stores) writing into an S3 bucket of
 * that same Region, with
 *
 * - S3 Object Lock in compliance mode for `retention` (immutable log files),
 * - log file integrity validation on (hourly signed digest files),
 * - encryption with the Region's `RegionalKey` (its key policy lets CloudTrail of this Region
 *   use it), without an S3 Bucket Key (with one, CloudTrail would also need kms:Decrypt:
 *   AWS CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail"),
 * - a bucket policy that admits CloudTrail only for this account's trails of this Region
 *   (`aws:SourceArn`, as "Amazon S3 bucket policy for CloudTrail" recommends),
 * - server access logs of the bucket into a second bucket, TLS-only access to both,
 * - a CloudWatch Logs copy in a log group encrypted with the same key.
 *
 * IAM, STS and CloudFront events are recorded per `globalServiceEvents` (by default in
 * us-east-1, where CloudTrail records them).
 *
 * Each Region's audit logs are tagged as data of that Region (`DataClass.auditLogsOf(region)`),
 * so a `DataResidencyGuard` fails synth if they would live in, or be copied to, another Region.
 *
 * Sources: AWS CloudTrail User Guide, "Creating a trail", "Validating CloudTrail log file
 * integrity", "Configure AWS KMS key policies for CloudTrail"; Amazon S3 User Guide, "Locking
 * objects with Object Lock" (compliance mode).
 */
export class RegionalAuditTrail extends Construct {
  /** The Regions with a trail: the active Regions in order, then the others as they are added (at synth for found stacks). */
  public readonly regions: string[] = [];
  /** Where IAM, STS and CloudFront events are recorded. */
  public readonly globalServiceEvents: GlobalServiceEvents;
  private readonly byRegion = new Map<string, RegionalTrailResources>();
  private readonly topology: IMultiRegionTopology;
  private readonly settings: TrailSettings;

  constructor(scope: Construct, id: string, props: RegionalAuditTrailProps) {
    super(scope, id);
    const topology = props.topology;
    this.topology = topology;
    const retention = props.retention ?? Duration.days(365);
    const retentionDays = Token.isUnresolved(retention.toMilliseconds()) ? NaN : retention.toDays({ integral: false });
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 36500) {
      throw validationError('InvalidAuditRetention', `RegionalAuditTrail '${id}': retention of ${retention.toHumanString()} (${retentionDays} days) is not valid; `
        + 'S3 Object Lock default retention takes a whole number of days from 1 to 36500 (Amazon S3 API Reference, DefaultRetention, Days).', this);
    }
    const types = props.dataEventResourceTypes ?? DEFAULT_DATA_EVENT_TYPES;
    for (const type of types) {
      if (!RESOURCE_TYPE.test(type)) {
        throw validationError('InvalidDataEventType', `RegionalAuditTrail '${id}': data event resource type '${type}' is not valid; `
          + "use CloudTrail's resources.type form, for example 'AWS::DynamoDB::Table'.", this);
      }
    }
    if (new Set(types).size !== types.length) {
      throw validationError('DuplicateDataEventType', `RegionalAuditTrail '${id}': dataEventResourceTypes (${types.join(', ')}) lists a type twice; give each once.`, this);
    }
    if (props.trailName !== undefined) validateTrailName(props.trailName, id, this);
    this.globalServiceEvents = props.globalServiceEvents ?? GlobalServiceEvents.US_EAST_1;
    this.settings = {
      retentionDays,
      types,
      logGroupRetention: props.logGroupRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      trailName: props.trailName,
    };

    const first = topology.activeRegions[0];
    for (const region of topology.activeRegions) {
      const global = this.globalServiceEvents === GlobalServiceEvents.US_EAST_1 ? region === GLOBAL_EVENTS_REGION
        : this.globalServiceEvents === GlobalServiceEvents.MULTI_REGION_TRAIL && region === first;
      this.addTrail(topology.regionalStack(region), topology.regionalKey(region), global, this.globalServiceEvents === GlobalServiceEvents.MULTI_REGION_TRAIL && region === first);
    }
    if (this.globalServiceEvents === GlobalServiceEvents.US_EAST_1 && !this.byRegion.has(GLOBAL_EVENTS_REGION)) {
      // No active Region is us-east-1: the global stack (us-east-1) records them.
      this.addTrailIn(topology.globalStack, true);
    }
    if (this.globalServiceEvents === GlobalServiceEvents.NOT_RECORDED) {
      Annotations.of(this).addWarningV2('multi-region-cdk:audit-global-service-events-not-recorded',
        `RegionalAuditTrail '${id}' records no IAM, STS or CloudFront events (globalServiceEvents: NOT_RECORDED); CloudTrail records them in us-east-1 only, `
        + 'so make sure another trail there (an organization trail) does.');
    }
    const extra = [...(props.additionalStacks ?? [])];
    Aspects.of(Stage.of(this) ?? this.node.root).add(new TrailsWhereProductionChanges(this, topology, extra), { priority: AspectPriority.MUTATING });
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

  /**
   * Adds a trail in `stack` if its Region has none yet, with a key of its own when the stack
   * is not one of the topology's regional stacks (a Region's key is never used in another).
   * @internal
   */
  public _ensureTrailIn(stack: Stack): void {
    if (Token.isUnresolved(stack.region) || this.byRegion.has(stack.region)) return;
    if (this.globalServiceEvents === GlobalServiceEvents.MULTI_REGION_TRAIL) return; // the multi-Region trail records it
    this.addTrailIn(stack, false);
  }

  private addTrailIn(stack: Stack, global: boolean): void {
    const key = new RegionalKey(stack, `${this.node.id}Key`, {
      alias: `alias/${this.topology.stackNamePrefix}/audit/${stack.region}`,
      description: `Encrypts the audit trail of ${stack.stackName} (multi-region-cdk)`,
      services: [KeyService.CLOUDWATCH_LOGS],
    });
    this.addTrail(stack, key, global, false);
  }

  private addTrail(stack: Stack, key: kms.IKey, includeGlobalServiceEvents: boolean, isMultiRegionTrail: boolean): void {
    const region = stack.region;
    const { retentionDays, types, removalPolicy } = this.settings;
    const id = this.node.id;
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
      // No S3 Bucket Key: with one, CloudTrail needs kms:Decrypt on the key to create or update
      // the trail (AWS CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail");
      // CloudTrail writes a few hundred objects a day, so the Bucket Key would save nothing.
      bucketKeyEnabled: false,
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
      retention: this.settings.logGroupRetention,
      encryptionKey: key,
      removalPolicy,
    });
    // CloudTrail's statements on the bucket (which Trail adds) admit only this account's trails
    // of this Region: "aws:SourceArn": "arn:aws:cloudtrail:region:myAccountID:trail/trailName"
    // (AWS CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail"). A named trail is
    // matched exactly; an unnamed one by the trails of this account and Region (its ARN would be
    // a reference to the trail, which itself depends on the policy).
    const sourceArn = `arn:${partitionOfStack(stack)}:cloudtrail:${region}:${stack.account}:trail/${this.settings.trailName ?? '*'}`;
    const trail = new cloudtrail.Trail(scopeInRegion, 'Trail', {
      bucket: withSourceArn(bucket, sourceArn),
      trailName: this.settings.trailName,
      encryptionKey: key,
      enableFileValidation: true,
      isMultiRegionTrail,
      includeGlobalServiceEvents,
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
    this.byRegion.set(region, { trail, bucket, accessLogsBucket, includesGlobalServiceEvents: includeGlobalServiceEvents, isMultiRegionTrail });
    this.regions.push(region);
  }
}

interface TrailSettings {
  readonly retentionDays: number;
  readonly types: string[];
  readonly logGroupRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly trailName?: string;
}

/**
 * At synth, gives a trail to every Region where the app changes production outside the active
 * Regions: the topology's global and accelerator stacks when they exist, the stacks of the
 * constructs that act on production (the accelerator's controller, a Region evacuation drill, a
 * Region switch plan), and the stacks named in `additionalStacks`.
 */
class TrailsWhereProductionChanges implements IAspect {
  private done = false;
  constructor(private readonly audit: RegionalAuditTrail, private readonly topology: IMultiRegionTopology, private readonly extra: Stack[]) {}

  public visit(node: IConstruct): void {
    if (this.done) return;
    this.done = true;
    const stacks: Stack[] = [];
    for (const c of node.node.findAll()) {
      // MultiRegionApp's global and accelerator stacks are its children, made on first use.
      if (Stack.isStack(c) && c.node.scope === this.topology) stacks.push(c);
      if (c instanceof AcceleratorRouting || c instanceof RegionEvacuationDrill || c instanceof RegionSwitchPlan) stacks.push(Stack.of(c));
    }
    for (const stack of [...stacks, ...this.extra]) this.audit._ensureTrailIn(stack);
  }
}

/**
 * The bucket, with CloudTrail's bucket-policy statements narrowed by `aws:SourceArn` as they are
 * added (Trail adds them itself and offers no hook).
 */
function withSourceArn(bucket: s3.Bucket, sourceArn: string): s3.IBucket {
  return new Proxy(bucket, {
    get(target, prop, receiver) {
      if (prop === 'addToResourcePolicy') {
        return (statement: iam.PolicyStatement) => {
          if (statement.principals.some((p) => JSON.stringify(p.policyFragment.principalJson).includes('cloudtrail.amazonaws.com'))) {
            statement.addCondition('ArnLike', { 'aws:SourceArn': sourceArn });
          }
          return target.addToResourcePolicy(statement);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * CloudTrail API Reference, CreateTrail, Name: ASCII letters, digits, periods, underscores or
 * dashes; starts and ends with a letter or digit; 3 to 128 characters; no adjacent periods,
 * underscores or dashes; not in IP address format.
 */
function validateTrailName(name: string, id: string, scope: Construct): void {
  if (Token.isUnresolved(name)) return;
  const valid = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]$/.test(name)
    && !/[._-]{2}/.test(name)
    && !/^\d{1,3}(\.\d{1,3}){3}$/.test(name);
  if (!valid) {
    throw validationError('InvalidTrailName', `RegionalAuditTrail '${id}': trailName '${name}' is not valid; CloudTrail takes 3 to 128 letters, digits, '.', '_' or '-', `
      + "starting and ending with a letter or digit, with no two of '.', '_', '-' in a row, and not an IP address (CloudTrail API Reference, CreateTrail, Name).", scope);
  }
}
