import { CfnResource } from 'aws-cdk-lib';
import { synthesized } from './template';

/**
 * The record sets of a `AWS::Route53::RecordSet` (itself) or of a `AWS::Route53::RecordSetGroup`
 * (its `RecordSets`); empty for any other resource.
 */
export function recordSetsOf(node: CfnResource): Record<string, any>[] {
  if (node.cfnResourceType === 'AWS::Route53::RecordSet') return [synthesized(node).properties];
  if (node.cfnResourceType === 'AWS::Route53::RecordSetGroup') return synthesized(node).properties.RecordSets ?? [];
  return [];
}
