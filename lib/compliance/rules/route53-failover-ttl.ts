import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { recordSetsOf } from './route53-records';
import { asNumber, MultiRegionRule } from './template';

/** Longest TTL, in seconds, that keeps DNS failover within about a minute after detection. */
export const MAX_FAILOVER_TTL_SECONDS = 60;

/** A failover record cached by resolvers for longer than a minute. */
export const DNS2: MultiRegionRule = {
  id: 'DNS2',
  level: NagMessageLevel.ERROR,
  info: `A Route 53 failover record has a TTL over ${MAX_FAILOVER_TTL_SECONDS} seconds.`,
  explanation: 'After Route 53 fails over, resolvers keep answering with the failed Region until the cached record expires, so the TTL adds directly to the outage. '
    + `Set TTL to ${MAX_FAILOVER_TTL_SECONDS} seconds or less, or use an alias record (no TTL of its own).`,
  check: (node) => {
    const failover = recordSetsOf(node).filter((r) => r.Failover !== undefined);
    if (failover.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const tooLong = failover.some((r) => r.TTL !== undefined && (asNumber(r.TTL) ?? Infinity) > MAX_FAILOVER_TTL_SECONDS);
    return tooLong ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
