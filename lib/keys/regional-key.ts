import { Arn, ArnFormat, Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { partitionOfStack } from '../topology/regions';
import { KeyService } from './key-service';

/**
 * A customer-managed KMS key that belongs to exactly one Region.
 */
export interface IRegionalKey extends kms.IKey {
  /** The Region the key lives in; resources of other Regions must not use it. */
  readonly region: string;
}

/**
 * Properties of a `RegionalKey`.
 */
export interface RegionalKeyProps {
  /**
   * Alias of the key. It should name the Region, because a key is never shared across Regions.
   * @default `alias/multi-region/<region>`
   */
  readonly alias?: string;

  /**
   * Description of the key.
   * @default `Customer-managed key for <region> data (multi-region-cdk)`
   */
  readonly description?: string;

  /**
   * The services that may use the key, each only through its endpoint in the key's Region.
   * More can be added later with `allowService()`.
   * @default [KeyService.DSQL, KeyService.CLOUDWATCH_LOGS]
   */
  readonly services?: KeyService[];

  /**
   * What happens to the key when it leaves the stack. Deleting a key destroys every piece of
   * data encrypted under it, so the default keeps it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Waiting period before a deleted key is destroyed (7 to 30 days).
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
}

/** Key-policy actions that manage the key but never encrypt or decrypt with it. */
const ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*',
  'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource',
  'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
];

/** Actions a service needs to encrypt data at rest on the account's behalf. */
const USE_ACTIONS = [
  'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant',
];

/**
 * One customer-managed KMS key for one Region: rotation on, an alias naming the Region,
 * retained on removal, and a key policy that lets principals of the account use it only
 * through the named services in the key's own Region (DynamoDB through its endpoint in any
 * Region, as global tables need: see `KeyService.DYNAMODB`).
 *
 * Never a multi-Region key: a Region's data stays under a key that exists only there.
 */
export class RegionalKey extends kms.Key implements IRegionalKey {
  /**
   * Imports a key by ARN; its Region is read from the ARN.
   */
  public static fromRegionalKeyArn(scope: Construct, id: string, keyArn: string): IRegionalKey {
    if (Token.isUnresolved(keyArn)) {
      throw validationError('KeyArnIsToken', `RegionalKey.fromRegionalKeyArn('${id}') needs a concrete key ARN to know its Region, got a token.`, scope);
    }
    const region = Arn.split(keyArn, ArnFormat.SLASH_RESOURCE_NAME).region;
    if (!region) {
      throw validationError('InvalidKeyArn', `Key ARN '${keyArn}' names no Region; expected arn:aws:kms:<region>:<account>:key/<id>.`, scope);
    }
    return Object.assign(kms.Key.fromKeyArn(scope, id, keyArn), { region });
  }

  /** The Region of the key (the Region of its stack). */
  public readonly region: string;
  /** The key's alias. */
  public readonly alias: kms.Alias;

  private readonly services: KeyService[];

  constructor(scope: Construct, id: string, props: RegionalKeyProps = {}) {
    const stack = Stack.of(scope);
    const services = [...(props.services ?? [KeyService.DSQL, KeyService.CLOUDWATCH_LOGS])];
    const pendingDays = props.pendingWindow?.toDays() ?? 30;
    if (pendingDays < 7 || pendingDays > 30) {
      throw validationError('InvalidPendingWindow', `RegionalKey '${id}': pendingWindow of ${pendingDays} days is not valid; KMS accepts 7 to 30 days.`, scope);
    }
    if (Token.isUnresolved(stack.region)) {
      throw validationError('RegionBoundInAgnosticStack', `RegionalKey '${id}' belongs to one Region, but stack ${stack.node.path} has no `
        + "concrete Region (environment-agnostic); give the stack env: { region: 'us-east-1' } (or another Region code).", scope);
    }
    const regionLabel = stack.region;
    const aliasName = props.alias ?? `alias/multi-region/${stack.region}`;
    validateAliasName(aliasName, id, scope);

    super(scope, id, {
      description: props.description ?? `Customer-managed key for ${regionLabel} data (multi-region-cdk)`,
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(pendingDays),
      policy: keyPolicy(stack, services),
    });
    this.services = services;
    this.region = stack.region;
    claimAlias(this, aliasName);
    this.alias = this.addAlias(aliasName);
    services.forEach((service) => this.allowServicePrincipal(service));
  }

  /**
   * Lets principals of the account use the key through one more service, in this Region only.
   */
  public allowService(service: KeyService): void {
    if (this.services.some((s) => s.endpointPrefix === service.endpointPrefix)) return;
    this.services.push(service);
    this.allowServicePrincipal(service);
  }

  /**
   * Services that also call KMS as their own service principal (not only on a caller's behalf)
   * need a statement of their own, scoped to this account's resources of this Region.
   */
  private allowServicePrincipal(service: KeyService): void {
    const stack = Stack.of(this);
    const partition = partitionOfStack(stack);
    if (service.endpointPrefix === KeyService.CLOUDWATCH_LOGS.endpointPrefix) {
      this.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisRegion',
        principals: [new iam.ServicePrincipal(KeyService.CLOUDWATCH_LOGS.viaService(stack.region, urlSuffixOf(stack)))],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${stack.region}:${stack.account}:log-group:*` },
        },
      }));
    } else if (service.endpointPrefix === KeyService.CLOUDTRAIL.endpointPrefix) {
      // CloudTrail encrypts log files as its service principal; the encryption context names the
      // trail and aws:SourceArn the trails of this account and Region (AWS CloudTrail User Guide,
      // "Configure AWS KMS key policies for CloudTrail":
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
      const trails = `arn:${partition}:cloudtrail:${stack.region}:${stack.account}:trail/*`;
      this.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudTrailTrailsOfThisRegion',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${stack.account}:trail/*` },
          ArnLike: { 'aws:SourceArn': trails },
        },
      }));
      this.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': trails } },
      }));
    } else if (service.endpointPrefix === KeyService.DYNAMODB.endpointPrefix) {
      // "The kms:ViaService value, dynamodb.*.amazonaws.com, has an asterisk (*) in the Region
      // position. DynamoDB requires the permission to be independent of any particular AWS Region
      // so it can make cross-Region calls to support DynamoDB global tables" (AWS KMS Developer
      // Guide, "How Amazon DynamoDB uses AWS KMS", key policy for a customer managed key). The
      // statement is the one documented there: principals of this account, through DynamoDB,
      // kms:CallerAccount this account. (The regional statement keeps dynamodb.<region> too.)
      this.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DynamoDbGlobalTablesThroughAnyRegion',
        principals: [new iam.AccountRootPrincipal()],
        actions: USE_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': stack.account },
          StringLike: { 'kms:ViaService': `dynamodb.*.${urlSuffixOf(stack)}` },
        },
      }));
    } else if (service.endpointPrefix === KeyService.DSQL.endpointPrefix) {
      // Aurora DSQL also uses the key in the background (not on a caller's behalf), as dsql.amazonaws.com.
      this.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AuroraDsqlClustersOfThisRegion',
        principals: [new iam.ServicePrincipal('dsql.amazonaws.com')],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:dsql:${stack.region}:${stack.account}:cluster/*` },
        },
      }));
    }
  }

  /** The services currently allowed to use the key. */
  public get allowedServices(): KeyService[] {
    return [...this.services];
  }
}

/**
 * KMS alias names: `alias/` then 1 to 250 letters, digits, `/`, `_` or `-` (256 characters in
 * all), never under the reserved `alias/aws/` (KMS API Reference, CreateAlias, AliasName:
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html).
 */
const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;

function validateAliasName(alias: string, id: string, scope: Construct): void {
  if (Token.isUnresolved(alias)) return;
  if (!ALIAS_PATTERN.test(alias) || alias.length > 256 || /^alias\/aws\//i.test(alias)) {
    throw validationError('InvalidAliasName', `RegionalKey '${id}': alias '${alias}' is not valid; an alias is 'alias/' followed by letters, `
      + 'digits, /, _ or - (at most 256 characters in all) and must not start with \'alias/aws/\', which AWS reserves.', scope);
  }
}

/** The aliases already claimed in each app, by account, Region and name. */
const claimedAliases = new WeakMap<object, Map<string, string>>();

/**
 * Refuses a second key with the same alias in one account and Region: alias names are unique
 * per account and Region, so the second stack would fail to deploy (AlreadyExistsException).
 * Stacks without a concrete account or Region are not compared.
 */
function claimAlias(key: RegionalKey, alias: string): void {
  const stack = Stack.of(key);
  if ([stack.account, stack.region, alias].some((v) => Token.isUnresolved(v))) return;
  const root = key.node.root;
  let claimed = claimedAliases.get(root);
  if (!claimed) {
    claimed = new Map();
    claimedAliases.set(root, claimed);
  }
  const where = `${stack.account}/${stack.region}/${alias}`;
  const owner = claimed.get(where);
  if (owner !== undefined) {
    throw validationError('DuplicateAliasName', `RegionalKey '${key.node.id}': alias '${alias}' is already used by ${owner} in account `
      + `${stack.account} and ${stack.region}; alias names are unique per account and Region, so give this key another alias.`, key);
  }
  claimed.set(where, key.node.path);
}

/** The Region's domain suffix as a literal where the Region is known, so policies stay readable. */
function urlSuffixOf(stack: Stack): string {
  return Token.isUnresolved(stack.region) ? stack.urlSuffix : (RegionInfo.get(stack.region).domainSuffix ?? stack.urlSuffix);
}

/** Builds the key policy; `services` is read at synth so `allowService()` calls are included. */
function keyPolicy(stack: Stack, services: KeyService[]): iam.PolicyDocument {
  const accountRoot = new iam.AccountRootPrincipal();
  return new iam.PolicyDocument({
    statements: [
      // Administration stays with the account's IAM, without the right to use the key.
      new iam.PolicyStatement({
        sid: 'KeyAdministrationByAccount',
        principals: [accountRoot],
        actions: ADMIN_ACTIONS,
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'UseOnlyThroughNamedServicesInThisRegion',
        principals: [accountRoot],
        actions: USE_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': stack.account,
            'kms:ViaService': Lazy.list({ produce: () => services.map((s) => s.viaService(stack.region, urlSuffixOf(stack))) }),
          },
        },
      }),
      // Grants only for AWS services that use the key for a resource of the account (AWS Control
      // Tower CT.KMS.PR.3): a principal of the account cannot hand the key on with a grant of its
      // own. kms:GrantIsForAWSResource is true when an integrated service creates the grant
      // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    ],
  });
}
