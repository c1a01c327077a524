import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, synthesized, walk } from './template';

const KMS_ARN = /arn:aws[\w-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d+):/g;

/** The Regions of literal KMS ARNs in the resource's properties that differ from its stack's Region. */
export function foreignKeyArnRegions(node: CfnResource): string[] {
  const resource = synthesized(node);
  if (resource.region === undefined) return [];
  const regions = new Set<string>();
  for (const value of walk(resource.properties)) {
    if (typeof value !== 'string') continue;
    for (const match of value.matchAll(KMS_ARN)) {
      if (match[1] !== resource.region) regions.add(match[1]);
    }
  }
  return [...regions];
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
