import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { asNumber, MultiRegionRule, synthesized } from './template';

/** Longest detection time (interval x threshold) accepted for an endpoint health check: 30 s x 3. */
export const MAX_DETECTION_SECONDS = 90;

/** The health-check types that probe an endpoint (the others follow alarms or other checks). */
export const ENDPOINT_HEALTH_CHECK_TYPES: ReadonlySet<string> = new Set(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP']);

/** An endpoint health check that takes longer than 30 s x 3 to notice a failed Region. */
export const DNS3: MultiRegionRule = {
  id: 'DNS3',
  level: NagMessageLevel.ERROR,
  info: `A Route 53 endpoint health check takes more than ${MAX_DETECTION_SECONDS} seconds (RequestInterval x FailureThreshold) to detect a failure.`,
  explanation: 'Failover starts only once the health check is unhealthy, after about RequestInterval x FailureThreshold seconds. '
    + 'Use RequestInterval 10 or 30 and a FailureThreshold such that their product is at most 90 (for example 10 x 3 or 30 x 3).',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::Route53::HealthCheck') return NagRuleCompliance.NOT_APPLICABLE;
    const config = synthesized(node).properties.HealthCheckConfig ?? {};
    if (!ENDPOINT_HEALTH_CHECK_TYPES.has(config.Type)) return NagRuleCompliance.NOT_APPLICABLE;
    // Route 53's defaults: 30 s interval, threshold 3.
    const detection = (asNumber(config.RequestInterval ?? 30) ?? Infinity) * (asNumber(config.FailureThreshold ?? 3) ?? Infinity);
    return detection > MAX_DETECTION_SECONDS ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
