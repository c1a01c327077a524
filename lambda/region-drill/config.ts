/**
 * What the drill knows about the app, embedded at synth (environment variable DRILL_CONFIG) by
 * `RegionEvacuationDrill`: the Regions, their routing handles, the alarms that say whether a
 * Region is healthy, and the failover budget computed at synth.
 */

/** An alarm, by name, in the Region where it lives. */
export interface AlarmRef {
  readonly name: string;
  readonly region: string;
}

/** One Region of the app, as the drill sees it. */
export interface DrillRegion {
  readonly region: string;
  /** The health check that guards the Region's record (the CALCULATED parent when there is one). */
  readonly healthCheckId?: string;
  /** The load balancer's DNS name (without `dualstack.`), to recognise the Region in a DNS answer. */
  readonly endpointDnsName?: string;
  /** The accelerator endpoint group of the Region. */
  readonly endpointGroupArn?: string;
  /** Alarms that must not be in ALARM for the Region to count as healthy. */
  readonly alarms: AlarmRef[];
  /** An application URL that writes and reads back a heartbeat in this Region (POST, 2xx = ok). */
  readonly heartbeatUrl?: string;
}

/** Budget of one path for one Region, from `FailoverBudgetReport` at synth. */
export interface PathBudget {
  /** `dns` or `accelerator`. */
  readonly path: string;
  readonly worstCaseSeconds: number;
  /** Region -> totalSeconds. */
  readonly regions: Record<string, number>;
}

export interface DrillConfig {
  /** The Region the drill runs in (never evacuated by this drill). */
  readonly homeRegion: string;
  readonly regions: DrillRegion[];
  /** DNS record clients resolve, when the app has DNS routing. */
  readonly dns?: { readonly recordName: string; readonly recordType: string; readonly hostedZoneId: string };
  /** The accelerator, when the app has one. */
  readonly accelerator?: { readonly acceleratorArn: string };
  readonly budget: PathBudget[];
  readonly bucketName: string;
  readonly namespace: string;
  /** How long the measure step waits for every path before it gives up (seconds). */
  readonly measureTimeoutSeconds: number;
}

/** One change the drill makes, written to the journal before it is made. */
export interface Change {
  /** `route53-health-check-inverted` or `accelerator-traffic-dial`. */
  readonly kind: string;
  /** Health check id or endpoint group ARN. */
  readonly resource: string;
  readonly region: string;
  /** The value before the drill (Inverted true/false, or the dial in percent). */
  readonly previous: boolean | number;
  /** The value the drill sets. */
  readonly target: boolean | number;
  /** pending: about to be made; applied: made; restored: set back to `previous`. */
  status: 'pending' | 'applied' | 'restored';
}

/** The journal of one execution: every change, written ahead of the change itself. */
export interface Journal {
  readonly executionId: string;
  readonly region: string;
  changes: Change[];
  /** When the last change was applied (epoch ms): the start of every measurement. */
  changedAt?: number;
}

/** Where journals are kept (an S3 object per execution in the Lambda; memory in tests). */
export interface JournalStore {
  load(executionId: string): Promise<Journal | undefined>;
  save(journal: Journal): Promise<void>;
}

export function parseConfig(raw: string | undefined, budgetRaw?: string): DrillConfig {
  if (!raw) throw new Error('DRILL_CONFIG is not set.');
  const config = JSON.parse(raw) as DrillConfig;
  if (!config.homeRegion || !Array.isArray(config.regions) || !config.bucketName) {
    throw new Error('DRILL_CONFIG needs homeRegion, regions and bucketName.');
  }
  return budgetRaw ? { ...config, budget: JSON.parse(budgetRaw) } : config;
}
