import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * `cloudwatch:PutMetricData` for one namespace. The action supports no resource-level
 * permissions (Service Authorization Reference, Amazon CloudWatch), so the resource is `*` and
 * the `cloudwatch:namespace` condition is the scope.
 */
export function putMetricDataStatement(namespace: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
  });
}

/** Acknowledges cdk-nag's IAM5 finding on the `*` of `putMetricDataStatement(namespace)` in `policy`. */
export function acknowledgePutMetricData(policy: Construct, namespace: string): void {
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: `cloudwatch:PutMetricData supports no resource ARNs; the statement is limited to namespace '${namespace}' by the cloudwatch:namespace condition.`,
  });
}

/** A policy of `role` that lets it publish metrics to `namespace` only, acknowledged for cdk-nag. */
export function metricsPolicy(scope: Construct, id: string, role: iam.IRole, namespace: string): iam.Policy {
  const policy = new iam.Policy(scope, id, { roles: [role], statements: [putMetricDataStatement(namespace)] });
  acknowledgePutMetricData(policy, namespace);
  return policy;
}
