import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, ofType, referencedLogicalIds, stackResources, synthesized } from './template';

/** Where a key of this stack is exported to another Region through a cross-Region reference. */
export function keyExportsToOtherRegions(node: CfnResource): string[] {
  const key = synthesized(node);
  const uses: string[] = [];
  for (const writer of ofType(stackResources(node), 'Custom::CrossRegionExportWriter')) {
    const target = writer.properties.WriterProps?.region;
    if (target === key.region) continue;
    for (const [name, value] of Object.entries<unknown>(writer.properties.WriterProps?.exports ?? {})) {
      if (referencedLogicalIds(value).includes(key.logicalId)) uses.push(`${name} to ${target}`);
    }
  }
  return uses;
}

/**
 * A KMS key whose id or ARN leaves its Region through a cross-Region reference
 * (`Custom::CrossRegionExportWriter`): a resource in another Region is about to use it.
 */
export const KMS1: MultiRegionRule = {
  id: 'KMS1',
  level: NagMessageLevel.ERROR,
  info: 'The KMS key is referenced by a resource in another Region (exported through a cross-Region reference).',
  explanation: 'A KMS key works only in its own Region, and a Region that depends on another Region\'s key fails with it. '
    + 'Give each Region its own key (MultiRegionApp.regionalKey(region)) and reference only the key of the consuming resource\'s Region.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::KMS::Key') return NagRuleCompliance.NOT_APPLICABLE;
    return keyExportsToOtherRegions(node).length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
