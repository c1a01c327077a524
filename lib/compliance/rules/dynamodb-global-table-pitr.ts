import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { asList, isTrue, MultiRegionRule, synthesized } from './template';

/** A DynamoDB global table with a replica without point-in-time recovery. */
export const DDB2: MultiRegionRule = {
  id: 'DDB2',
  level: NagMessageLevel.ERROR,
  info: 'A replica of the DynamoDB global table has no point-in-time recovery.',
  explanation: 'Replication copies a bad write or a delete to every Region within a second, so the replicas are no backup of each other: only point-in-time recovery '
    + 'restores the table to before the mistake. PITR is set per replica: set PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled on every replica '
    + '(DynamoDbGlobalTable does by default).',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::DynamoDB::GlobalTable') return NagRuleCompliance.NOT_APPLICABLE;
    const replicas = asList<any>(synthesized(node).properties.Replicas);
    return replicas.every((r) => isTrue(r?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled))
      ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
