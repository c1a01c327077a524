import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * One rule of `MultiRegionChecks`: a pure function of a synthesized resource, with what a
 * reviewer needs to act on a finding.
 */
export interface MultiRegionRule {
  /** Rule id suffix; findings are reported as `MultiRegion-<id>`. */
  readonly id: string;
  /** One line: what is wrong with the resource. */
  readonly info: string;
  /** Why it matters and how to fix it. */
  readonly explanation: string;
  /** Error fails synth; warning is reported only. */
  readonly level: NagMessageLevel;
  /** Compliant, non-compliant or not applicable for one resource. */
  check(node: CfnResource): NagRuleResult;
}

/** A resource as it appears in its synthesized template. */
export interface SynthesizedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
  /** The stack's Region, or undefined for an environment-agnostic stack. */
  readonly region?: string;
}

/**
 * The resource as CloudFormation will see it: properties resolved, overrides applied, cross-stack
 * and cross-Region references already replaced. Rules read this rather than L1 fields so they
 * catch raw overrides and hand-written stacks alike.
 */
export function synthesized(node: CfnResource): SynthesizedResource {
  const cached = pass?.synthesized.get(node);
  if (cached) return cached;
  const resource = synthesize(node);
  pass?.synthesized.set(node, resource);
  return resource;
}

function synthesize(node: CfnResource): SynthesizedResource {
  const stack = Stack.of(node);
  const rendered = stack.resolve((node as unknown as { _toCloudFormation(): object })._toCloudFormation()) as { Resources: Record<string, any> };
  const [logicalId, resource] = Object.entries(rendered.Resources)[0];
  return { logicalId, type: resource.Type, properties: resource.Properties ?? {}, region: regionOf(node) };
}

/** The concrete Region of the construct's stack; undefined outside any stack or in an environment-agnostic one. */
export function regionOf(node: IConstruct): string | undefined {
  const stack = [...node.node.scopes].reverse().find((s): s is Stack => Stack.isStack(s));
  return stack === undefined || Token.isUnresolved(stack.region) ? undefined : stack.region;
}

/** Every value inside `value`, depth-first. */
export function* walk(value: unknown): Generator<unknown> {
  yield value;
  if (Array.isArray(value)) {
    for (const item of value) yield* walk(item);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) yield* walk(item);
  }
}

/** Logical ids that `value` references with Ref or Fn::GetAtt. */
export function referencedLogicalIds(value: unknown): string[] {
  const ids: string[] = [];
  for (const item of walk(value)) {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const obj = item as Record<string, unknown>;
      if (typeof obj.Ref === 'string') ids.push(obj.Ref);
      const getAtt = obj['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.push(getAtt[0]);
    }
  }
  return ids;
}

/** Every L1 resource of the app the construct belongs to, so a rule can see the whole app. */
export function appResources(node: IConstruct): CfnResource[] {
  const root = node.node.root;
  return passMemo('appResources', root, () => root.node.findAll().filter(CfnResource.isCfnResource));
}

/** Every L1 resource of the construct's stack (not of its nested stacks). */
export function stackResources(node: IConstruct): CfnResource[] {
  const stack = Stack.of(node);
  return passMemo('stackResources', stack, () => stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack));
}

/** The resources of `type` among `resources`, synthesized. */
export function ofType(resources: CfnResource[], type: string): SynthesizedResource[] {
  return resources.filter((r) => r.cfnResourceType === type).map(synthesized);
}

/** A template value that may be one item or a list of them (IAM Action, Statement), as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A property's value as a number, whether the template holds it as a number or a string. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** True for `true` or `'true'`, as CloudFormation accepts both. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * What one validation pass has already computed. The rules run on the finished tree, where a
 * resource's synthesized form and the lists of resources cannot change, yet each of the rules
 * would otherwise resolve every resource again (and the app-wide rules scan the whole tree once
 * per resource they check). Outside a pass (a rule called alone, as in the rule tests) nothing
 * is cached.
 */
interface PassCache {
  readonly synthesized: WeakMap<CfnResource, SynthesizedResource>;
  readonly values: Map<string, WeakMap<object, unknown>>;
}

let pass: PassCache | undefined;

/** Runs `fn` as one validation pass: each resource is synthesized at most once inside it. */
export function inValidationPass<T>(fn: () => T): T {
  const outer = pass;
  pass = { synthesized: new WeakMap(), values: new Map() };
  try {
    return fn();
  } finally {
    pass = outer;
  }
}

/** `produce()` once per `key` and `kind` within a validation pass; every time outside one. */
export function passMemo<K extends object, V>(kind: string, key: K, produce: () => V): V {
  if (!pass) return produce();
  let byKey = pass.values.get(kind);
  if (!byKey) pass.values.set(kind, byKey = new WeakMap());
  if (byKey.has(key)) return byKey.get(key) as V;
  const value = produce();
  byKey.set(key, value);
  return value;
}
