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
  /** The deep-health endpoint's fault switch (an SSM String parameter in this Region), for the deep-health fault mode. */
  readonly faultSwitchName?: string;
}

/** Budget of one path for one Region, from `FailoverBudgetReport` at synth. */
export interface PathBudget {
  /** `dns` or `accelerator`. */
  readonly path: string;
  readonly worstCaseSeconds: number;
  /** Region -> totalSeconds: what a failure of the Region's deep health takes to move traffic (detection included). */
  readonly regions: Record<string, number>;
  /**
   * Region -> the terms after detection (TTL, Route 53's or Global Accelerator's reaction, dial
   * propagation): what a routing take-out, which skips detection, is measured against.
   */
  readonly postDetection?: Record<string, number>;
}

export interface DrillConfig {
  /** The Region the drill runs in (never evacuated by this drill). */
  readonly homeRegion: string;
  readonly regions: DrillRegion[];
  /** DNS record clients resolve, when the app has DNS routing. */
  readonly dns?: { readonly recordName: string; readonly recordType: string; readonly hostedZoneId: string };
  /** The accelerator, when the app has one. */
  readonly accelerator?: { readonly acceleratorArn: string };
  /** The routing intents (CONTRACTS.md C2): the Region of the store and Region -> parameter name. */
  readonly intents?: { readonly region: string; readonly names: Record<string, string> };
  readonly budget: PathBudget[];
  readonly bucketName: string;
  readonly namespace: string;
  /** How long the measure step waits for every path before it gives up (seconds). */
  readonly measureTimeoutSeconds: number;
}

/**
 * What the drill does to the Region: `routing` takes it out of routing directly (inverts its health
 * check, sets its dial to 0) under a hold, which skips detection; `deep-health` fails its deep-health
 * endpoint through the fault switch and lets detection and the automation move the traffic (the whole chain).
 */
export type DrillMode = 'routing' | 'deep-health';
export const DRILL_MODES: DrillMode[] = ['routing', 'deep-health'];

/** One change the drill makes, written to the journal before it is made. */
export interface Change {
  /** `route53-health-check-inverted`, `accelerator-traffic-dial`, `routing-intent-hold` or `deep-health-fault-switch`. */
  readonly kind: string;
  /** Health check id, endpoint group ARN, or SSM parameter name. */
  readonly resource: string;
  readonly region: string;
  /** The Region the resource's API is called in, when it is not global (SSM parameters). */
  readonly resourceRegion?: string;
  /** The value before the drill (Inverted true/false, the dial in percent, the holder (empty: none), the fault switch's value). */
  readonly previous: boolean | number | string;
  /** The value the drill sets. */
  readonly target: boolean | number | string;
  /** pending: about to be made; applied: made; restored: set back to `previous`. */
  status: 'pending' | 'applied' | 'restored';
}

/** The journal of one execution: every change, written ahead of the change itself. */
export interface Journal {
  readonly executionId: string;
  readonly region: string;
  /** The drill's mode (routing when absent: journals written before modes existed). */
  readonly mode?: DrillMode;
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
