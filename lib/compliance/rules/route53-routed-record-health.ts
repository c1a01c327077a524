import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { recordSetsOf } from './route53-records';
import { isTrue, MultiRegionRule } from './template';

/** True for a latency, failover or weighted record, whose answer depends on which targets are healthy. */
function isRouted(record: Record<string, any>): boolean {
  return record.Region !== undefined || record.Failover !== undefined || record.Weight !== undefined;
}

function isHealthChecked(record: Record<string, any>): boolean {
  return record.HealthCheckId !== undefined || isTrue(record.AliasTarget?.EvaluateTargetHealth);
}

/** A latency, failover or weighted record that Route 53 answers whether or not its target is healthy. */
export const DNS1: MultiRegionRule = {
  id: 'DNS1',
  level: NagMessageLevel.ERROR,
  info: 'A latency, failover or weighted Route 53 record has no health check and does not evaluate its alias target\'s health.',
  explanation: 'Route 53 keeps answering with a record it cannot see is unhealthy, so clients keep going to a failed Region. '
    + 'Set HealthCheckId to a health check of that Region\'s endpoint, or for an alias record set AliasTarget.EvaluateTargetHealth to true.',
  check: (node) => {
    const routed = recordSetsOf(node).filter(isRouted);
    if (routed.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return routed.every(isHealthChecked) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
