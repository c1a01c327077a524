import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, ofType, referencedLogicalIds, stackResources, synthesized } from './template';

/**
 * The Regions of the endpoint groups of an accelerator: endpoint group -> listener -> accelerator,
 * followed through Ref/Fn::GetAtt in the accelerator's stack (Global Accelerator's resources all live in us-west-2).
 */
export function acceleratorRegions(node: CfnResource): string[] {
  const accelerator = synthesized(node);
  const resources = stackResources(node);
  const listeners = new Set(ofType(resources, 'AWS::GlobalAccelerator::Listener')
    .filter((l) => referencedLogicalIds(l.properties.AcceleratorArn).includes(accelerator.logicalId))
    .map((l) => l.logicalId));
  const regions = ofType(resources, 'AWS::GlobalAccelerator::EndpointGroup')
    .filter((g) => referencedLogicalIds(g.properties.ListenerArn).some((id) => listeners.has(id)))
    .map((g) => g.properties.EndpointGroupRegion);
  return [...new Set(regions)];
}

/** An accelerator that cannot fail over because its endpoints are all in one Region. */
export const GA2: MultiRegionRule = {
  id: 'GA2',
  level: NagMessageLevel.ERROR,
  info: 'The Global Accelerator\'s endpoint groups cover fewer than two Regions.',
  explanation: 'With every endpoint in one Region the accelerator has nowhere to send traffic when that Region fails. '
    + 'Add an endpoint group (AWS::GlobalAccelerator::EndpointGroup) for each active Region to a listener of this accelerator.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::GlobalAccelerator::Accelerator') return NagRuleCompliance.NOT_APPLICABLE;
    return acceleratorRegions(node).length >= 2 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
