import { Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Whether `alarm` is a composite alarm of this app. An imported `IAlarm` is taken as a metric alarm. */
export function isCompositeAlarm(alarm: cloudwatch.IAlarm): boolean {
  return alarm instanceof cloudwatch.CompositeAlarm;
}

/**
 * Statements that let a role read `alarms` with DescribeAlarms: the metric alarms by ARN, and,
 * only when a composite alarm is among them, `cloudwatch:DescribeAlarms` on `*`, because AWS
 * returns composite alarms only to callers whose permission "is scoped to *. You can't return
 * information about composite alarms if your cloudwatch:DescribeAlarms permission has a narrower
 * scope" (CloudWatch API Reference, DescribeAlarms). The caller also passes
 * `AlarmTypes: ['MetricAlarm','CompositeAlarm']`, without which only metric alarms come back.
 */
export function describeAlarmsStatements(alarmArns: string[], anyComposite: boolean, extraActions: string[] = []): iam.PolicyStatement[] {
  if (anyComposite) {
    return [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms', ...extraActions], resources: ['*'] })];
  }
  return alarmArns.length > 0 ? [new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms', ...extraActions], resources: alarmArns })] : [];
}

/** Acknowledges the `*` of `describeAlarmsStatements` for a composite alarm on `scope` (a policy or role). */
export function acknowledgeCompositeAlarmRead(scope: Construct): void {
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudwatch:DescribeAlarms returns composite alarms only when the permission is scoped to * (CloudWatch API Reference, DescribeAlarms); a composite alarm is among the alarms read.',
  });
}
