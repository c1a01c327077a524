import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { assertKnownRegion, assertNoDuplicateRegions, isKnownRegion } from '../topology/regions';
import { validationError } from '../private/errors';
import { DataClass } from './data-class';
import { DataResidency } from './data-residency';
import { resourceDataClass } from './private/resource-data-class';
import { referencedLogicalIds, regionOf, synthesized, walk } from './rules/template';

/** The Regions one class of data may live in. */
export interface DataResidencyRule {
  /** The class of data, as tagged with `DataResidency.tag()`. */
  readonly dataClass: DataClass;
  /** The Regions where resources holding this class may be, and where it may be copied to. */
  readonly allowedRegions: string[];
}

/**
 * Properties of a `DataResidencyGuard`.
 */
export interface DataResidencyGuardProps {
  /** One rule per data class; a tagged resource whose class has no rule fails synth. */
  readonly rules: DataResidencyRule[];
}

const ARN_REGION = /arn:aws[\w-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d+):/g;
const CROSS_REGION_WRITER = 'Custom::CrossRegionExportWriter';

/**
 * Fails synth when data tagged with a class (`DataResidency.tag(construct, DataClass.PII)`)
 * would live in, or be copied to, a Region outside the class's allowed Regions:
 *
 * - a tagged resource in a stack of another Region (or of no fixed Region);
 * - a tagged Aurora DSQL cluster whose witness or peer cluster is in another Region;
 * - a custom resource (for example a DSQL peering resource) that takes a tagged resource and
 *   names another Region, or an ARN in another Region;
 * - a value of a tagged resource exported through a cross-Region reference to another Region.
 *
 * Attach it to the app (or a stage) to guard every stack under it:
 *
 * ```ts
 * new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1', 'eu-central-1'] }] });
 * ```
 */
export class DataResidencyGuard extends Construct {
  /** The rules, as given. */
  public readonly rules: DataResidencyRule[];
  private readonly allowed = new Map<string, string[]>();
  private readonly guarded: IConstruct;

  constructor(scope: Construct, id: string, props: DataResidencyGuardProps) {
    super(scope, id);
    this.guarded = scope;
    this.rules = [...props.rules];
    if (props.rules.length === 0) {
      throw validationError('NoResidencyRules', `DataResidencyGuard '${id}' has no rules; give at least one, for example { dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }.`, this);
    }
    for (const [i, rule] of props.rules.entries()) {
      const what = `DataResidencyGuard '${id}' rules[${i}] (${rule.dataClass.name})`;
      if (this.allowed.has(rule.dataClass.name)) {
        throw validationError('DuplicateResidencyRule', `${what}: data class '${rule.dataClass.name}' has a rule already; merge their allowedRegions into one rule.`, this);
      }
      if (rule.allowedRegions.length === 0) {
        throw validationError('EmptyAllowedRegions', `${what}: allowedRegions is empty; list the Regions where ${rule.dataClass.name} data may live.`, this);
      }
      rule.allowedRegions.forEach((region, j) => assertKnownRegion(region, `${what} allowedRegions[${j}]`, this));
      assertNoDuplicateRegions(rule.allowedRegions, `${what} allowedRegions`, this);
      this.allowed.set(rule.dataClass.name, [...rule.allowedRegions]);
    }
    // Runs at synth, after tags are applied and cross-Region references are rendered.
    this.node.addValidation({ validate: () => this.violations() });
  }

  /**
   * What this guard rejects, one line each (empty when the app keeps every class in its Regions).
   * Reads the rendered templates, so call it at synth (validation) time, once the app is built.
   */
  public violations(): string[] {
    return this.check(this.guarded);
  }

  /** The regions a class may live in, or undefined if the guard has no rule for it. */
  public allowedRegionsOf(dataClass: DataClass): string[] | undefined {
    const regions = this.allowed.get(dataClass.name);
    return regions && [...regions];
  }

  /**
   * The Regions of a class: its rule, or for a Region's audit logs (`DataClass.auditLogsOf`) that
   * Region alone, unless a rule says otherwise.
   */
  private allowedFor(dataClass: string): string[] | undefined {
    const rule = this.allowed.get(dataClass);
    if (rule) return rule;
    const audit = /^AUDIT_LOG:(.+)$/.exec(dataClass);
    return audit ? [audit[1]] : undefined;
  }

  private check(scope: IConstruct): string[] {
    const errors: string[] = [];
    const resources = scope.node.findAll().filter(CfnResource.isCfnResource);
    // Tagged resources by stack and logical id, to follow references to them.
    const tagged = new Map<Stack, Map<string, { node: CfnResource; dataClass: string }>>();
    for (const node of resources) {
      const dataClass = resourceDataClass(node);
      if (dataClass === undefined) continue;
      const byId = tagged.get(Stack.of(node)) ?? new Map();
      byId.set(synthesized(node).logicalId, { node, dataClass });
      tagged.set(Stack.of(node), byId);
      errors.push(...this.checkPlacement(node, dataClass));
    }
    for (const node of resources) {
      const inStack = tagged.get(Stack.of(node));
      if (!inStack) continue;
      if (node.cfnResourceType === CROSS_REGION_WRITER) {
        errors.push(...this.checkExports(node, inStack));
      } else if (node.cfnResourceType.startsWith('Custom::') || node.cfnResourceType === 'AWS::CloudFormation::CustomResource') {
        errors.push(...this.checkCustomResource(node, inStack));
      }
    }
    return errors;
  }

  /** A tagged resource must be in an allowed Region; a tagged DSQL cluster's witness and peers too. */
  private checkPlacement(node: CfnResource, dataClass: string): string[] {
    const allowed = this.allowedFor(dataClass);
    const label = `${node.node.path} (${node.cfnResourceType}, ${DataResidency.TAG_KEY}=${dataClass})`;
    if (!allowed) {
      return [`${label}: no rule of this guard covers data class '${dataClass}'; add a rule for it or fix the tag (rules cover ${[...this.allowed.keys()].join(', ')}).`];
    }
    const region = regionOf(node);
    if (region === undefined) {
      return [`${label} is in an environment-agnostic stack, so its Region is unknown; give the stack an env with one of ${allowed.join(', ')}.`];
    }
    if (!allowed.includes(region)) {
      return [`${label} is in ${region}; ${dataClass} data may live only in ${allowed.join(', ')}.`];
    }
    if (node.cfnResourceType === 'AWS::DynamoDB::GlobalTable') return this.checkGlobalTableReplicas(node, label, dataClass, allowed);
    if (node.cfnResourceType === 'AWS::SecretsManager::Secret') {
      // A replicated secret (an Aurora global database's credentials) is copied to each replica Region.
      return asArray(synthesized(node).properties.ReplicaRegions)
        .map((r) => (r as { Region?: unknown })?.Region)
        .filter((r): r is string => typeof r === 'string' && !allowed.includes(r))
        .map((r) => `${label} is replicated to ${r}; ${dataClass} data may live only in ${allowed.join(', ')}.`);
    }
    if (node.cfnResourceType !== 'AWS::DSQL::Cluster') return [];
    const errors: string[] = [];
    const multiRegion = synthesized(node).properties.MultiRegionProperties ?? {};
    const witness = multiRegion.WitnessRegion;
    if (typeof witness === 'string' && !allowed.includes(witness)) {
      errors.push(`${label} has witness Region ${witness}; ${dataClass} data may live only in ${allowed.join(', ')}, so choose a witness among them.`);
    }
    for (const peerRegion of outsideRegions(multiRegion.Clusters, allowed)) {
      errors.push(`${label} peers with a cluster in ${peerRegion}; ${dataClass} data may live only in ${allowed.join(', ')}.`);
    }
    return errors;
  }

  /** Every replica and witness Region of a tagged DynamoDB global table must be allowed. */
  private checkGlobalTableReplicas(node: CfnResource, label: string, dataClass: string, allowed: string[]): string[] {
    const props = synthesized(node).properties;
    const errors: string[] = [];
    for (const replica of asArray(props.Replicas)) {
      const region = (replica as { Region?: unknown })?.Region;
      if (typeof region === 'string' && !allowed.includes(region)) {
        errors.push(`${label} has a replica in ${region}; ${dataClass} data may live only in ${allowed.join(', ')}, so remove that replica Region.`);
      }
    }
    for (const witness of asArray(props.GlobalTableWitnesses)) {
      const region = (witness as { Region?: unknown })?.Region;
      if (typeof region === 'string' && !allowed.includes(region)) {
        errors.push(`${label} has witness Region ${region}; ${dataClass} data may live only in ${allowed.join(', ')}, so choose a witness among them.`);
      }
    }
    return errors;
  }

  /** A cross-Region reference must not carry a tagged resource's value out of the allowed Regions. */
  private checkExports(writer: CfnResource, tagged: Map<string, { node: CfnResource; dataClass: string }>): string[] {
    const props = synthesized(writer).properties.WriterProps ?? {};
    const errors: string[] = [];
    for (const [name, value] of Object.entries<unknown>(props.exports ?? {})) {
      for (const id of referencedLogicalIds(value)) {
        const source = tagged.get(id);
        const allowed = source && this.allowedFor(source.dataClass);
        if (source && allowed && !allowed.includes(props.region)) {
          errors.push(`${source.node.node.path} (${DataResidency.TAG_KEY}=${source.dataClass}) is exported to ${props.region} by a cross-Region reference (${name}); `
            + `${source.dataClass} data may go only to ${allowed.join(', ')}, so do not reference it from a stack in ${props.region}.`);
        }
      }
    }
    return errors;
  }

  /** A custom resource (such as a DSQL peering) given a tagged resource must not name other Regions. */
  private checkCustomResource(node: CfnResource, tagged: Map<string, { node: CfnResource; dataClass: string }>): string[] {
    const props = synthesized(node).properties;
    const errors: string[] = [];
    const sources = [...new Set(referencedLogicalIds(props))].map((id) => tagged.get(id)).filter((s) => s !== undefined);
    for (const source of sources) {
      const allowed = this.allowedFor(source.dataClass);
      if (!allowed) continue;
      for (const region of outsideRegions(props, allowed)) {
        errors.push(`${node.node.path} (${node.cfnResourceType}) takes ${source.node.node.path} (${DataResidency.TAG_KEY}=${source.dataClass}) and names ${region}; `
          + `${source.dataClass} data may go only to ${allowed.join(', ')}.`);
      }
    }
    return errors;
  }
}

/** Regions outside `allowed` that `value` names, as a Region code or in an ARN. */
function outsideRegions(value: unknown, allowed: string[]): string[] {
  const regions = new Set<string>();
  for (const item of walk(value)) {
    if (typeof item !== 'string') continue;
    if (isKnownRegion(item)) regions.add(item);
    for (const match of item.matchAll(ARN_REGION)) regions.add(match[1]);
  }
  return [...regions].filter((r) => !allowed.includes(r));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
