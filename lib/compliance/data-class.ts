const NAME_PATTERN = /^[A-Za-z0-9_.:/=+@-]{1,64}$/;

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
   * Any other class, by name (1 to 64 characters valid in a tag value, for example `CUSTOMER_CONTENT`).
   */
  public static of(name: string): DataClass {
    if (!NAME_PATTERN.test(name)) {
      throw new Error(`DataClass name '${name}' is not valid; use 1 to 64 letters, digits or _ . : / = + @ - (it becomes a tag value).`);
    }
    return new DataClass(name);
  }

  private constructor(
    /** The name, as written in the tag. */
    public readonly name: string,
  ) {}
}
