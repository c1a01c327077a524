import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, synthesized, walk } from './template';

const KMS_ARN = /arn:aws[\w-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d+):/g;

/** The Regions of literal KMS ARNs in the resource's properties that differ from its stack's Region. */
export function foreignKeyArnRegions(node: CfnResource): string[] {
  const resource = synthesized(node);
  if (resource.region === undefined) return [];
  const regions = new Set<string>();
  const replicaScoped = replicaScopedKeyArns(resource.properties);
  for (const value of walk(resource.properties)) {
    if (typeof value !== 'string' || replicaScoped.has(value)) continue;
    for (const match of value.matchAll(KMS_ARN)) {
      if (match[1] !== resource.region) regions.add(match[1]);
    }
  }
  return [...regions];
}

/**
 * KMS ARNs inside a per-Region block of the resource (an object with a `Region` of the ARN's own
 * Region): a DynamoDB global table replica's `SSESpecification`, a Secrets Manager secret's
 * `ReplicaRegions` entry. These name the key of the Region the copy lives in, which is right.
 */
function replicaScopedKeyArns(properties: unknown): Set<string> {
  const scoped = new Set<string>();
  for (const item of walk(properties)) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const region = (item as Record<string, unknown>).Region;
    if (typeof region !== 'string') continue;
    for (const value of walk(item)) {
      if (typeof value !== 'string') continue;
      const arnRegions = [...value.matchAll(KMS_ARN)].map((m) => m[1]);
      if (arnRegions.length > 0 && arnRegions.every((r) => r === region)) scoped.add(value);
    }
  }
  return scoped;
}

/** A resource that names a KMS key of another Region by literal ARN. */
export const KMS2: MultiRegionRule = {
  id: 'KMS2',
  level: NagMessageLevel.ERROR,
  info: 'The resource references a KMS key ARN of another Region.',
  explanation: 'A resource can use a KMS key only in the key\'s Region, and a cross-Region dependency on a key ties this Region\'s availability to another Region. '
    + 'Replace the ARN with the key of the resource\'s own Region (MultiRegionApp.regionalKey(region)).',
  check: (node) => foreignKeyArnRegions(node).length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT,
};
