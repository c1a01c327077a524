import { CfnResource } from 'aws-cdk-lib';
import { DataResidency } from '../data-residency';
import { synthesized } from '../rules/template';

/**
 * The data class a resource holds: its `DataResidency` tag, or for a DynamoDB global table the tag
 * on its replicas (TableV2 renders `Tags.of()` there, so `DataResidency.tag()` on the table is found
 * through them). Undefined when the resource carries no class.
 */
export function resourceDataClass(node: CfnResource): string | undefined {
  return DataResidency.dataClassOf(node) ?? globalTableDataClass(node);
}

function globalTableDataClass(node: CfnResource): string | undefined {
  if (node.cfnResourceType !== 'AWS::DynamoDB::GlobalTable') return undefined;
  const replicas = synthesized(node).properties.Replicas;
  for (const replica of Array.isArray(replicas) ? replicas : []) {
    const tags = (replica as { Tags?: unknown })?.Tags;
    for (const tag of Array.isArray(tags) ? tags : []) {
      const { Key, Value } = tag as { Key?: unknown; Value?: unknown };
      if (Key === DataResidency.TAG_KEY && typeof Value === 'string') return Value;
    }
  }
  return undefined;
}
