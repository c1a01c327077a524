import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { unknownFailoverTermsOf } from '../../routing/private/unknown-terms';
import { MultiRegionRule } from './template';

/** A Global Accelerator endpoint group whose failover time cannot be stated. */
export const GA3: MultiRegionRule = {
  id: 'GA3',
  level: NagMessageLevel.WARN,
  info: 'The failover time of this Global Accelerator endpoint group is UNKNOWN.',
  explanation: 'For load balancer endpoints Global Accelerator follows Elastic Load Balancing target health, so the time to move traffic off a failed Region is the '
    + 'target groups\' health-check interval x unhealthy threshold. The target groups are not in this app, have health checks disabled, or do not exist (fixed responses), '
    + 'so the failover budget cannot state it. Give RoutedRegion targetHealthDetection, or put the target groups in the app with health checks enabled.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::GlobalAccelerator::EndpointGroup') return NagRuleCompliance.NOT_APPLICABLE;
    return unknownFailoverTermsOf(node).length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
