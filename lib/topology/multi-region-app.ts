import { Stack, StackProps, Tags, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RegionalKey } from '../keys/regional-key';
import { ResilienceReport } from '../report/resilience-report';
import { IMultiRegionTopology, GLOBAL_ACCELERATOR_REGION, ROUTE53_METRICS_REGION, validateTopology } from './multi-region-topology';
import { validationError } from '../private/errors';
import { DSQL_UNLISTED_REGION_SET_CONTEXT } from '../data/dsql-region-sets';
import { Posture } from './posture';
import { acknowledgeCrossRegionProviders } from './private/cdk-provider-findings';
import { entryOfActiveRegion } from './private/regional-lookup';

/**
 * Properties of a `MultiRegionApp`.
 */
export interface MultiRegionAppProps {
  /**
   * The Regions that run the service, two or more, in order of preference (the first is the
   * primary of an active-active app wherever one Region must be picked, for example to hold
   * a peering resource).
   */
  readonly activeRegions: string[];

  /**
   * A Region that runs no service but takes part in quorum, as Aurora DSQL's witness.
   * It gets no stack: nothing of this library has to live there.
   * @default - no witness Region
   */
  readonly witnessRegion?: string;

  /**
   * Whether every active Region serves traffic, or one primary with standbys.
   * @default Posture.ACTIVE_ACTIVE
   */
  readonly posture?: Posture;

  /**
   * The Region that serves traffic in an active-passive app. Required for
   * `Posture.ACTIVE_PASSIVE`; must not be given for `Posture.ACTIVE_ACTIVE`.
   * @default - none (active-active)
   */
  readonly primaryRegion?: string;

  /**
   * The AWS account of every stack (12 digits).
   * @default - environment-agnostic account: each stack deploys to the account of the CLI's credentials
   */
  readonly account?: string;

  /**
   * Prefix of every stack name; see `MultiRegionApp` for the names it produces.
   * @default - the construct id
   */
  readonly stackNamePrefix?: string;

  /**
   * Whether CloudFormation refuses to delete the stacks.
   * @default false
   */
  readonly terminationProtection?: boolean;

  /**
   * Stack properties applied to every stack the app makes (for example `synthesizer`, `tags`,
   * `permissionsBoundary`, `analyticsReporting`). `env`, `stackName`, `description`,
   * `crossRegionReferences` and `terminationProtection` are set by the app and must not be given here.
   * @default - aws-cdk-lib's defaults
   */
  readonly stackProps?: StackProps;

  /**
   * Accept Aurora DSQL peer and witness Regions that are not one Region set of the library's
   * table, with a warning naming AWS's "Region availability" page, for every DSQL construct of
   * this app (it sets the context key `multi-region-cdk:dsql-allow-unlisted-region-set`
   * below this construct; a construct's own `allowUnlistedRegionSet` wins).
   * @default - the context key's value, else false
   */
  readonly allowUnlistedDsqlRegionSet?: boolean;
}

/** Stack properties `MultiRegionApp` owns; giving them in `stackProps` is an error. */
const APP_OWNED_STACK_PROPS = ['env', 'stackName', 'description', 'crossRegionReferences', 'terminationProtection'] as const;

const STACK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]*$/;

/**
 * The multi-Region topology a platform team starts from: one stack per active Region, each
 * with its own `RegionalKey`, plus the global stacks at the Regions AWS mandates.
 *
 * Stack names (deterministic; the global stacks exist once something is added to them):
 * - `<prefix>-<region>` for each active Region, for example `shop-us-east-1`;
 * - `<prefix>-global` in us-east-1, for Route 53 records and health checks, the alarms on
 *   their metrics and the dashboard;
 * - `<prefix>-accelerator` in us-west-2, for Global Accelerator.
 *
 * Every stack has `crossRegionReferences` on, so a global stack can use a regional load
 * balancer's ARN directly.
 */
export class MultiRegionApp extends Construct implements IMultiRegionTopology {
  /** The active Regions, in the order given. */
  public readonly activeRegions: string[];
  /** The witness Region, if any. */
  public readonly witnessRegion?: string;
  /** The posture. */
  public readonly posture: Posture;
  /** The primary Region of an active-passive app; undefined for active-active. */
  public readonly primaryRegion?: string;
  /** The active Regions that are not the primary (empty for active-active). */
  public readonly standbyRegions: string[];
  /** The prefix of every stack name. */
  public readonly stackNamePrefix: string;
  private readonly stacksByRegion = new Map<string, Stack>();
  private readonly keysByRegion = new Map<string, RegionalKey>();
  private readonly account?: string;
  private readonly terminationProtection: boolean;
  private readonly stackProps: StackProps;
  private global?: Stack;
  private accelerator?: Stack;

  constructor(scope: Construct, id: string, props: MultiRegionAppProps) {
    super(scope, id);
    if (props.allowUnlistedDsqlRegionSet !== undefined) {
      // Set before any child exists (context must be), so every stack and construct below reads it.
      this.node.setContext(DSQL_UNLISTED_REGION_SET_CONTEXT, props.allowUnlistedDsqlRegionSet);
    }
    validateTopology(props, `MultiRegionApp '${id}'`, this);
    if (props.account !== undefined && !Token.isUnresolved(props.account) && !/^\d{12}$/.test(props.account)) {
      throw validationError('InvalidAccount', `account '${props.account}' is not an AWS account id; use 12 digits, or leave it out for environment-agnostic stacks.`, this);
    }
    const owned = APP_OWNED_STACK_PROPS.filter((k) => props.stackProps?.[k] !== undefined);
    if (owned.length > 0) {
      throw validationError('AppOwnedStackProps', `MultiRegionApp '${id}': stackProps sets ${owned.join(', ')}, which the app sets for each stack; `
        + 'use account, stackNamePrefix and terminationProtection instead, and leave these out of stackProps.', this);
    }
    this.stackProps = props.stackProps ?? {};

    this.activeRegions = [...props.activeRegions];
    this.witnessRegion = props.witnessRegion;
    this.posture = props.posture ?? Posture.ACTIVE_ACTIVE;
    this.primaryRegion = props.primaryRegion;
    this.standbyRegions = this.posture === Posture.ACTIVE_PASSIVE
      ? this.activeRegions.filter((r) => r !== props.primaryRegion)
      : [];
    this.stackNamePrefix = props.stackNamePrefix ?? id;
    if (!STACK_NAME_PATTERN.test(this.stackNamePrefix)) {
      throw validationError('InvalidStackNamePrefix', `stackNamePrefix '${this.stackNamePrefix}' is not valid: stack names start with a letter and hold only letters, digits and hyphens.`, this);
    }

    // Stack names are at most 128 characters (AWS CloudFormation User Guide, "Stack name"
    // constraints); the longest one the app makes must fit.
    const longest = [...this.activeRegions, 'global', 'accelerator'].map((suffix) => `${this.stackNamePrefix}-${suffix}`)
      .reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length > 128) {
      throw validationError('StackNameTooLong', `stackNamePrefix '${this.stackNamePrefix}' is too long: the stack name '${longest}' has `
        + `${longest.length} characters and CloudFormation accepts at most 128; use a prefix of at most ${128 - (longest.length - this.stackNamePrefix.length)} characters.`, this);
    }

    this.account = props.account;
    this.terminationProtection = props.terminationProtection ?? false;

    for (const region of this.activeRegions) {
      const role = this.posture === Posture.ACTIVE_PASSIVE ? (region === this.primaryRegion ? 'primary' : 'standby') : 'active';
      const stack = this.newStack(region, region, `${this.stackNamePrefix}-${region}`, `${this.stackNamePrefix}: ${role} Region ${region} (multi-region-cdk)`);
      Tags.of(stack).add('multi-region:region-role', role);
      this.stacksByRegion.set(region, stack);
      this.keysByRegion.set(region, new RegionalKey(stack, 'RegionalKey', {
        alias: `alias/${this.stackNamePrefix}/${region}`,
      }));
    }
    Tags.of(this).add('multi-region:app', this.stackNamePrefix);
    ResilienceReport.of(this);
  }

  /**
   * The us-east-1 stack for Route 53 records and health checks, the alarms on their metrics,
   * and the dashboard. Created on first use, so an app that needs none has no empty stack.
   */
  public get globalStack(): Stack {
    this.global ??= this.newStack('global', ROUTE53_METRICS_REGION, `${this.stackNamePrefix}-global`,
      `${this.stackNamePrefix}: Route 53 records, health checks, their alarms and the dashboard (multi-region-cdk)`);
    return this.global;
  }

  /** The us-west-2 stack for Global Accelerator. Created on first use. */
  public get acceleratorStack(): Stack {
    this.accelerator ??= this.newStack('accelerator', GLOBAL_ACCELERATOR_REGION, `${this.stackNamePrefix}-accelerator`,
      `${this.stackNamePrefix}: Global Accelerator (multi-region-cdk)`);
    return this.accelerator;
  }

  /** The stack of an active Region. */
  public regionalStack(region: string): Stack {
    return entryOfActiveRegion(this.stacksByRegion, region, this.activeRegions, this);
  }

  /** The KMS key of an active Region; use it only for resources of that Region. */
  public regionalKey(region: string): RegionalKey {
    return entryOfActiveRegion(this.keysByRegion, region, this.activeRegions, this);
  }

  /** Every regional stack, in the order of `activeRegions`. */
  public get regionalStacks(): Stack[] {
    return this.activeRegions.map((r) => this.regionalStack(r));
  }

  /** Every stack created so far: the regional ones, then the global stacks that are in use. */
  public get allStacks(): Stack[] {
    return [...this.regionalStacks, ...[this.global, this.accelerator].filter((s): s is Stack => s !== undefined)];
  }

  private newStack(id: string, region: string, stackName: string, description: string): Stack {
    const stack = new Stack(this, id, {
      ...this.stackProps,
      env: { account: this.account, region },
      stackName,
      description,
      crossRegionReferences: true,
      terminationProtection: this.terminationProtection,
    });
    acknowledgeCrossRegionProviders(stack);
    return stack;
  }
}
