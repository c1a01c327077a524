import { unscopedValidationError } from '../private/errors';

/**
 * An AWS service allowed to use a `RegionalKey` on behalf of principals of the account.
 *
 * The key policy turns each service into a `kms:ViaService` condition for
 * `<endpointPrefix>.<key's Region>.amazonaws.com`, so the service can use the key only from
 * the key's own Region.
 */
export class KeyService {
  /** Aurora DSQL, for cluster encryption at rest. */
  public static readonly DSQL = new KeyService('dsql');
  /** Amazon CloudWatch Logs, for log group encryption (also granted to its service principal). */
  public static readonly CLOUDWATCH_LOGS = new KeyService('logs');
  /** Amazon SNS, for topic encryption. */
  public static readonly SNS = new KeyService('sns');
  /** AWS Lambda, for environment variable encryption. */
  public static readonly LAMBDA = new KeyService('lambda');
  /**
   * Amazon DynamoDB, for table and global-table replica encryption at rest. Besides its
   * endpoint in the key's Region, DynamoDB may use the key through its endpoint in any Region
   * (`dynamodb.*.amazonaws.com`, principals of the account only), which the AWS KMS Developer
   * Guide ("How Amazon DynamoDB uses AWS KMS") requires for global tables' cross-Region calls.
   */
  public static readonly DYNAMODB = new KeyService('dynamodb');
  /** Amazon RDS (Aurora), for cluster storage encryption and RDS-managed secrets' database use. */
  public static readonly RDS = new KeyService('rds');
  /** AWS Secrets Manager, for secret encryption (database credentials). */
  public static readonly SECRETS_MANAGER = new KeyService('secretsmanager');
  /**
   * AWS CloudTrail, for trail log file encryption (also granted to its service principal, for
   * trails of this account and Region only).
   */
  public static readonly CLOUDTRAIL = new KeyService('cloudtrail');

  /**
   * Any other service, by the prefix of its regional endpoint (for example `sqs`).
   */
  public static of(endpointPrefix: string): KeyService {
    if (!/^[a-z][a-z0-9-]*$/.test(endpointPrefix)) {
      throw unscopedValidationError('InvalidKeyServicePrefix', `KeyService endpoint prefix '${endpointPrefix}' is not valid; use the lower-case prefix of the service's regional endpoint, for example 'sqs'.`);
    }
    return new KeyService(endpointPrefix);
  }

  private constructor(
    /** The prefix of the service's regional endpoint, for example `dsql`. */
    public readonly endpointPrefix: string,
  ) {}

  /** The `kms:ViaService` value of this service in `region`. */
  public viaService(region: string, urlSuffix: string = 'amazonaws.com'): string {
    return `${this.endpointPrefix}.${region}.${urlSuffix}`;
  }
}
