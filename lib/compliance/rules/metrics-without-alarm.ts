import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { alarmedMetrics } from './alarms';
import { asList, MultiRegionRule, synthesized } from './template';

const NAMESPACE_CONDITION_OPERATORS = ['StringEquals', 'StringLike'];

/** The policy documents of an IAM policy, managed policy or role (inline policies). */
function policyDocuments(node: CfnResource): any[] {
  const props = synthesized(node).properties;
  switch (node.cfnResourceType) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return [props.PolicyDocument];
    case 'AWS::IAM::Role':
      return asList(props.Policies).map((p: any) => p.PolicyDocument);
    default:
      return [];
  }
}

/**
 * The CloudWatch namespaces the policy lets its principal publish to: statements allowing
 * `cloudwatch:PutMetricData` limited by a `cloudwatch:namespace` condition (the way a probe's
 * role names where its metrics go).
 */
export function publishedNamespaces(node: CfnResource): string[] {
  const namespaces: string[] = [];
  for (const doc of policyDocuments(node)) {
    for (const statement of asList<any>(doc?.Statement)) {
      if (statement.Effect !== 'Allow') continue;
      if (!asList<string>(statement.Action).some((a) => typeof a === 'string' && /^cloudwatch:(PutMetricData|\*)$/i.test(a))) continue;
      for (const operator of NAMESPACE_CONDITION_OPERATORS) {
        const condition = statement.Condition?.[operator] ?? {};
        for (const [key, value] of Object.entries(condition)) {
          if (key.toLowerCase() === 'cloudwatch:namespace') namespaces.push(...asList(value as string | string[]).filter((v) => typeof v === 'string'));
        }
      }
    }
  }
  return [...new Set(namespaces)];
}

/** True when an IAM `StringLike` pattern (with * and ?) matches the namespace. */
function matches(pattern: string, namespace: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(namespace);
}

/** Metrics a principal publishes (a probe's health or replication-lag metrics) that no alarm watches. */
export const CW1: MultiRegionRule = {
  id: 'CW1',
  level: NagMessageLevel.WARN,
  info: 'The policy lets its principal publish CloudWatch metrics to a namespace that no alarm in the app watches.',
  explanation: 'Health and replication-lag metrics help only if someone is told when they go bad: with no alarm, a Region can degrade silently until failover is too late. '
    + 'Add an AWS::CloudWatch::Alarm on a metric of that namespace (for example with the probe\'s metricXxx() helpers), in the Region where the metric is published.',
  check: (node) => {
    const published = publishedNamespaces(node);
    if (published.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const alarmed = alarmedMetrics(node).map((m) => m.namespace).filter((ns): ns is string => typeof ns === 'string');
    const unwatched = published.filter((ns) => !alarmed.some((a) => matches(ns, a)));
    return unwatched.length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
