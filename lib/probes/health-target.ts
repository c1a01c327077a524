/**
 * One HTTP(S) endpoint a `HealthProbe` checks.
 */
export interface HealthTarget {
  /**
   * Name of the target: the `Target` dimension of its metrics. Letters, digits, `.`, `_`, `-`.
   */
  readonly name: string;

  /** The URL the probe GETs, `http://` or `https://`. */
  readonly url: string;

  /**
   * The HTTP status that counts as healthy. Redirects are not followed.
   * @default 200
   */
  readonly expectedStatus?: number;

  /**
   * A string the response body must contain to count as healthy.
   * @default - the body is not checked
   */
  readonly bodyContains?: string;
}
