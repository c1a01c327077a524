import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, regionOf } from './template';

/** The stack tag `MultiRegionApp` puts on each active Region's stack (active, primary or standby). */
export const REGION_ROLE_TAG = 'multi-region:region-role';

function regionRole(stack: Stack): string | undefined {
  return stack.tags.tagValues()[REGION_ROLE_TAG];
}

/** Every stack of the app (the resource's root) that is an active Region's stack. */
function activeRegionStacks(node: CfnResource): Stack[] {
  return node.node.root.node.findAll().filter((c): c is Stack => Stack.isStack(c) && regionRole(c) !== undefined);
}

/**
 * An active Region of a multi-Region app (stacks tagged `multi-region:region-role`, as
 * `MultiRegionApp` makes them, in two or more Regions) whose stack records no CloudTrail trail
 * that is logging. Reported once per stack, on its first resource.
 */
export const AUDIT1: MultiRegionRule = {
  id: 'AUDIT1',
  level: NagMessageLevel.WARN,
  info: 'An active Region of a multi-Region app has no CloudTrail trail in its stack.',
  explanation: 'Each Region\'s actions (every cross-Region change included) should be recorded in that Region, in logs nobody can alter, '
    + 'for audits and legal discovery, and so a game day can check their integrity. '
    + 'Add a RegionalAuditTrail (or an AWS::CloudTrail::Trail with IsLogging: true) to every active Region\'s stack.',
  check: (node) => {
    const stack = Stack.of(node);
    if (regionRole(stack) === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const first = stack.node.findAll().find(CfnResource.isCfnResource);
    if (first !== node) return NagRuleCompliance.NOT_APPLICABLE;
    const regions = new Set(activeRegionStacks(node).map(regionOf).filter((r) => r !== undefined));
    if (regions.size < 2) return NagRuleCompliance.NOT_APPLICABLE;
    const trails = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::CloudTrail::Trail');
    const logging = trails.some((t) => stack.resolve((t as any).isLogging) !== false);
    return logging ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
