import { unscopedValidationError } from '../private/errors';

const NAME_PATTERN = /^[A-Za-z0-9_.:/=+@-]{1,64}$/;
/** Prefix of the per-Region audit log classes, `AUDIT_LOG:<region>`. */
const AUDIT_LOG_PREFIX = 'AUDIT_LOG:';

/**
 * A class of data whose Regions are restricted, carried as the value of the
 * `multi-region:data-class` tag (`DataResidency.TAG_KEY`).
 */
export class DataClass {
  /** Personally identifiable information. */
  public static readonly PII = new DataClass('PII');
  /** Payment and other financial data. */
  public static readonly FINANCIAL = new DataClass('FINANCIAL');
  /** Health data. */
  public static readonly HEALTH = new DataClass('HEALTH');

  /**
   * The audit logs of one Region (for example its CloudTrail log files): data of that Region
   * alone. A `DataResidencyGuard` allows it in `region` only, without a rule of its own.
   */
  public static auditLogsOf(region: string): DataClass {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      throw unscopedValidationError('InvalidRegion', `DataClass.auditLogsOf: '${region}' is not a Region code such as 'us-east-1'.`);
    }
    return new DataClass(`${AUDIT_LOG_PREFIX}${region}`);
  }

  /**
   * Any other class, by name (1 to 64 characters valid in a tag value, for example `CUSTOMER_CONTENT`).
   */
  public static of(name: string): DataClass {
    if (!NAME_PATTERN.test(name)) {
      throw unscopedValidationError('InvalidDataClass', `DataClass name '${name}' is not valid; use 1 to 64 letters, digits or _ . : / = + @ - (it becomes a tag value).`);
    }
    return new DataClass(name);
  }

  private constructor(
    /** The name, as written in the tag. */
    public readonly name: string,
  ) {}
}
