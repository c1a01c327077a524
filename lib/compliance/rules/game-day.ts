import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { GAME_DAY_TAG } from '../../gameday/private/game-day-tag';
import { acceleratorRegions } from './accelerator-two-regions';
import { appResources, asList, MultiRegionRule, synthesized } from './template';

/** Whether the app has a Region switch plan or a state machine tagged as its evacuation drill. */
function hasGameDay(node: CfnResource): boolean {
  return appResources(node).some((r) => {
    if (r.cfnResourceType === 'AWS::ARCRegionSwitch::Plan') return true;
    if (r.cfnResourceType !== 'AWS::StepFunctions::StateMachine') return false;
    return asList<any>(synthesized(r).properties.Tags).some((t) => t?.Key === GAME_DAY_TAG);
  });
}

/** Routing that moves traffic between Regions: an accelerator over two Regions, or a latency or failover record. */
function routesAcrossRegions(node: CfnResource): boolean {
  if (node.cfnResourceType === 'AWS::GlobalAccelerator::Accelerator') return acceleratorRegions(node).length >= 2;
  if (node.cfnResourceType === 'AWS::Route53::RecordSet') {
    const props = synthesized(node).properties;
    return props.Region !== undefined || props.Failover !== undefined;
  }
  return false;
}

/** A multi-Region app whose failover is never exercised: no evacuation drill and no Region switch plan. */
export const GD1: MultiRegionRule = {
  id: 'GD1',
  level: NagMessageLevel.WARN,
  info: 'The app routes traffic across Regions but has no Region evacuation drill and no ARC Region switch plan.',
  explanation: 'A failover that is never exercised is a failover nobody knows works: the computed budget is a claim until a drill measures it. '
    + 'Add a RegionEvacuationDrill (in a stack of a Region that survives, for example the witness Region) and run `npx multi-region-cdk drill --region <r>` every quarter, '
    + 'or a RegionSwitchPlan (AWS::ARCRegionSwitch::Plan) generated from the same routing. A drill of your own counts when its state machine carries the tag '
    + `'${GAME_DAY_TAG}'.`,
  check: (node) => {
    if (!routesAcrossRegions(node)) return NagRuleCompliance.NOT_APPLICABLE;
    return hasGameDay(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};

