import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { isTrue, MultiRegionRule, synthesized } from './template';

/** An Aurora DSQL cluster that can be deleted by a stack update or a mistaken call. */
export const DSQL2: MultiRegionRule = {
  id: 'DSQL2',
  level: NagMessageLevel.ERROR,
  info: 'The Aurora DSQL cluster does not have deletion protection enabled.',
  explanation: 'Deleting one cluster of a peered pair removes a Region\'s copy of the data and breaks the multi-Region setup. '
    + 'Set DeletionProtectionEnabled to true; turn it off deliberately in a separate change before removing a cluster.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::DSQL::Cluster') return NagRuleCompliance.NOT_APPLICABLE;
    return isTrue(synthesized(node).properties.DeletionProtectionEnabled) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
