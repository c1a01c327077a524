/**
 * The resilience report's JSON document (`cdk.out/resilience/report.json`), version 1.
 *
 * Everything the report shows comes from this document: the HTML page and the SVG drawing are
 * renderings of it, and `multi-region-cdk report --diff` compares two of them. The JSON Schema
 * that documents it for pipelines is `schema/resilience-report.schema.json`; a test keeps the
 * two in step. Changes that remove or retype a field raise `schemaVersion`.
 */

/** The schema version this library writes. */
export const REPORT_SCHEMA_VERSION = 1;

export interface ResilienceReportDocument {
  readonly schemaVersion: number;
  /** `multi-region-cdk <version>`. */
  readonly generator: string;
  readonly app: AppEntry;
  /** Every Region the app puts something in: active Regions first (in order of preference), then the witness, then the others. */
  readonly regions: RegionEntry[];
  /** Every multi-Region data store (`IReplicatedDataStore`) of the app. */
  readonly dataStores: DataStoreEntry[];
  /** Who copies data to whom: one edge per (store, source Region, receiving Region). */
  readonly replication: ReplicationEdge[];
  /** Each routing path's failover budget, as `FailoverBudgetReport` computes it (every term, with its basis and source). */
  readonly routing: RoutingPathEntry[];
  /** Each `RecoveryObjectives` of the app, checked against the routing budgets and data stores. */
  readonly objectives: ObjectivesEntry[];
  readonly dataResidency: DataResidencyEntry;
  /** Every rule acknowledged with `Validations.of(x).acknowledge(...)` (cdk-nag, MultiRegionChecks, Control Tower, CloudFormation validation), with its reason. */
  readonly acknowledgements: AcknowledgementEntry[];
  /** The last Region evacuation drill, when a drill report was given; absent otherwise. */
  readonly drill?: DrillEntry;
  readonly summary: SummaryEntry;
}

export interface AppEntry {
  /** The topology's name (`stackNamePrefix`). */
  readonly name: string;
  /** The topology construct's path. */
  readonly topologyPath: string;
  /** `ACTIVE_ACTIVE` or `ACTIVE_PASSIVE`. */
  readonly posture: string;
  readonly activeRegions: string[];
  /** Absent for active-active. */
  readonly primaryRegion?: string;
  /** Absent when the app has no witness Region. */
  readonly witnessRegion?: string;
}

/** What a Region is to the app. */
export type RegionRole = 'active' | 'standby' | 'witness' | 'support';

export interface RegionEntry {
  readonly region: string;
  /**
   * `active` (serves traffic; the primary of an active-passive app too), `standby` (active-passive
   * non-primary), `witness` (DSQL or DynamoDB MRSC quorum only), `support` (holds only
   * global or operational resources, such as the accelerator or the drill).
   */
  readonly role: RegionRole;
  /** True for the primary of an active-passive app. */
  readonly primary: boolean;
  readonly stacks: StackEntry[];
  readonly keys: KeyEntry[];
  /** The data stores with a member in this Region, by `DataStoreEntry.id`, and that member's role. */
  readonly dataStores: RegionDataStoreEntry[];
  readonly endpoints: EndpointEntry[];
  readonly probes: ProbeEntry[];
  /** Other parts the app runs here: Route 53 records and health checks, the accelerator, the drill, audit trails, alarm topics. */
  readonly services: ServiceEntry[];
}

export interface StackEntry {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  readonly path: string;
}

export interface KeyEntry {
  readonly path: string;
  /** The alias name, such as `alias/multi-region/us-east-1`. */
  readonly alias?: string;
}

export interface RegionDataStoreEntry {
  readonly id: string;
  readonly role: DataStoreMemberRole;
}

/** `peer` (DSQL, DynamoDB: reads and writes), `writer` / `reader` (Aurora Global), `witness` (quorum log only, no endpoint). */
export type DataStoreMemberRole = 'peer' | 'writer' | 'reader' | 'witness';

export interface EndpointEntry {
  /** The Region's endpoint as the routing constructs know it, for example `load balancer my-alb...`. */
  readonly description: string;
  /** The DNS name, or `known at deploy` when CloudFormation only resolves it at deploy. */
  readonly dnsName: string;
  /** The routing paths that send traffic to it (`dns`, `accelerator`). */
  readonly paths: string[];
}

export interface ProbeEntry {
  readonly path: string;
  /** `health`, `replication-lag`, `dsql` or `dynamodb-replication`. */
  readonly kind: string;
  /** One line: what it measures. */
  readonly description: string;
}

export interface ServiceEntry {
  readonly path: string;
  /** One line, such as `Route 53 records and health checks (dns path)`. */
  readonly description: string;
}

export interface DataStoreEntry {
  /** The store's construct path: the key other entries refer to it by. */
  readonly id: string;
  /** `Aurora DSQL peered clusters`, `DynamoDB global table`, `Aurora Global Database`, or the class name of a store of the app's own. */
  readonly kind: string;
  /** `SYNCHRONOUS` or `ASYNCHRONOUS`. */
  readonly replicationMode: string;
  readonly worstCaseRpoSeconds: number;
  readonly rpoBasis: string;
  readonly members: DataStoreMember[];
  /** The data class the store is tagged with (`DataResidency.tag`), if any. */
  readonly dataClass?: string;
}

export interface DataStoreMember {
  readonly region: string;
  readonly role: DataStoreMemberRole;
}

export interface ReplicationEdge {
  /** `DataStoreEntry.id`. */
  readonly store: string;
  readonly from: string;
  readonly to: string;
  /** `SYNCHRONOUS`, `ASYNCHRONOUS`, or `QUORUM` (a peer's log to the witness). */
  readonly mode: string;
  /** The lag alarms that watch this edge; absent when none does (synchronous and quorum edges need none). */
  readonly lagAlarms?: LagAlarmBand;
  /** One line, such as `commit durable in both Regions before it returns`. */
  readonly note: string;
}

/** The thresholds of the alarms on one replication edge, in seconds. */
export interface LagAlarmBand {
  readonly warningSeconds?: number;
  readonly criticalSeconds?: number;
  /** Aurora Global Database's RPO-lag alarm threshold, when it has one. */
  readonly rpoSeconds?: number;
  /** The metric the alarms watch, for example `AWS/DynamoDB ReplicationLatency`. */
  readonly metric: string;
}

export interface RoutingPathEntry {
  /** `dns` or `accelerator`. */
  readonly path: string;
  readonly constructPath: string;
  readonly routingPolicy: string;
  readonly formula: string;
  readonly worstCaseSeconds: number;
  /** False when some term is UNKNOWN: `worstCaseSeconds` is then a lower bound. */
  readonly complete: boolean;
  readonly regions: RoutingRegionEntry[];
  readonly caveats: string[];
}

export interface RoutingRegionEntry {
  readonly region: string;
  readonly detectionSeconds: number;
  readonly ttlSeconds: number;
  readonly totalSeconds: number;
  readonly worstBranch?: string;
  readonly unknownTerms: string[];
  readonly terms: RoutingTermEntry[];
  /**
   * The detection branches, each with its seconds and its weakest basis (reports written before
   * this field have none; a diff then reads the branches from the terms).
   */
  readonly branches?: RoutingBranchEntry[];
}

export interface RoutingBranchEntry {
  /** The branch, for example `deep health` or `endpoint check`. */
  readonly name: string;
  /** The sum of its terms (known ones), in seconds. */
  readonly seconds: number;
  /** The weakest basis among its terms: `UNKNOWN`, `ASSUMED`, `DECLARED`, `DOCUMENTED` or `CONFIGURED`. */
  readonly basis: string;
  /** The control planes its terms wait for (empty on the data plane). */
  readonly controlPlanes: string[];
}

export interface RoutingTermEntry {
  readonly name: string;
  /** Absent when the basis is UNKNOWN. */
  readonly seconds?: number;
  readonly source: string;
  /** `CONFIGURED`, `DECLARED`, `DOCUMENTED`, `ASSUMED` or `UNKNOWN`. */
  readonly basis: string;
  readonly branch?: string;
  /** The control plane the term waits for, when it is on the automatic path. */
  readonly controlPlane?: string;
}

export interface ObjectivesEntry {
  readonly constructPath: string;
  /** `PAYMENT`, `ECOMMERCE`, `ANALYTICS`, a custom tier's name, or `custom`. */
  readonly tier: string;
  readonly rtoSeconds: number;
  readonly rpoSeconds: number;
  /** True when every check is met. */
  readonly met: boolean;
  readonly checks: ObjectiveCheck[];
}

export interface ObjectiveCheck {
  /** `RTO` (a routing path in one Region) or `RPO` (a data store). */
  readonly objective: string;
  /** What is checked: `dns path, us-east-1` or `data store MultiRegion/Dsql`. */
  readonly subject: string;
  /** The routing path (RTO checks). */
  readonly path?: string;
  /** The Region (RTO checks). */
  readonly region?: string;
  /** The data store id (RPO checks). */
  readonly store?: string;
  /** The worst case: a routing Region's totalSeconds or a store's worstCaseRpoSeconds. */
  readonly seconds: number;
  readonly limitSeconds: number;
  /** False when the worst case is only a lower bound (UNKNOWN terms): such a check is never met. */
  readonly complete: boolean;
  readonly met: boolean;
}

export interface DataResidencyEntry {
  /** The `DataResidencyGuard`s' construct paths (empty: no residency rules). */
  readonly guards: string[];
  readonly rules: ResidencyRuleEntry[];
  /** Every resource tagged with a data class. */
  readonly resources: ResidencyResourceEntry[];
  /** What the guards reject; synth fails on each, and the page shows each as a VIOLATION. */
  readonly violations: ResidencyViolation[];
}

export interface ResidencyRuleEntry {
  readonly dataClass: string;
  readonly allowedRegions: string[];
  /** The guard that holds the rule. */
  readonly guard: string;
}

export interface ResidencyResourceEntry {
  readonly path: string;
  readonly type: string;
  readonly dataClass: string;
  /** Absent for a stack without a concrete Region. */
  readonly region?: string;
  /**
   * Every Region the resource's data lives in: its own (`resource`), and its replicas, peers and
   * witness. Absent in reports of versions before it was added.
   */
  readonly livesIn?: ResidencyPlacementEntry[];
}

export interface ResidencyPlacementEntry {
  readonly region: string;
  /** `resource` (its own Region), `replica`, `peer` or `witness`. */
  readonly role: string;
}

export interface ResidencyViolation {
  readonly guard: string;
  readonly message: string;
}

export interface AcknowledgementEntry {
  /** The rule, for example `AwsSolutions-IAM5` or `MultiRegion-CW4`. */
  readonly id: string;
  readonly reason: string;
  /** Where it was acknowledged (it covers that construct and everything under it). */
  readonly constructPath: string;
}

export interface DrillEntry {
  /** The file the drill report was read from. */
  readonly source: string;
  readonly executionId: string;
  /** The Region the drill took out. */
  readonly region: string;
  /** `succeeded`, `failed` or `refused`. */
  readonly outcome: string;
  readonly finishedAt: string;
  readonly paths: DrillPathEntry[];
}

export interface DrillPathEntry {
  readonly path: string;
  /** Absent when the drill did not see traffic move in time. */
  readonly measuredSeconds?: number;
  /** This synth's budget for the path and the drilled Region. */
  readonly budgetSeconds?: number;
  /** The budget the drill compared against when it ran (differs when the app changed since). */
  readonly drillBudgetSeconds?: number;
  /** measuredSeconds <= budgetSeconds (false when not measured). */
  readonly withinBudget: boolean;
}

export interface SummaryEntry {
  /** True when every objective is met; absent when the app states none. */
  readonly objectivesMet?: boolean;
  /** The largest worst case over the routing paths, or absent without routing. */
  readonly worstCaseFailoverSeconds?: number;
  /** The largest worst-case RPO over the data stores, or absent without data stores. */
  readonly worstCaseRpoSeconds?: number;
  readonly residencyViolations: number;
  readonly acknowledgements: number;
}
