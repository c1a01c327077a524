import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, synthesized } from './template';

/** A multi-Region Aurora DSQL cluster configured without a witness Region. */
export const DSQL3: MultiRegionRule = {
  id: 'DSQL3',
  level: NagMessageLevel.ERROR,
  info: 'The Aurora DSQL cluster has multi-Region properties but no witness Region.',
  explanation: 'Multi-Region Aurora DSQL needs a witness Region for quorum: without it the peered clusters cannot commit when one Region is lost. '
    + 'Set MultiRegionProperties.WitnessRegion to a third Region of a supported Region set (MultiRegionApp witnessRegion).',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::DSQL::Cluster') return NagRuleCompliance.NOT_APPLICABLE;
    const multiRegion = synthesized(node).properties.MultiRegionProperties;
    if (multiRegion === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    return multiRegion.WitnessRegion ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
