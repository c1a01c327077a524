/**
 * Where the figure of one failover term comes from.
 */
export enum FailoverTermBasis {
  /** Read from this app's configuration (a health check, an alarm, a TTL, a schedule). */
  CONFIGURED = 'CONFIGURED',
  /**
   * A figure the user states and the library cannot read or check (for example the target health
   * of an imported load balancer, an imported alarm's timing, or a propagation time they measured).
   */
  DECLARED = 'DECLARED',
  /** A fixed figure AWS documents (for example the 60 s TTL of a load balancer's alias answers). */
  DOCUMENTED = 'DOCUMENTED',
  /** AWS documents no figure; the library assumes one (shown, and overridable by a prop). */
  ASSUMED = 'ASSUMED',
  /** Nobody knows: the app does not say, and the library cannot read it (for example an imported alarm). */
  UNKNOWN = 'UNKNOWN',
}

/**
 * One term of a failover time: a delay on the way from a failure to traffic leaving the Region.
 */
export interface FailoverTerm {
  /** What the delay is, for example `Route 53 endpoint health check: interval x failure threshold`. */
  readonly name: string;
  /**
   * The delay in seconds.
   * @default - unknown (basis UNKNOWN): the path's worst case cannot be stated
   */
  readonly seconds?: number;
  /** Where the figure comes from: the setting it was read from, or the AWS page that states it. */
  readonly source: string;
  /** How the figure is known. */
  readonly basis: FailoverTermBasis;
  /**
   * The detection branch the term belongs to (for example `endpoint check` or `deep-health alarm`):
   * a Region leaves through whichever branch sees the failure, so the worst case takes the slowest
   * branch. Terms without a branch (a resolver's TTL) are paid by every branch.
   * @default - paid by every branch
   */
  readonly branch?: string;
  /**
   * The control plane this term waits for, when it is on the automatic path (for example
   * `Global Accelerator UpdateEndpointGroup (us-west-2)`). AWS's fault-isolation guidance keeps
   * control planes out of recovery, so the report names each one.
   * @default - data plane only
   */
  readonly controlPlane?: string;
}

/**
 * Worst-case time to move traffic off one failed Region on one routing path.
 */
export interface RegionFailoverTime {
  /** The Region that fails. */
  readonly region: string;
  /** The slowest detection branch: how long until the Region counts as unhealthy (known terms only). */
  readonly detectionSeconds: number;
  /** What every branch pays after detection, such as the TTL resolvers keep the old answer (0 for the accelerator). */
  readonly ttlSeconds: number;
  /** detectionSeconds + ttlSeconds; a lower bound when `unknownTerms` is not empty. */
  readonly totalSeconds: number;
  /** Every term, with its figure and source. */
  readonly terms: FailoverTerm[];
  /**
   * The branch that sets `detectionSeconds`.
   * @default - a single branch
   */
  readonly worstBranch?: string;
  /** Terms whose figure is unknown; when not empty, `totalSeconds` is only a lower bound. */
  readonly unknownTerms: string[];
}

/** The failover budget of one routing path (Route 53 records, or Global Accelerator). */
export interface FailoverPathBudget {
  /** `dns` or `accelerator`. */
  readonly path: string;
  /** The construct that owns the path, by its construct path. */
  readonly constructPath: string;
  /** How the path routes, for example `latency`, `failover` or `accelerator`. */
  readonly routingPolicy: string;
  /** The formula the numbers come from. */
  readonly formula: string;
  /** The largest `totalSeconds` over the Regions (a lower bound when `complete` is false). */
  readonly worstCaseSeconds: number;
  /** False when a term of some Region is unknown: the worst case is then at least `worstCaseSeconds`. */
  readonly complete: boolean;
  /** One entry per Region. */
  readonly regions: RegionFailoverTime[];
  /** What the numbers leave out. */
  readonly caveats: string[];
}
