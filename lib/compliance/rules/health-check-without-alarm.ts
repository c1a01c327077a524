import { Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { alarmedMetrics } from './alarms';
import { ENDPOINT_HEALTH_CHECK_TYPES } from './route53-health-check-speed';
import { MultiRegionRule, referencedLogicalIds, synthesized } from './template';

/**
 * An endpoint health check whose status metric (AWS/Route53 HealthCheckStatus, published in
 * us-east-1) no alarm watches: Route 53 fails over silently and nobody is told a Region is down.
 */
export const CW2: MultiRegionRule = {
  id: 'CW2',
  level: NagMessageLevel.WARN,
  info: 'No CloudWatch alarm watches the Route 53 health check\'s HealthCheckStatus metric.',
  explanation: 'Route 53 fails over on its own, but an unhealthy Region then goes unnoticed until the other one fails too. '
    + 'Add an AWS::CloudWatch::Alarm on AWS/Route53 HealthCheckStatus with dimension HealthCheckId of this check, in us-east-1 where the metric exists.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::Route53::HealthCheck') return NagRuleCompliance.NOT_APPLICABLE;
    const check = synthesized(node);
    if (!ENDPOINT_HEALTH_CHECK_TYPES.has(check.properties.HealthCheckConfig?.Type)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    // The alarm lives beside the check (both in us-east-1), so its dimension is a Ref to the check.
    const watched = alarmedMetrics(node).some((m) => m.stack === stack && m.namespace === 'AWS/Route53' && m.metricName === 'HealthCheckStatus'
      && m.dimensions.some((d) => d.Name === 'HealthCheckId' && referencedLogicalIds(d.Value).includes(check.logicalId)));
    return watched ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
