import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { RecoveryObjectives } from '../../routing/recovery-objectives';
import { recordSetsOf } from './route53-records';
import { asList, asNumber, MultiRegionRule, stackResources, synthesized } from './template';

/** Bound on a routed record's failover time when the app states no recovery objectives. */
export const ROUTED_RECORD_DEFAULT_BOUND_SECONDS = 300;

/** The logical id a Ref or Fn::GetAtt names. */
function referenced(value: any): string | undefined {
  if (typeof value?.Ref === 'string') return value.Ref;
  const getAtt = value?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** Detection time of a health check in the stack: interval x threshold; CALCULATED: its slowest child; alarm-based: 0 (not readable here). */
function detectionSeconds(node: CfnResource, logicalId: string, depth = 0): number {
  if (depth > 3) return 0;
  const check = stackResources(node).find((r) => r.cfnResourceType === 'AWS::Route53::HealthCheck' && Stack.of(r).getLogicalId(r) === logicalId);
  if (!check) return 0;
  const config = synthesized(check).properties.HealthCheckConfig ?? {};
  if (config.Type === 'CALCULATED') {
    return Math.max(0, ...asList<any>(config.ChildHealthChecks).map((c) => {
      const id = referenced(c);
      return id ? detectionSeconds(node, id, depth + 1) : 0;
    }));
  }
  if (config.Type === 'CLOUDWATCH_METRIC' || config.Type === 'RECOVERY_CONTROL') return 0;
  return (asNumber(config.RequestInterval) ?? 30) * (asNumber(config.FailureThreshold) ?? 3);
}

/** A latency or weighted record whose TTL pushes its failover time past the RTO. */
export const DNS4: MultiRegionRule = {
  id: 'DNS4',
  level: NagMessageLevel.WARN,
  info: 'A Route 53 latency or weighted record\'s TTL makes its failover time exceed the recovery objectives '
    + `(the RTO of RecoveryObjectives, or ${ROUTED_RECORD_DEFAULT_BOUND_SECONDS} s when none are stated).`,
  explanation: 'Resolvers keep a record for its TTL after Route 53 stops answering with a failed Region, so the TTL adds to the health check\'s detection time. '
    + 'A TTL of hours or a day keeps clients on a failed Region that long. Lower the TTL (60 s or less), or use an alias record to a load balancer (60 s).',
  check: (node) => {
    const routed = recordSetsOf(node).filter((r) => (r.Region !== undefined || r.Weight !== undefined) && r.TTL !== undefined);
    if (routed.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const bound = RecoveryObjectives.find(node)?.rtoSeconds ?? ROUTED_RECORD_DEFAULT_BOUND_SECONDS;
    const tooSlow = routed.some((r) => {
      const ttl = asNumber(r.TTL) ?? Infinity;
      const checkId = referenced(r.HealthCheckId);
      const detection = checkId ? detectionSeconds(node, checkId) : 0;
      return ttl + detection > bound;
    });
    return tooSlow ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
