import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { validationError } from '../private/errors';
import { RegionalKey } from '../keys/regional-key';
import { ResilienceReport } from '../report/resilience-report';
import { DSQL_UNLISTED_REGION_SET_CONTEXT } from '../data/dsql-region-sets';
import { Posture } from './posture';
import { acknowledgeCrossRegionProviders } from './private/cdk-provider-findings';
import { assertKnownRegion, assertNoDuplicateRegions, partitionOf } from './regions';
import { entryOfActiveRegion } from './private/regional-lookup';

/** Region where Route 53 health-check metrics, and therefore their alarms, exist. */
export const ROUTE53_METRICS_REGION = 'us-east-1';
/** Region where Global Accelerator's API and CloudFormation resources live. */
export const GLOBAL_ACCELERATOR_REGION = 'us-west-2';

/**
 * What the routing, data and probe constructs need to know about a multi-Region app: its
 * Regions and posture, a stack and a key per active Region, and the global stacks.
 *
 * `MultiRegionApp` implements it with stacks it makes; `MultiRegionTopology` implements it
 * with stacks a team already has.
 */
export interface IMultiRegionTopology extends IConstruct {
  /** The active Regions, in order of preference. */
  readonly activeRegions: string[];
  /** The witness Region (Aurora DSQL quorum), if any. */
  readonly witnessRegion?: string;
  /** Active-active, or active-passive with a primary. */
  readonly posture: Posture;
  /** The primary Region of an active-passive app; undefined for active-active. */
  readonly primaryRegion?: string;
  /** The active Regions that are not the primary (empty for active-active). */
  readonly standbyRegions: string[];
  /** A short name for the app, used as prefix of names the constructs make (dashboards, topics). */
  readonly stackNamePrefix: string;
  /** The stack in us-east-1 for Route 53 records, health checks, their alarms and the dashboard. */
  readonly globalStack: Stack;
  /** The stack in us-west-2 for Global Accelerator. */
  readonly acceleratorStack: Stack;
  /** Every regional stack, in the order of `activeRegions`. */
  readonly regionalStacks: Stack[];
  /** The stack of an active Region. */
  regionalStack(region: string): Stack;
  /** The KMS key of an active Region; use it only for resources of that Region. */
  regionalKey(region: string): RegionalKey;
}

/** The Region set and posture of a topology, as `validateTopology` checks them. */
export interface TopologyRegions {
  /** Active Regions. */
  readonly activeRegions: string[];
  /** Witness Region. @default - none */
  readonly witnessRegion?: string;
  /** Posture. @default Posture.ACTIVE_ACTIVE */
  readonly posture?: Posture;
  /** Primary Region of an active-passive app. @default - none */
  readonly primaryRegion?: string;
}

/**
 * Checks the Region set at synth; each error names the bad value and what would be valid.
 * @internal
 */
export function validateTopology(props: TopologyRegions, what: string, scope: IConstruct): void {
  const active = props.activeRegions ?? [];
  active.forEach((region, i) => assertKnownRegion(region, `activeRegions[${i}]`, scope));
  assertNoDuplicateRegions(active, 'activeRegions', scope);
  if (active.length < 2) {
    throw validationError('TooFewActiveRegions', `${what}: activeRegions has ${active.length} Region(s) (${active.join(', ') || 'none'}); a multi-Region app needs at least two, for example ['us-east-1', 'us-east-2'].`, scope);
  }
  const partitions = new Set(active.map(partitionOf));
  if (partitions.size > 1) {
    throw validationError('RegionsSpanPartitions', `activeRegions (${active.join(', ')}) span partitions ${[...partitions].join(', ')}; all Regions of one app must be in one partition.`, scope);
  }
  if (props.witnessRegion !== undefined) {
    assertKnownRegion(props.witnessRegion, 'witnessRegion', scope);
    if (active.includes(props.witnessRegion)) {
      throw validationError('WitnessIsActive', `witnessRegion '${props.witnessRegion}' is also an active Region; the witness must be a third Region outside ${active.join(', ')}.`, scope);
    }
  }
  const posture = props.posture ?? Posture.ACTIVE_ACTIVE;
  if (posture === Posture.ACTIVE_ACTIVE && props.primaryRegion !== undefined) {
    throw validationError('PrimaryForActiveActive', `primaryRegion '${props.primaryRegion}' was given for an active-active app; remove it, or set posture to Posture.ACTIVE_PASSIVE.`, scope);
  }
  if (posture === Posture.ACTIVE_PASSIVE) {
    if (props.primaryRegion === undefined) {
      throw validationError('MissingPrimaryRegion', `an active-passive app needs primaryRegion, one of the active Regions: ${active.join(', ')}.`, scope);
    }
    if (!active.includes(props.primaryRegion)) {
      throw validationError('PrimaryNotActive', `primaryRegion '${props.primaryRegion}' is not an active Region; choose one of ${active.join(', ')}.`, scope);
    }
  }
}

/**
 * Properties of a `MultiRegionTopology`.
 */
export interface MultiRegionTopologyProps {
  /**
   * One stack per active Region, each with a concrete Region (`env.region`), in order of
   * preference. Stacks that hold resources referenced from other Regions need
   * `crossRegionReferences: true`.
   */
  readonly regionalStacks: Stack[];

  /**
   * The stack for Route 53 records, health checks, their alarms and the dashboard; must be in
   * us-east-1 (Route 53 publishes health-check metrics only there).
   * @default - none; constructs that need it (DnsRouting, MultiRegionProbes' dashboard) fail with a clear error
   */
  readonly globalStack?: Stack;

  /**
   * The stack for Global Accelerator; must be in us-west-2 (its API lives only there).
   * @default - none; AcceleratorRouting fails with a clear error
   */
  readonly acceleratorStack?: Stack;

  /**
   * The Regional key of each Region, each in its Region's stack.
   * @default - a `RegionalKey` is created in every regional stack that has none here
   */
  readonly regionalKeys?: RegionalKey[];

  /**
   * A witness Region (Aurora DSQL quorum).
   * @default - no witness Region
   */
  readonly witnessRegion?: string;

  /**
   * Active-active, or active-passive with `primaryRegion`.
   * @default Posture.ACTIVE_ACTIVE
   */
  readonly posture?: Posture;

  /**
   * The serving Region of an active-passive app.
   * @default - none (active-active)
   */
  readonly primaryRegion?: string;

  /**
   * A short name used as prefix of names the constructs make (dashboards).
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Accept Aurora DSQL peer and witness Regions that are not one Region set of the library's
   * table, with a warning naming AWS's "Region availability" page, for every DSQL construct of
   * this app (it sets the context key `multi-region-cdk:dsql-allow-unlisted-region-set`
   * below this construct; a construct's own `allowUnlistedRegionSet` wins).
   * @default - the context key's value, else false
   */
  readonly allowUnlistedDsqlRegionSet?: boolean;
}

/**
 * A topology built from stacks a team already has (its own synthesizer, names, tags), for the
 * routing, data and probe constructs of this library.
 *
 * ```ts
 * const topology = new MultiRegionTopology(app, 'Topology', {
 *   regionalStacks: [useast1Stack, useast2Stack],
 *   globalStack: dnsStack,          // us-east-1
 *   witnessRegion: 'us-west-2',
 * });
 * ```
 */
export class MultiRegionTopology extends Construct implements IMultiRegionTopology {
  public readonly activeRegions: string[];
  public readonly witnessRegion?: string;
  public readonly posture: Posture;
  public readonly primaryRegion?: string;
  public readonly standbyRegions: string[];
  public readonly stackNamePrefix: string;
  private readonly stacksByRegion = new Map<string, Stack>();
  private readonly keysByRegion = new Map<string, RegionalKey>();
  private readonly global?: Stack;
  private readonly accelerator?: Stack;

  constructor(scope: Construct, id: string, props: MultiRegionTopologyProps) {
    super(scope, id);
    if (props.allowUnlistedDsqlRegionSet !== undefined) {
      // Set before any child exists (context must be), so every stack and construct below reads it.
      this.node.setContext(DSQL_UNLISTED_REGION_SET_CONTEXT, props.allowUnlistedDsqlRegionSet);
    }
    const regions = (props.regionalStacks ?? []).map((stack, i) => {
      if (Token.isUnresolved(stack.region)) {
        throw validationError('StackWithoutRegion', `MultiRegionTopology '${id}': regionalStacks[${i}] (${stack.node.path}) has no concrete Region; `
          + "give it env: { region: 'us-east-1' } (or another Region code).", this);
      }
      return stack.region;
    });
    validateTopology({ ...props, activeRegions: regions }, `MultiRegionTopology '${id}'`, this);
    if (props.globalStack && props.globalStack.region !== ROUTE53_METRICS_REGION) {
      throw validationError('GlobalStackRegion', `MultiRegionTopology '${id}': globalStack ${props.globalStack.node.path} is in '${props.globalStack.region}'; `
        + `it must be in ${ROUTE53_METRICS_REGION}, where Route 53 publishes health-check metrics.`, this);
    }
    if (props.acceleratorStack && props.acceleratorStack.region !== GLOBAL_ACCELERATOR_REGION) {
      throw validationError('AcceleratorStackRegion', `MultiRegionTopology '${id}': acceleratorStack ${props.acceleratorStack.node.path} is in '${props.acceleratorStack.region}'; `
        + `it must be in ${GLOBAL_ACCELERATOR_REGION}, where Global Accelerator's API lives.`, this);
    }

    this.activeRegions = regions;
    this.witnessRegion = props.witnessRegion;
    this.posture = props.posture ?? Posture.ACTIVE_ACTIVE;
    this.primaryRegion = props.primaryRegion;
    this.standbyRegions = this.posture === Posture.ACTIVE_PASSIVE ? regions.filter((r) => r !== props.primaryRegion) : [];
    this.stackNamePrefix = props.name ?? id;
    this.global = props.globalStack;
    this.accelerator = props.acceleratorStack;
    props.regionalStacks.forEach((stack) => this.stacksByRegion.set(stack.region, stack));
    [...props.regionalStacks, props.globalStack, props.acceleratorStack]
      .filter((s): s is Stack => s !== undefined)
      .forEach((s) => acknowledgeCrossRegionProviders(s));

    for (const key of props.regionalKeys ?? []) {
      const stack = this.stacksByRegion.get(key.region);
      if (!stack || Stack.of(key) !== stack) {
        throw validationError('KeyOutsideRegionalStack', `MultiRegionTopology '${id}': regionalKeys has a key in ${key.region} (${key.node.path}) that is not in the regional stack `
          + `of that Region; give one key per Region, created in that Region's stack.`, this);
      }
      if (this.keysByRegion.has(key.region)) {
        throw validationError('TwoKeysForRegion', `MultiRegionTopology '${id}': regionalKeys has two keys for ${key.region}; give one key per Region.`, this);
      }
      this.keysByRegion.set(key.region, key);
    }
    for (const [region, stack] of this.stacksByRegion) {
      if (!this.keysByRegion.has(region)) {
        this.keysByRegion.set(region, new RegionalKey(stack, 'RegionalKey', { alias: `alias/${this.stackNamePrefix}/${region}` }));
      }
    }
    ResilienceReport.of(this);
  }

  public get globalStack(): Stack {
    if (!this.global) {
      throw validationError('NoGlobalStack', `MultiRegionTopology '${this.node.id}' has no globalStack; give one in ${ROUTE53_METRICS_REGION} for Route 53 records, health checks and the dashboard.`, this);
    }
    return this.global;
  }

  public get acceleratorStack(): Stack {
    if (!this.accelerator) {
      throw validationError('NoAcceleratorStack', `MultiRegionTopology '${this.node.id}' has no acceleratorStack; give one in ${GLOBAL_ACCELERATOR_REGION} for Global Accelerator.`, this);
    }
    return this.accelerator;
  }

  public get regionalStacks(): Stack[] {
    return this.activeRegions.map((r) => this.regionalStack(r));
  }

  public regionalStack(region: string): Stack {
    return entryOfActiveRegion(this.stacksByRegion, region, this.activeRegions, this);
  }

  public regionalKey(region: string): RegionalKey {
    return entryOfActiveRegion(this.keysByRegion, region, this.activeRegions, this);
  }
}
